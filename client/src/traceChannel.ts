import type * as vscode from 'vscode';
import { envFileState, isEnvFileName, redactionDictionary, redactText } from '../../engine/core';

/**
 * The language client's trace (`struere.trace.server`, with the channel's log level at Trace) prints every LSP
 * message, and a verbose one prints its parameters: the whole text of an .env file on didOpen, each edit of it on
 * didChange. Every trace line passes through `redactTraceMessage` before it reaches the channel, so no env file's
 * text, and no value of an open env file, is ever written to it.
 */

/** Where a message's parameters are left out because they belong to an env file. */
export const ENV_TEXT_LEFT_OUT = '(parameters left out: they hold an .env file’s text, which is never traced)';

/** `"uri": "…"` as JSON writes a document's URI, pretty-printed or not. */
const URI_FIELD = /"uri"\s*:\s*"((?:[^"\\]|\\.)*)"/g;

/** A JSON `"languageId": "dotenv"`: a document VS Code treats as an env file, whatever its name. */
const DOTENV_LANGUAGE = /"languageId"\s*:\s*"dotenv"/;

/**
 * One trace message: when it names an env file (by URI or language), only its first line (the method and
 * direction) is kept; otherwise the values of the open env files are replaced by `[SECRET:KEY]`.
 */
export function redactTraceMessage(message: string, redactValues: (text: string) => string): string {
  if (namesEnvFile(message)) {
    const firstLine = message.split('\n', 1)[0]!;
    return `${redactValues(firstLine)}\n${ENV_TEXT_LEFT_OUT}`;
  }
  return redactValues(message);
}

function namesEnvFile(message: string): boolean {
  if (DOTENV_LANGUAGE.test(message)) return true;
  for (const match of message.matchAll(URI_FIELD)) {
    const uri = match[1]!;
    const name = uri.slice(uri.lastIndexOf('/') + 1);
    if (isEnvFileName(safeDecode(name))) return true;
  }
  return false;
}

function safeDecode(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch (error) {
    if (error instanceof URIError) return name;
    throw error;
  }
}

/** An open env document as the trace redactor reads it: its text is asked for only when its version changed. */
export interface EnvDocument {
  readonly uri: string;
  readonly version: number;
  text(): string;
}

/**
 * Replaces the values of the given env documents (the open ones) by `[SECRET:KEY]`. The dictionary (values and
 * their encoded forms) is built again only when a document's version changed: a verbose trace writes a line per
 * LSP message, and neither rebuilding it nor copying every env text for each one is needed to know it is current.
 */
export function valueRedactor(envDocuments: () => Iterable<EnvDocument>): (text: string) => string {
  let built: { versions: readonly string[]; dictionary: ReturnType<typeof redactionDictionary> } | undefined;
  return (text) => {
    const documents = [...envDocuments()];
    if (documents.length === 0) return text;
    const versions = documents.map((document) => `${document.version} ${document.uri}`);
    if (!built || built.versions.length !== versions.length || built.versions.some((v, i) => v !== versions[i]))
      built = {
        versions,
        dictionary: redactionDictionary(
          documents.map((document) => envFileState(document.uri, document.text(), undefined)),
        ),
      };
    return redactText(text, built.dictionary);
  };
}

/** The channel methods that take text to show; everything else passes through unchanged. */
const TEXT_METHODS: ReadonlySet<string> = new Set([
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'append',
  'appendLine',
  'replace',
]);

/**
 * `channel` with every text written to it through `redact` first. A Proxy, so the log level and its change event
 * stay the channel's own: the language client turns tracing on and off by them.
 */
export function redactingChannel(
  channel: vscode.LogOutputChannel,
  redact: (message: string) => string,
): vscode.LogOutputChannel {
  return new Proxy(channel, {
    get(target, property) {
      // The channel itself as `this`: its getters may read private state a Proxy receiver would not have.
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (typeof property !== 'string' || !TEXT_METHODS.has(property)) return method.bind(target);
      return (...args: unknown[]) =>
        method.apply(
          target,
          args.map((arg) => (typeof arg === 'string' ? redact(arg) : arg)),
        );
    },
  });
}
