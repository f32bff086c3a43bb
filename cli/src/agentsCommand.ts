import * as path from 'node:path';
import {
  AGENTS,
  agentSpec,
  compareCodeUnits,
  DEFAULT_SETTINGS,
  envFileHoldsValues,
  mechanismCovers,
  type AgentSpec,
  type ProjectAgentFacts,
  type ProjectState,
  relativeToProject,
} from '../../engine/core';
import { readAgentFacts, uriToPath, writeAgentRules } from '../../engine/host';
import type { CliIo } from './io';
import { loadProjectsUnder } from './projectsUnder';
import { escapeName } from './terminalText';

export interface AgentsOptions {
  dir: string;
  fix: boolean;
}

/**
 * `agents`: per project under DIR, the AI agents its files show and, per env file holding values, whether each
 * can read it. With `--fix`, each found agent's own documented rules are written first (docs/AGENTS.md), through
 * the safe writer only; a malformed `.claude/settings.json` is reported and left as it is. Names files and
 * agents, never a value. Exit 0 when no agent with a file mechanism can read an env file (and every fix was
 * written), 1 otherwise.
 */
export async function runAgents(options: AgentsOptions, io: CliIo): Promise<number> {
  const loaded = await loadProjectsUnder(options.dir, io);
  if (loaded === undefined) return 1;
  const { root, host, projects } = loaded;
  let failed = false;
  const labelled = projects
    .map((project) => ({ project, label: path.relative(root, uriToPath(project.rootUri)) || '.' }))
    .sort((a, b) => compareCodeUnits(a.label, b.label));
  for (const { project, label } of labelled) {
    const projectRoot = uriToPath(project.rootUri);
    let facts =
      host.agentFacts.get(project.rootUri) ?? (await readAgentFacts(projectRoot, DEFAULT_SETTINGS.maxFileBytes));
    io.out(`${escapeName(label.split(path.sep).join('/'))}:`);
    if (options.fix) {
      if (!(await fixProject(facts, projectRoot, io))) failed = true;
      facts = await readAgentFacts(projectRoot, DEFAULT_SETTINGS.maxFileBytes);
    }
    if (!reportProject(project, facts, io)) failed = true;
  }
  return failed ? 1 : 0;
}

/** Lists each found agent and what it can read; false when one with a file mechanism can read an env file. */
function reportProject(project: ProjectState, facts: ProjectAgentFacts, io: CliIo): boolean {
  if (facts.found.length === 0) {
    io.out(`  no AI agent found (${AGENTS.length} known; see docs/AGENTS.md)`);
    return true;
  }
  const envFiles = [...project.envFiles.values()]
    .filter(envFileHoldsValues)
    .map((file) => relativeToProject(file.uri, project.rootUri))
    .sort(compareCodeUnits);
  let clean = true;
  for (const id of facts.found) {
    const agent = agentSpec(id);
    if (agent.mechanism.kind === 'none') {
      io.out(`  ${agent.name}: no file mechanism (${agent.mechanism.where}); it may read every env file`);
      continue;
    }
    const verdicts = envFiles.map((file) => ({
      file,
      coverage: mechanismCovers(agent.mechanism, file, facts.rules[id] ?? { kind: 'missing' }),
    }));
    const broken = verdicts.find((verdict) => verdict.coverage.kind === 'broken');
    const open = verdicts.filter((verdict) => verdict.coverage.kind !== 'covered').map((verdict) => verdict.file);
    if (open.length > 0) clean = false;
    io.out(`  ${agent.name} (${agent.mechanism.file}): ${describeVerdict(open, envFiles.length, agent)}`);
    if (broken?.coverage.kind === 'broken') io.out(`    ${escapeName(broken.coverage.reason)}`);
  }
  return clean;
}

function describeVerdict(open: readonly string[], total: number, agent: AgentSpec): string {
  const gap = agent.mechanism.kind === 'none' ? '' : agent.mechanism.gap;
  if (total === 0) return 'no env file with values';
  if (open.length === 0) return `kept out of every env file with values (still: ${gap})`;
  return `can read ${open.map(escapeName).join(', ')}`;
}

/** Writes each found agent's rules and says what it did; false when one could not be written (malformed, refused). */
async function fixProject(facts: ProjectAgentFacts, projectRoot: string, io: CliIo): Promise<boolean> {
  let ok = true;
  for (const outcome of await writeAgentRules(facts, projectRoot, DEFAULT_SETTINGS.maxFileBytes)) {
    if (outcome.kind === 'malformed' || outcome.kind === 'refused') {
      // A malformed settings file is the user's to fix: it is never rewritten.
      const verb = outcome.kind === 'malformed' ? 'not changed' : 'not written';
      io.err(`struere-secrets: ${outcome.file} ${verb}: ${escapeName(outcome.reason)}`);
      ok = false;
    } else if (outcome.kind !== 'unchanged') io.out(`  ${outcome.kind} ${outcome.file} for ${outcome.agent}`);
  }
  return ok;
}
