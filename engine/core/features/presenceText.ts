import { ENVIRONMENTS, type Environment } from '../model/environments';
import { describeRemote, type KeyPresence } from '../model/presence';

/** "development ✓ · production ✗ · eval ✓" — a one-line view for completion details and the CLI. */
export function presenceSummary(presence: Record<Environment, KeyPresence>): string {
  return ENVIRONMENTS.map((environment) => `${environment} ${mark(presence[environment])}`).join(' · ');
}

function mark(presence: KeyPresence): string {
  if (presence.isSet) return '✓';
  if (presence.mayBeSet || presence.remote.state === 'unknown') return '✗?';
  return '✗';
}

/** A Markdown table of where a key is set: names, files, lines and remote state — never a value. */
export function presenceMarkdown(key: string, presence: Record<Environment, KeyPresence>): string {
  const rows = ENVIRONMENTS.map((environment) => {
    const p = presence[environment];
    const local = p.local
      ? `✓ ${p.fileName}:${p.local.line + 1}`
      : p.localUnknown
        ? `? ${p.fileName} not read (too large)`
        : p.file
          ? `✗ not in ${p.fileName}`
          : `✗ no ${p.fileName}`;
    const remote =
      p.remote.state === 'unknown'
        ? `? ${describeRemote(p.remote)}`
        : `${p.inRemote ? '✓' : '✗'} (${describeRemote(p.remote)})`;
    return `| ${environment} | ${p.isSet ? 'set' : 'not set'} | ${local} | ${remote} |`;
  });
  return [`**${key}**`, '', '| environment | status | local | remote |', '|---|---|---|---|', ...rows].join('\n');
}
