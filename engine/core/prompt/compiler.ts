import { DROPPED_KEYS, parseEnv } from '../model/envParser';
import { isValidKey } from '../model/environments';
import { describeInvalidName } from '../model/invalidName';
import type { RemoteNameList } from '../model/remoteNames';
import { promptReferencePattern } from '../model/references';
import { extractSystemPrompts } from './lexer';

/**
 * What a prompt compiles to on the platform, without any value: a set secret shows as a mask, an unset one as
 * the literal the platform puts there, `[MISSING_SECRET:KEY]`. Pure: the caller says which keys are set
 * (`isSet`), and no value ever reaches this module, so none can leak out of it.
 *
 * Agent code (`.ts`/`.js`): every `systemPrompt:` string of the file — backtick templates (their `${…}`
 * expressions are kept as written, since they run only on the platform), single- or double-quoted strings,
 * `'a' + 'b'` concatenations, tagged templates (`dedent\`…\``, shown undedented) — with the `name:` of the same
 * object literal. Any other file (`.md`, `.txt`, `.prompt`, …) is one prompt: the whole text.
 */

export interface CompiledPrompt {
  /** The `name:` of the object literal holding the `systemPrompt` (agent code only), when it is a plain string. */
  readonly name?: string;
  readonly compiled: string;
  /** 0-based line where the prompt starts: its opening quote in agent code, 0 for a whole file. */
  readonly startLine: number;
}

export interface CompileResult {
  /** Where the prompts come from: the `systemPrompt:` strings of agent code, or the whole file. */
  readonly origin: 'systemPrompt' | 'whole-file';
  readonly prompts: readonly CompiledPrompt[];
  /** Referenced keys that compile to `[MISSING_SECRET:KEY]`, in order of first appearance, each once. */
  readonly missing: readonly string[];
}

/** What a set secret shows as: never its value, nor its length. */
export const SET_SECRET_MASK = '••••';

export function missingSecretLiteral(key: string): string {
  return `[MISSING_SECRET:${key}]`;
}

const AGENT_LANGUAGES = new Set(['typescript', 'typescriptreact', 'javascript', 'javascriptreact']);
const AGENT_EXTENSION = /\.(?:[cm]?[jt]s|[jt]sx)$/i;

/** Agent code holds prompts in `systemPrompt:` strings; other files are prompts as a whole. */
export function isAgentCode(languageIdOrFileName: string): boolean {
  return AGENT_LANGUAGES.has(languageIdOrFileName) || AGENT_EXTENSION.test(languageIdOrFileName);
}

export function compilePrompt(
  text: string,
  languageIdOrFileName: string,
  isSet: (key: string) => boolean,
): CompileResult {
  const missing = new Set<string>();
  const compile = (template: string) => compileTemplate(template, isSet, missing);
  if (!isAgentCode(languageIdOrFileName))
    return { origin: 'whole-file', prompts: [{ compiled: compile(text), startLine: 0 }], missing: [...missing] };
  const prompts = extractSystemPrompts(text).map((prompt) => ({
    ...(prompt.name !== undefined ? { name: prompt.name } : {}),
    compiled: compile(prompt.text),
    startLine: prompt.startLine,
  }));
  return { origin: 'systemPrompt', prompts, missing: [...missing] };
}

/**
 * Replaces each prompt reference with the mask or the missing literal, adding missing keys to `missing`. A name
 * that fails the key pattern can never be set on the platform (even if a `.env` file has it: dotenv accepts
 * `-` and `.`), so it is always missing; it shows as `[MISSING_SECRET:<a 51-character name with '-' in it>]`.
 */
export function compileTemplate(text: string, isSet: (key: string) => boolean, missing: Set<string>): string {
  return text.replace(promptReferencePattern(), (_match, template: string | undefined, angle: string | undefined) => {
    const key = template ?? angle ?? '';
    if (isValidKey(key) && isSet(key)) return SET_SECRET_MASK;
    // The platform prints the name as written; the preview describes it instead, as it may be a pasted value.
    const shown = isValidKey(key) ? key : `<${describeInvalidName(key)}>`;
    missing.add(shown);
    return missingSecretLiteral(shown);
  });
}

/**
 * The set keys of one environment in the editor's terms: the keys of its local file's text (`.env.development`
 * for development and eval, `.env.production` for production) ∪ the names of its remote list when known.
 */
export function setKeysFrom(localEnvText: string | undefined, remote: RemoteNameList): ReadonlySet<string> {
  const keys = new Set<string>();
  if (localEnvText !== undefined)
    for (const entry of parseEnv(localEnvText).entries) if (!DROPPED_KEYS.has(entry.key)) keys.add(entry.key);
  if (remote.state !== 'unknown') for (const name of remote.names) keys.add(name);
  return keys;
}
