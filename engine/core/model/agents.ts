import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { isRecord } from '../base/guards';
import { isIgnoredByPatterns, prepareGitignore, refusedReason } from './gitignorePatterns';

/**
 * AI coding agents a project can show, and the one mechanism each agent's own documentation states for keeping
 * files from it (docs/AGENTS.md cites the sources). An agent whose mechanism could not be confirmed, or that has
 * none in the project's files, has `mechanism: none`: it gets an information note, never a warning nothing clears.
 */
export type AgentId =
  'claude-code' | 'cursor' | 'gemini-cli' | 'windsurf' | 'aider' | 'cline' | 'copilot' | 'agents-md';

export type AgentMechanism =
  /** A gitignore-syntax file at the project root. */
  | { readonly kind: 'ignore-file'; readonly file: string; readonly gap: string }
  /** Claude Code's `permissions.deny` `Read(<gitignore pattern>)` rules in a strict-JSON settings file. */
  | { readonly kind: 'claude-deny'; readonly file: string; readonly gap: string }
  | { readonly kind: 'none'; readonly where: string };

export interface AgentSpec {
  readonly id: AgentId;
  readonly name: string;
  /** Paths relative to the project root ('/'-separated) whose presence shows the agent is used there. */
  readonly markers: readonly string[];
  readonly mechanism: AgentMechanism;
}

export const CLAUDE_SETTINGS_FILE = '.claude/settings.json';

export const AGENTS: readonly AgentSpec[] = [
  {
    id: 'claude-code',
    name: 'Claude Code',
    markers: ['.claude', 'CLAUDE.md'],
    mechanism: { kind: 'claude-deny', file: CLAUDE_SETTINGS_FILE, gap: 'a Read deny rule does not stop a shell `cat`' },
  },
  {
    id: 'cursor',
    name: 'Cursor',
    markers: ['.cursor', '.cursorrules'],
    mechanism: { kind: 'ignore-file', file: '.cursorignore', gap: "its Agent's terminal and MCP tools are not held" },
  },
  {
    id: 'gemini-cli',
    name: 'Gemini CLI',
    markers: ['.gemini', 'GEMINI.md'],
    mechanism: { kind: 'ignore-file', file: '.geminiignore', gap: 'only the tools that support the file honour it' },
  },
  {
    id: 'windsurf',
    name: 'Windsurf',
    markers: ['.windsurf', '.windsurfrules'],
    mechanism: { kind: 'ignore-file', file: '.codeiumignore', gap: 'its documentation speaks of indexing only' },
  },
  {
    id: 'aider',
    name: 'Aider',
    markers: ['.aider.conf.yml'],
    mechanism: { kind: 'ignore-file', file: '.aiderignore', gap: 'a file named on its command line is not held' },
  },
  {
    id: 'cline',
    name: 'Cline',
    markers: ['.clinerules', '.clineignore'],
    mechanism: { kind: 'ignore-file', file: '.clineignore', gap: 'its terminal commands are not held' },
  },
  {
    id: 'copilot',
    name: 'GitHub Copilot',
    markers: ['.github/copilot-instructions.md'],
    mechanism: { kind: 'none', where: "content exclusion lives in the repository's settings on GitHub" },
  },
  {
    id: 'agents-md',
    name: 'Codex and other AGENTS.md agents',
    markers: ['AGENTS.md'],
    mechanism: { kind: 'none', where: 'no project file to keep files from them is documented' },
  },
];

export function agentSpec(id: AgentId): AgentSpec {
  return AGENTS.find((agent) => agent.id === id) as AgentSpec;
}

/** A mechanism file as the host found it: its text, none, or one it would not read (a link, a FIFO, too large). */
export type MechanismText =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'unreadable'; readonly reason: string };

/** What the host found in one project: the agents it shows and, per agent with a file mechanism, that file. */
export interface ProjectAgentFacts {
  readonly found: readonly AgentId[];
  readonly rules: Readonly<Partial<Record<AgentId, MechanismText>>>;
}

export type Coverage =
  | { readonly kind: 'covered' }
  | { readonly kind: 'open' }
  /** The mechanism file cannot be judged (malformed JSON, unreadable): not covered, and reported as such. */
  | { readonly kind: 'broken'; readonly reason: string };

/**
 * Whether `mechanism` keeps the env file at `relativePath` (relative to the project root, '/'-separated) from the
 * agent. Ignore files use gitignore semantics (negation re-exposes a file); Claude's Read deny rules are
 * gitignore patterns too, with a leading `./` meaning the project root.
 */
