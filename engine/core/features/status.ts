import { compareCodeUnits, countOf, escapeName } from '../base/text';
import {
  ENVIRONMENTS,
  ENV_FILE_NAMES,
  isValidKey,
  writableEnvironmentOf,
  type Environment,
  WRITABLE_ENVIRONMENTS,
} from '../model/environments';
import { describeRemote, presenceIn } from '../model/presence';
import type { RemoteNameList, RemoteNamesByEnvironment } from '../model/remoteNames';
import { envFileFor, type ProjectState } from '../model/workspaceIndex';

/**
 * Keys × environments for one project: where each key is set, locally and remotely, and how many files
 * reference it. Pure: built from the model (files, references, remote lists); names only, never a value.
 * The CLI's `status` prints it as text or JSON, the editor's "Show Secret Status" as Markdown.
 */

/** Whether the environment's remote list has the key; 'unknown' when the list itself is unknown. */
export type RemotePresence = 'yes' | 'no' | 'unknown';

export interface StatusCell {
  /** The local file feeding the environment (.env.development for development and eval) defines the key. */
  readonly local: boolean;
  readonly remote: RemotePresence;
}

export interface StatusRow {
  readonly key: string;
  /** Files of the project that reference the key. */
  readonly referencedBy: number;
  readonly environments: Record<Environment, StatusCell>;
}

/**
 * One row per key known anywhere: the valid keys of the local files of both environments, the remote lists that
 * are known (fresh or stale), and valid references (an invalid name is a diagnostic, not a key, and may be a
 * pasted value: never listed). Sorted by UTF-16 code unit,
 * the order of the API's listing and the sync plan.
 */
export function secretStatus(project: ProjectState): StatusRow[] {
  const keys = new Set<string>();
  for (const environment of WRITABLE_ENVIRONMENTS)
    for (const key of envFileFor(project, environment)?.keys.keys() ?? []) if (isValidKey(key)) keys.add(key);
  for (const environment of ENVIRONMENTS) {
    const remote = project.remote[environment];
    if (remote.state !== 'unknown') for (const key of remote.names) keys.add(key);
  }
  for (const [key, files] of project.referencesByKey) if (files.size > 0 && isValidKey(key)) keys.add(key);

  return [...keys].sort(compareCodeUnits).map((key) => {
    const environments = {} as Record<Environment, StatusCell>;
    for (const environment of ENVIRONMENTS) {
      const presence = presenceIn(project, key, environment);
      const remote: RemotePresence = presence.remote.state === 'unknown' ? 'unknown' : presence.inRemote ? 'yes' : 'no';
      environments[environment] = { local: presence.local !== undefined, remote };
    }
    return { key, referencedBy: project.referencesByKey.get(key)?.size ?? 0, environments };
  });
}

/** The URIs of the project's files that reference `key`, sorted: where a status row's `referencedBy` count comes from. */
export function referencingFiles(project: ProjectState, key: string): string[] {
  return [...(project.referencesByKey.get(key) ?? [])].sort(compareCodeUnits);
}

/** `local+remote`, `local`, `remote`, `—`; with the remote list unknown: `local+?` or `?`. */
export function statusCellText(cell: StatusCell): string {
  if (cell.remote === 'unknown') return cell.local ? 'local+?' : '?';
  if (cell.local) return cell.remote === 'yes' ? 'local+remote' : 'local';
  return cell.remote === 'yes' ? 'remote' : '—';
}

/** Referenced keys not set in `environment`; `maybe` when only an unknown remote list could still hold them. */
export function missingKeys(
  rows: readonly StatusRow[],
  environment: Environment,
): { missing: string[]; maybe: string[] } {
  const missing: string[] = [];
  const maybe: string[] = [];
  for (const row of rows) {
    const cell = row.environments[environment];
    if (row.referencedBy === 0 || cell.local || cell.remote === 'yes') continue;
    (cell.remote === 'unknown' ? maybe : missing).push(row.key);
  }
  return { missing, maybe };
}

const LEGEND = 'local: in the .env file · remote: in the remote list · ?: remote list unknown · —: not set';

