import { promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import { AGENTS, type AgentId, type MechanismText, type ProjectAgentFacts } from '../core';
import { describeFileType, readTextFile } from './readText';

/**
 * What the project's files show about AI agents: the agents whose markers stand at the project root, and each
 * one's mechanism file. Only lstat is used on the way, so no link is followed: a marker that is a link or a FIFO
 * still shows the agent (its name is the evidence), and a mechanism file that is not a plain regular file inside
 * the project is `unreadable`, never opened.
 */
export async function readAgentFacts(projectRoot: string, maxBytes: number): Promise<ProjectAgentFacts> {
  const found: AgentId[] = [];
  const rules: Partial<Record<AgentId, MechanismText>> = {};
  for (const agent of AGENTS) {
    if (!(await anyPresent(projectRoot, agent.markers))) continue;
    found.push(agent.id);
    if (agent.mechanism.kind !== 'none')
      rules[agent.id] = await readMechanismFile(projectRoot, agent.mechanism.file, maxBytes);
  }
  return { found, rules };
}

/** The paths every agent's detection and rules depend on, relative to the project root: a change re-reads the facts. */
export function isAgentFactPath(relative: string): boolean {
  const posix = relative.split(path.sep).join('/');
  return AGENTS.some(
    (agent) =>
      agent.markers.some((marker) => posix === marker || posix.startsWith(`${marker}/`)) ||
      (agent.mechanism.kind !== 'none' && posix === agent.mechanism.file),
  );
}

async function anyPresent(projectRoot: string, markers: readonly string[]): Promise<boolean> {
  for (const marker of markers) if ((await lstatInside(projectRoot, marker)).kind === 'present') return true;
  return false;
}

type Lookup = { kind: 'present'; stat: Stats } | { kind: 'absent' } | { kind: 'blocked'; reason: string };

/** lstat of each component below the root: a folder on the way that is a link or not a folder blocks the path. */
async function lstatInside(projectRoot: string, relative: string): Promise<Lookup> {
  const parts = relative.split('/');
  let current = projectRoot;
  for (const [index, part] of parts.entries()) {
    current = path.join(current, part);
    let stat: Stats;
    try {
      stat = await fs.lstat(current);
    } catch {
      return { kind: 'absent' };
    }
    if (index === parts.length - 1) return { kind: 'present', stat };
    if (!stat.isDirectory())
      return { kind: 'blocked', reason: `lies below ${parts.slice(0, index + 1).join('/')}, which is not a folder` };
  }
  return { kind: 'absent' };
}

async function readMechanismFile(projectRoot: string, relative: string, maxBytes: number): Promise<MechanismText> {
  const lookup = await lstatInside(projectRoot, relative);
  if (lookup.kind === 'absent') return { kind: 'missing' };
  if (lookup.kind === 'blocked') return { kind: 'unreadable', reason: lookup.reason };
  if (lookup.stat.isSymbolicLink()) return { kind: 'unreadable', reason: 'is a link (not followed)' };
  if (!lookup.stat.isFile())
    return { kind: 'unreadable', reason: `is ${describeFileType(lookup.stat)}, not a regular file` };
  const result = await readTextFile(path.join(projectRoot, relative), maxBytes, true);
  switch (result.kind) {
    case 'text':
      return { kind: 'text', text: result.text };
    case 'missing':
      return { kind: 'missing' };
    case 'unreadable':
      return { kind: 'unreadable', reason: result.reason };
    default:
      return { kind: 'unreadable', reason: result.kind === 'binary' ? 'is binary' : 'is over the size limit' };
  }
}
