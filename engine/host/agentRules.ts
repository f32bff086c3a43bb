import * as path from 'node:path';
import { agentSpec, withAgentRules, type ProjectAgentFacts } from '../core';
import { ensureProjectFolder, readForUpdate, RefusedWriteError, writeProjectFile } from './safeWrite';

/** What writing one agent's rules did: names a file and an agent, never a value. */
export type AgentRulesOutcome =
  | { readonly kind: 'created' | 'updated'; readonly file: string; readonly agent: string }
  | { readonly kind: 'unchanged'; readonly file: string; readonly agent: string }
  /** A malformed Claude settings file: left as it is, the user's to fix. */
  | { readonly kind: 'malformed'; readonly file: string; readonly agent: string; readonly reason: string }
  /** A path the safe writer refuses (a link, a FIFO, a folder on the way that is not one). */
  | { readonly kind: 'refused'; readonly file: string; readonly agent: string; readonly reason: string };

/**
 * Writes each found agent's own rules for env files into the project at `projectRoot` (`agents --fix` and the
 * editor's command): read and written through the safe writer only, existing rules kept, nothing duplicated.
 */
export async function writeAgentRules(
  facts: ProjectAgentFacts,
  projectRoot: string,
  maxBytes: number,
): Promise<AgentRulesOutcome[]> {
  const outcomes: AgentRulesOutcome[] = [];
  for (const id of facts.found) {
    const agent = agentSpec(id);
    if (agent.mechanism.kind === 'none') continue;
    const file = agent.mechanism.file;
    const named = { file, agent: agent.name };
    const filePath = path.join(projectRoot, ...file.split('/'));
    try {
      // Where only CLAUDE.md shows Claude Code, its settings folder is made first (never through a link).
      await ensureProjectFolder(projectRoot, path.dirname(filePath));
      const current = await readForUpdate(projectRoot, filePath, maxBytes);
      const update = withAgentRules(agent.mechanism, current);
      if (update.kind === 'broken') outcomes.push({ kind: 'malformed', ...named, reason: update.reason });
      else if (update.kind === 'unchanged') outcomes.push({ kind: 'unchanged', ...named });
      else {
        await writeProjectFile(projectRoot, filePath, update.text);
        outcomes.push({ kind: current === undefined ? 'created' : 'updated', ...named });
      }
    } catch (error) {
      if (!(error instanceof RefusedWriteError)) throw error;
      outcomes.push({ kind: 'refused', ...named, reason: error.reason });
    }
  }
  return outcomes;
}