/**
 * An aligned table: a line per environment's remote state, then KEY | development | production | eval | refs,
 * then what referenced keys are missing where.
 */
export function formatStatusText(
  rows: readonly StatusRow[],
  remote: RemoteNamesByEnvironment,
  now = Date.now(),
): string {
  const lines = ENVIRONMENTS.map(
    (environment) => `${environment} remote: ${describeRemoteList(remote[environment], now)}`,
  );
  lines.push('');
  if (rows.length === 0) {
    lines.push('no keys: no .env file defines one, no remote list holds one and no file references one');
    return lines.join('\n');
  }
  const table = [
    ['KEY', ...ENVIRONMENTS, 'refs'],
    ...rows.map((row) => [
      escapeName(row.key),
      ...ENVIRONMENTS.map((environment) => statusCellText(row.environments[environment])),
      String(row.referencedBy),
    ]),
  ];
  const widths = table[0]!.map((_, column) =>
    table.reduce((width, cells) => Math.max(width, cells[column]!.length), 0),
  );
  for (const cells of table) {
    lines.push(
      cells
        .map((cell, column) =>
          column === cells.length - 1 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
        )
        .join('  ')
        .trimEnd(),
    );
  }
  lines.push('');
  lines.push(...missingLines(rows, (keys) => keys.map(escapeName).join(', ')));
  lines.push(`${countOf(rows.length, 'key')} · ${LEGEND}`);
  return lines.join('\n');
}

/** The same table in Markdown, for the editor's read-only "Show Secret Status" document. */
export function formatStatusMarkdown(
  rows: readonly StatusRow[],
  remote: RemoteNamesByEnvironment,
  projectName: string,
  now = Date.now(),
): string {
  const lines = [
    `# Secret status: ${escapeMarkdown(projectName)}`,
    '',
    'Names only: values are never shown.',
    '',
    '| environment | local file | remote list |',
    '|---|---|---|',
    ...ENVIRONMENTS.map((environment) => {
      const file = `\`${ENV_FILE_NAMES[writableEnvironmentOf(environment)]}\`${environment === 'eval' ? ' (mirror of development)' : ''}`;
      return `| ${environment} | ${file} | ${escapeMarkdown(describeRemoteList(remote[environment], now))} |`;
    }),
    '',
  ];
  if (rows.length === 0) {
    lines.push('No keys: no .env file defines one, no remote list holds one and no file references one.');
    return lines.join('\n');
  }
  lines.push(
    `| key | ${ENVIRONMENTS.join(' | ')} | referenced by |`,
    `|---|${ENVIRONMENTS.map(() => '---|').join('')}---:|`,
  );
  for (const row of rows) {
    const cells = ENVIRONMENTS.map((environment) => statusCellText(row.environments[environment]));
    lines.push(
      `| \`${row.key}\` | ${cells.join(' | ')} | ${row.referencedBy === 0 ? '—' : countOf(row.referencedBy, 'file')} |`,
    );
  }
  lines.push('');
  const missing = missingLines(rows, (keys) => keys.map((key) => `\`${key}\``).join(', '));
  if (missing.length > 0) lines.push(...missing.map((line) => `- ${line}`), '');
  lines.push(`_${countOf(rows.length, 'key')}. ${LEGEND}._`);
  return lines.join('\n');
}

function missingLines(rows: readonly StatusRow[], list: (keys: string[]) => string): string[] {
  const lines: string[] = [];
  for (const environment of ENVIRONMENTS) {
    const { missing, maybe } = missingKeys(rows, environment);
    if (missing.length > 0) lines.push(`missing in ${environment} (referenced, not set): ${list(missing)}`);
    if (maybe.length > 0)
      lines.push(
        `possibly missing in ${environment} (referenced, not in the local file, remote unknown): ${list(maybe)}`,
      );
  }
  return lines;
}

/** describeRemote plus the number of names of a known list. */
function describeRemoteList(list: RemoteNameList, now: number): string {
  const state = describeRemote(list, now);
  return list.state === 'unknown' ? state : `${state} (${countOf(list.names.size, 'name')})`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}
