import {
  type ClientFeatures,
  createSecretsService,
  NO_OPEN_DOCUMENTS,
  type OpenDocuments,
  PLAIN_CLIENT,
  type SecretsService,
} from '../core';
import { writeRefusal } from './safeWrite';
import { uriToPath, type WorkspaceHost } from './workspaceHost';

/**
 * The core's service over a workspace read from disk: the host answers what the pure core cannot know (git,
 * the project's .gitignore, which files the include globs select). Both front ends open it this way.
 */
export function openSecretsService(
  host: WorkspaceHost,
  documents: OpenDocuments = NO_OPEN_DOCUMENTS,
  client: ClientFeatures = PLAIN_CLIENT,
): SecretsService {
  return createSecretsService(
    host.index,
    {
      documents,
      gitStatus: (uri) => host.gitStatus.get(uri),
      projectGitignore: (rootUri) => host.readProjectGitignore(rootUri),
      agentFacts: (rootUri) => host.agentFacts.get(rootUri),
      isAgentFile: (uri) => host.classify(uriToPath(uri)) === 'agent',
      isCommitted: (uri) => host.isCommitted(uri),
      putEnvText: (uri, text) => host.setEnvText(uri, text),
      putAgentText: (uri, text, edit) => host.setAgentText(uri, text, edit),
      envFileOutsideProjects: (uri, text) => host.envStateOutsideProjects(uri, text),
      writable: (uri) => {
        const project = host.index.projectOf(uri);
        return (
          project !== undefined &&
          uri.startsWith('file:') &&
          writeRefusal(uriToPath(project.rootUri), uriToPath(uri)) === undefined
        );
      },
    },
    client,
  );
}