export function mechanismCovers(mechanism: AgentMechanism, relativePath: string, file: MechanismText): Coverage {
  if (mechanism.kind === 'none') return { kind: 'open' };
  if (file.kind === 'unreadable') return { kind: 'broken', reason: `${mechanism.file} ${file.reason}` };
  if (file.kind === 'missing') return { kind: 'open' };
  if (mechanism.kind === 'ignore-file') return patternsCover(mechanism.file, file.text, relativePath);
  const deny = claudeDenyRules(file.text);
  if (deny.kind === 'broken') return { kind: 'broken', reason: `${mechanism.file} ${deny.reason}` };
  if (deny.rules.some((rule) => rule.trim() === 'Read')) return { kind: 'covered' };
  // The patterns are matched as the lines of an ignore file; a refused one is named by its place in the deny list.
  const read = claudeReadPatterns(deny.rules);
  const content = read.map(({ pattern }) => pattern).join('\n');
  return patternsCover(mechanism.file, content, relativePath, (lines, depth) =>
    refusedReason(
      lines.map((line) => read[line - 1]!.entry),
      depth,
      DENY_ENTRIES,
    ),
  );
}

const DENY_ENTRIES = { one: 'permissions.deny entry', many: 'permissions.deny entries' };

/**
 * Gitignore patterns matched as .gitignore files are (gitignorePatterns.ts): normalised, and a pattern too costly
 * at the path's depth is not applied. A repository writes these files, so a pattern built to backtrack must not
 * stall the diagnostics; such a file counts as not covering and says why (a warning rather than a hidden file).
 */
function patternsCover(
  fileName: string,
  content: string,
  relativePath: string,
  reason: (lines: readonly number[], depth: number) => string = refusedReason,
): Coverage {
  let refused: string | undefined;
  const covered = isIgnoredByPatterns(
    relativePath,
    [{ path: fileName, dir: '', prepared: prepareGitignore(content) }],
    (_file, lines, depth) => (refused = reason(lines, depth)),
  );
  if (refused !== undefined) return { kind: 'broken', reason: `${fileName} ${refused}` };
  return covered ? { kind: 'covered' } : { kind: 'open' };
}

type DenyRules = { readonly kind: 'rules'; readonly rules: readonly string[] } | { kind: 'broken'; reason: string };

/**
 * The `permissions.deny` list of a Claude settings file. The file is strict JSON (Claude Code rejects comments
 * and trailing commas), so anything else is broken; the reason names a line, never the file's text, which may
 * hold an `env` block with values.
 */
function claudeDenyRules(text: string): DenyRules {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0) {
    const first = errors[0] as ParseError;
    const line = text.slice(0, first.offset).split('\n').length;
    return { kind: 'broken', reason: `is not valid JSON (${printParseErrorCode(first.error)} on line ${line})` };
  }
  if (!isRecord(value)) return { kind: 'broken', reason: 'is not a JSON object' };
  const permissions = value.permissions;
  if (permissions === undefined) return { kind: 'rules', rules: [] };
  if (!isRecord(permissions)) return { kind: 'broken', reason: 'has a "permissions" that is not an object' };
  const deny = permissions.deny;
  if (deny === undefined) return { kind: 'rules', rules: [] };
  if (!Array.isArray(deny)) return { kind: 'broken', reason: 'has a "permissions.deny" that is not a list' };
  // An entry that is not a string denies nothing; it keeps its place, so a reason counts entries as the file does.
  return { kind: 'rules', rules: deny.map((rule) => (typeof rule === 'string' ? rule : '')) };
}

/**
 * The project paths of `Read(…)` deny rules, as gitignore patterns (a leading `./` dropped), each with its 1-based
 * place in the deny list. `Read(./p)` and `Read(p)` are patterns from the project root; `Read` alone denies every
 * read and is decided before this.
 */
function claudeReadPatterns(rules: readonly string[]): { pattern: string; entry: number }[] {
  const patterns: { pattern: string; entry: number }[] = [];
  rules.forEach((rule, index) => {
    const match = /^Read\((.*)\)$/.exec(rule.trim());
    if (!match) return;
    const pattern = (match[1] as string).trim();
    // `//abs`, `~/home` and `/settings-relative` paths name other places; they are not judged as project rules.
    if (pattern.startsWith('/') || pattern.startsWith('~')) return;
    patterns.push({ pattern: pattern.startsWith('./') ? pattern.slice(2) : pattern, entry: index + 1 });
  });
  return patterns;
}

