import { ApiConfigError, createApiClient, type ApiClient, type ApiClientOptions } from '../api';
import { compareCodeUnits, DEFAULT_SETTINGS, WRITABLE_ENVIRONMENTS, type WritableEnvironment } from '../core';
import { discoverTree } from '../host';
import { prepareSync, syncProject, SyncRefusedError, type SyncPlan } from '../sync';
import { environmentArgument, relativePath, type AgentAnswer } from './agentTools';

/** Where a plan lists the platform's names: the API URL and, per project, the key a sync of it would use. */
export interface PlanApi {
  readonly apiUrl: string;
  syncKey(environment: WritableEnvironment, projectRoot: string): Promise<string | undefined>;
  readonly clientOptions?: Pick<ApiClientOptions, 'retry' | 'timeouts'>;
}

/** One project's plan: names and reasons only. */
export interface ProjectPlan {
  path: string;
  outcome: 'planned' | 'refused' | 'list-failed';
  reason?: string;
  create?: string[];
  update?: string[];
  remoteOnly?: string[];
  misread?: string[];
  /** The sync journal's states (engine/sync/syncPlan.ts), present only when they hold keys: none of them is sent. */
  unchanged?: string[];
  kept?: string[];
  conflict?: string[];
  unverified?: string[];
}

/**
 * `secrets_plan`: what a sync (development) or deploy (production) of each project under `root` would do — keys
 * to create, to update, kept remote-only, misread by dotenv — or why it would be refused. A dry run through
 * engine/sync's own flow: the confirmation sends nothing, and the client handed to it cannot upload at all.
 */
export async function planAnswer(root: string, input: unknown, api: PlanApi): Promise<AgentAnswer> {
  const args = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const environment = environmentArgument(args.environment, WRITABLE_ENVIRONMENTS, 'development');
  const { projectRoots } = await discoverTree(root, DEFAULT_SETTINGS);
  const projects: ProjectPlan[] = [];
  for (const projectRoot of [...projectRoots].sort(compareCodeUnits))
    projects.push({ path: relativePath(root, projectRoot), ...(await planProject(projectRoot, environment, api)) });
  const text =
    projects.length === 0 ? 'no Struere project (struere.json) in the workspace' : projects.map(planText).join('\n');
  return { text, structured: { environment, projects } };
}

async function planProject(
  projectRoot: string,
  environment: WritableEnvironment,
  api: PlanApi,
): Promise<Omit<ProjectPlan, 'path'>> {
  let client: ApiClient | undefined;
  try {
    const apiKey = await api.syncKey(environment, projectRoot);
    const prepared = await prepareSync({ projectRoot, environment, apiKey });
    client = createApiClient({ baseUrl: api.apiUrl, apiKey: apiKey!, ...api.clientOptions });
    const outcome = await syncProject(prepared, listingOnly(client), { confirm: () => Promise.resolve(undefined) });
    if (outcome.kind === 'list-failed') return { outcome: 'list-failed', reason: outcome.reason };
    if (outcome.kind === 'refused') return { outcome: 'refused', reason: outcome.error.message };
    return { outcome: 'planned', ...planNames(outcome.plan) };
  } catch (error) {
    if (error instanceof SyncRefusedError || error instanceof ApiConfigError)
      return { outcome: 'refused', reason: error.message };
    throw error;
  } finally {
    await client?.close();
  }
}

/** The listing of `client`; its upload throws, so no answer of the flow's confirmation can send anything. */
function listingOnly(client: ApiClient): Pick<ApiClient, 'listNames' | 'upsert' | 'baseUrl'> {
  return {
    baseUrl: client.baseUrl,
    listNames: (...args) => client.listNames(...args),
    upsert: () => Promise.reject(new Error('secrets_plan never uploads')),
  };
}

function planNames(plan: SyncPlan): Omit<ProjectPlan, 'path' | 'outcome' | 'reason'> {
  const held = {
    unchanged: plan.unchanged,
    kept: plan.rotated.map((change) => change.key),
    conflict: plan.conflict.map((change) => change.key),
    unverified: plan.unverified,
  };
  return {
    create: plan.create,
    update: plan.update,
    remoteOnly: plan.remoteOnly,
    misread: plan.misread,
    ...Object.fromEntries(Object.entries(held).filter(([, keys]) => keys.length > 0)),
  };
}

/** "app: 2 to create (A, B), 1 to update (C), 0 remote-only kept" or "app: refused: …". */
function planText(project: ProjectPlan): string {
  if (project.outcome !== 'planned') return `${project.path}: ${project.outcome}: ${project.reason ?? ''}`;
  const part = (label: string, keys: readonly string[] = []) =>
    `${keys.length} ${label}${keys.length > 0 ? ` (${keys.join(', ')})` : ''}`;
  return `${project.path}: ${[
    part('to create', project.create),
    part('to update', project.update),
    part('remote-only kept', project.remoteOnly),
    part('misread by dotenv', project.misread),
    ...(project.unchanged ? [`${project.unchanged.length} unchanged`] : []),
    ...(project.kept ? [part('kept (rotated on the platform)', project.kept)] : []),
    ...(project.conflict ? [part('in conflict', project.conflict)] : []),
    ...(project.unverified ? [part('unverified', project.unverified)] : []),
  ].join(', ')}`;
}
