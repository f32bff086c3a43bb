import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_API_URL } from '../../engine/api/apiClient';
import { Commands, INTERNAL_COMMANDS, type CommandId } from '../../engine/core/features/commands';
import { RULES } from '../../engine/core/rules/diagnosticRules';
import { SETTING_DEFAULTS } from '../../engine/core/model/settings';
import { WALKTHROUGH_ID, WalkthroughContext } from '../../client/src/walkthroughSteps';

/**
 * Where package.json and the code can disagree, each as one sentence. The manifest is passed in (not imported)
 * so the test can hand a mutated copy to the same comparison and see it fail.
 */

/** Settings that make the extension send data (where, or when): a repository must not control them. */
export const DATA_SENDING_SETTINGS: readonly string[] = ['struere.apiUrl', 'struere.syncOnSave'];

/** Settings that decide what is written to a log: a repository must not turn on a trace of messages either. */
export const LOGGING_SETTINGS: readonly string[] = ['struere.trace.server'];

/** Defaults package.json declares and the code must agree with, by full setting name. */
export function defaultsInCode(): Record<string, unknown> {
  const fromTable = Object.fromEntries(
    Object.entries(SETTING_DEFAULTS).map(([name, value]) => [`struere.${name}`, value]),
  );
  return {
    ...fromTable,
    'struere.apiUrl': DEFAULT_API_URL,
    // vscode-languageclient reads `<id>.trace.server` itself; 'off' is its own default, not ours to define.
    'struere.trace.server': 'off',
  };
}

interface Manifest {
  capabilities?: { untrustedWorkspaces?: { restrictedConfigurations?: string[] } };
  contributes?: {
    commands?: { command: string }[];
    menus?: Record<string, { command: string }[]>;
    configuration?: { properties?: Record<string, { default?: unknown; scope?: string; properties?: object }> };
  };
}

export function manifestMismatches(manifest: Manifest): string[] {
  return [...commandMismatches(manifest), ...severityMismatches(manifest), ...settingMismatches(manifest)];
}

function commandMismatches(manifest: Manifest): string[] {
  const problems: string[] = [];
  const contributed = new Set((manifest.contributes?.commands ?? []).map((entry) => entry.command));
  const ids = Object.values(Commands) as CommandId[];
  for (const id of ids) {
    const internal = INTERNAL_COMMANDS.has(id);
    if (!internal && !contributed.has(id)) problems.push(`command ${id} is in the command table but not contributed`);
    if (internal && contributed.has(id))
      problems.push(`internal command ${id} is contributed (the palette would show it)`);
  }
  for (const id of contributed)
    if (!(ids as string[]).includes(id)) problems.push(`contributed command ${id} is not in the command table`);
  for (const [menu, entries] of Object.entries(manifest.contributes?.menus ?? {}))
    for (const { command } of entries)
      if (!contributed.has(command)) problems.push(`menu ${menu} names ${command}, which is not contributed`);
  return problems;
}

function severityMismatches(manifest: Manifest): string[] {
  const declared = Object.keys(manifest.contributes?.configuration?.properties?.['struere.severity']?.properties ?? {});
  const codes = Object.keys(RULES);
  return [
    ...codes.filter((code) => !declared.includes(code)).map((code) => `struere.severity has no property for ${code}`),
    ...declared.filter((code) => !codes.includes(code)).map((code) => `struere.severity declares ${code}, not a rule`),
  ];
}

function settingMismatches(manifest: Manifest): string[] {
  const problems: string[] = [];
  const properties = manifest.contributes?.configuration?.properties ?? {};
  const inCode = defaultsInCode();
  for (const [name, property] of Object.entries(properties)) {
    if (!(name in inCode)) problems.push(`${name} declares a default the code does not define`);
    else if (!isDeepStrictEqual(property.default, inCode[name]))
      problems.push(
        `${name} declares default ${JSON.stringify(property.default)}, the code ${JSON.stringify(inCode[name])}`,
      );
  }
  for (const name of Object.keys(inCode)) if (!(name in properties)) problems.push(`${name} is not declared`);
  const restricted = manifest.capabilities?.untrustedWorkspaces?.restrictedConfigurations ?? [];
  for (const name of DATA_SENDING_SETTINGS) {
    const scope = properties[name]?.scope;
    if (scope !== 'application' && scope !== 'machine')
      problems.push(`${name} sends data but has scope ${scope}: a repository's settings could set it`);
    if (!restricted.includes(name)) problems.push(`${name} sends data but is not restricted in untrusted workspaces`);
  }
  for (const name of LOGGING_SETTINGS) {
    const scope = properties[name]?.scope;
    if (scope !== 'application' && scope !== 'machine')
      problems.push(`${name} decides what is logged but has scope ${scope}: a repository's settings could set it`);
  }
  return problems;
}

/** VS Code's own commands a walkthrough step may link to (not ours, so not in the command table). */
export const BUILT_IN_COMMANDS_LINKED: readonly string[] = [
  'workbench.action.files.openFolder',
  'workbench.actions.view.problems',
];

interface WalkthroughManifest {
  contributes?: {
    walkthroughs?: {
      id: string;
      steps: { id: string; description?: string; media?: { markdown?: string }; completionEvents?: string[] }[];
    }[];
  };
}

/**
 * The walkthrough ≡ the code: every `command:` link in a step's text (English and each translation) runs a
 * command of the table or a listed built-in one; every completion event is a context key the client sets
 * (walkthroughSteps.ts) or a command of the table; every such key checks some step; each step's media exists.
 */
export function walkthroughMismatches(
  manifest: WalkthroughManifest,
  texts: Record<string, Record<string, string>>,
  mediaExists: (file: string) => boolean,
): string[] {
  const problems: string[] = [];
  const commandIds = new Set<string>([...Object.values(Commands), ...BUILT_IN_COMMANDS_LINKED]);
  const contextKeys = new Set<string>(Object.values(WalkthroughContext));
  const usedKeys = new Set<string>();
  const walkthroughs = manifest.contributes?.walkthroughs ?? [];
  if (!walkthroughs.some((walkthrough) => walkthrough.id === WALKTHROUGH_ID))
    problems.push(`no walkthrough with the id ${WALKTHROUGH_ID}`);
  for (const step of walkthroughs.flatMap((walkthrough) => walkthrough.steps)) {
    for (const [file, strings] of Object.entries(texts)) {
      const text = /^%(.+)%$/.exec(step.description ?? '')?.[1];
      const description = text === undefined ? (step.description ?? '') : (strings[text] ?? '');
      for (const [, id] of description.matchAll(/\(command:([\w.-]+)/g))
        if (!commandIds.has(id!)) problems.push(`step ${step.id} (${file}) links to command ${id}, which is not ours`);
    }
    const events = step.completionEvents ?? [];
    if (events.length === 0) problems.push(`step ${step.id} has no completion event`);
    for (const event of events) {
      const [kind, name] = [event.slice(0, event.indexOf(':')), event.slice(event.indexOf(':') + 1)];
      if (kind === 'onContext' && contextKeys.has(name)) usedKeys.add(name);
      else if (kind !== 'onCommand' || !commandIds.has(name))
        problems.push(`step ${step.id} completes on ${event}, which the client never sets or runs`);
    }
    const media = step.media?.markdown;
    if (media === undefined || !mediaExists(media)) problems.push(`step ${step.id} has no media file ${media}`);
  }
  for (const key of contextKeys) if (!usedKeys.has(key)) problems.push(`context key ${key} checks no step`);
  return problems;
}