/** An agent the project shows that can read an env file, and why. */
export interface OpenAgent {
  readonly agent: AgentSpec;
  readonly coverage: Exclude<Coverage, { kind: 'covered' }>;
}

export interface AgentExposure {
  /** Agents with a file mechanism that does not cover the file: the warning. */
  readonly open: readonly OpenAgent[];
  /** Agents the project shows that have no file mechanism: the information note. */
  readonly noMechanism: readonly AgentSpec[];
}

export function agentExposure(relativePath: string, facts: ProjectAgentFacts): AgentExposure {
  const open: OpenAgent[] = [];
  const noMechanism: AgentSpec[] = [];
  for (const id of facts.found) {
    const agent = agentSpec(id);
    if (agent.mechanism.kind === 'none') {
      noMechanism.push(agent);
      continue;
    }
    const coverage = mechanismCovers(agent.mechanism, relativePath, facts.rules[id] ?? { kind: 'missing' });
    if (coverage.kind !== 'covered') open.push({ agent, coverage });
  }
  return { open, noMechanism };
}

/** "Claude Code (… ; a Read deny rule does not stop a shell `cat`)": what stays open, per agent, no value. */
export function describeOpenAgents(open: readonly OpenAgent[]): string {
  return open
    .map(({ agent, coverage }) => {
      const mechanism = agent.mechanism as Exclude<AgentMechanism, { kind: 'none' }>;
      const why = coverage.kind === 'broken' ? coverage.reason : `${mechanism.file} does not cover it`;
      return `${agent.name} (${why}; even then ${mechanism.gap})`;
    })
    .join(', ');
}

/** The ignore-file lines `agents --fix` writes: env files out, the committed template readable. */
export const IGNORE_FILE_RULES = ['.env', '.env.*', '!.env.example'] as const;
/** Claude's deny rules cannot re-allow a path, so `.env.example` is denied too (docs/AGENTS.md). */
export const CLAUDE_DENY_RULES = ['Read(./.env)', 'Read(./.env.*)'] as const;

export type RulesUpdate =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'broken'; readonly reason: string };

/**
 * The mechanism file with the agent's rules for env files added: existing rules kept, nothing duplicated, so a
 * second run is `unchanged`. A malformed Claude settings file is `broken` and never rewritten.
 */
export function withAgentRules(mechanism: AgentMechanism, current: string | undefined): RulesUpdate {
  if (mechanism.kind === 'none') return { kind: 'unchanged' };
  if (mechanism.kind === 'ignore-file') return withIgnoreLines(current);
  return withClaudeDenies(mechanism.file, current);
}

function withIgnoreLines(current: string | undefined): RulesUpdate {
  const present = new Set((current ?? '').split(/\r?\n/).map((line) => line.trim()));
  const missing = IGNORE_FILE_RULES.filter((line) => !present.has(line));
  if (missing.length === 0) return { kind: 'unchanged' };
  const base = current ?? '';
  const separator = base === '' || base.endsWith('\n') ? '' : '\n';
  return { kind: 'text', text: `${base}${separator}${missing.join('\n')}\n` };
}

function withClaudeDenies(file: string, current: string | undefined): RulesUpdate {
  if (current === undefined || current.trim() === '')
    return { kind: 'text', text: `${JSON.stringify({ permissions: { deny: CLAUDE_DENY_RULES } }, null, 2)}\n` };
  const deny = claudeDenyRules(current);
  if (deny.kind === 'broken') return { kind: 'broken', reason: `${file} ${deny.reason}` };
  let text = current;
  for (const rule of CLAUDE_DENY_RULES) {
    if (deny.rules.includes(rule)) continue;
    const edits = modify(text, ['permissions', 'deny', -1], rule, {
      isArrayInsertion: true,
      formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' },
    });
    text = applyEdits(text, edits);
  }
  return text === current ? { kind: 'unchanged' } : { kind: 'text', text };
}

/** "GitHub Copilot (content exclusion lives in …)": agents no project file can keep out. */
export function describeUnguardedAgents(agents: readonly AgentSpec[]): string {
  return agents
    .map((agent) => `${agent.name} (${agent.mechanism.kind === 'none' ? agent.mechanism.where : ''})`)
    .join(', ');
}

/** Watcher globs for every agent marker and mechanism file, so a change re-decides agent-readable. */
export const AGENT_WATCH_GLOBS: readonly string[] = [
  ...new Set(
    AGENTS.flatMap((agent) => [
      ...agent.markers.map((marker) => `**/${marker}`),
      ...(agent.mechanism.kind === 'none' ? [] : [`**/${agent.mechanism.file}`]),
    ]),
  ),
];
