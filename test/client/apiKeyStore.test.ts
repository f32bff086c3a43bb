import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { ApiKeyStore } from '../../client/src/apiKeyStore';

// Which API key a project uses: its own key wins over the one for all projects, and a project key is never used
// for another project. The store is VS Code's SecretStorage interface; here a Map stands in for the keychain.

const PROJECT_A = 'file:///work/monorepo/org-a-agent';
const PROJECT_B = 'file:///work/monorepo/org-b-agent';
// A folder whose name starts with A's: a prefix match would hand it A's key.
const PROJECT_A_LONGER = 'file:///work/monorepo/org-a-agent-2';

function secretStorage(): vscode.SecretStorage & { readonly entries: Map<string, string> } {
  const entries = new Map<string, string>();
  const listeners: ((event: vscode.SecretStorageChangeEvent) => void)[] = [];
  const fire = (key: string) => listeners.forEach((listener) => listener({ key }));
  return {
    entries,
    get: (key) => Promise.resolve(entries.get(key)),
    store: (key, value) => {
      entries.set(key, value);
      fire(key);
      return Promise.resolve();
    },
    delete: (key) => {
      entries.delete(key);
      fire(key);
      return Promise.resolve();
    },
    onDidChange: (listener: (event: vscode.SecretStorageChangeEvent) => void) => {
      listeners.push(listener);
      return { dispose: () => undefined };
    },
  } as vscode.SecretStorage & { readonly entries: Map<string, string> };
}

test('with only a key for all projects, every project uses it', async () => {
  const keys = new ApiKeyStore(secretStorage());
  await keys.store({ kind: 'all-projects' }, 'development', 'sk_dev_shared');
  assert.deepEqual(await keys.resolve(PROJECT_A, 'development'), { apiKey: 'sk_dev_shared', scope: 'all-projects' });
  assert.deepEqual(await keys.resolve(undefined, 'development'), { apiKey: 'sk_dev_shared', scope: 'all-projects' });
  assert.equal(await keys.resolve(PROJECT_A, 'production'), undefined, 'no production key anywhere');
});

test("a project's own key wins over the key for all projects, in that project only", async () => {
  const keys = new ApiKeyStore(secretStorage());
  await keys.store({ kind: 'all-projects' }, 'development', 'sk_dev_shared');
  await keys.store({ kind: 'project', projectUri: PROJECT_A }, 'development', 'sk_dev_org_a');
  assert.deepEqual(await keys.resolve(PROJECT_A, 'development'), { apiKey: 'sk_dev_org_a', scope: 'project' });
  // Control: project B (and a folder whose name merely starts with A's) never gets A's key.
  assert.deepEqual(await keys.resolve(PROJECT_B, 'development'), { apiKey: 'sk_dev_shared', scope: 'all-projects' });
  assert.deepEqual(await keys.resolve(PROJECT_A_LONGER, 'development'), {
    apiKey: 'sk_dev_shared',
    scope: 'all-projects',
  });
});

test('a project key for A is not used for B even when B has no key at all', async () => {
  const keys = new ApiKeyStore(secretStorage());
  await keys.store({ kind: 'project', projectUri: PROJECT_A }, 'production', 'sk_prod_org_a');
  assert.deepEqual(await keys.forProject(PROJECT_A), { production: 'sk_prod_org_a' });
  assert.deepEqual(await keys.forProject(PROJECT_B), {});
  assert.deepEqual(await keys.scopesFor(PROJECT_A), { development: undefined, production: 'project' });
  assert.deepEqual(await keys.scopesFor(PROJECT_B), { development: undefined, production: undefined });
});

test('forProject and scopesFor mix scopes per environment', async () => {
  const keys = new ApiKeyStore(secretStorage());
  await keys.store({ kind: 'all-projects' }, 'development', 'sk_dev_shared');
  await keys.store({ kind: 'project', projectUri: PROJECT_A }, 'production', 'sk_prod_org_a');
  assert.deepEqual(await keys.forProject(PROJECT_A), { development: 'sk_dev_shared', production: 'sk_prod_org_a' });
  assert.deepEqual(await keys.scopesFor(PROJECT_A), { development: 'all-projects', production: 'project' });
});

test("clearing a project's key falls back to the key for all projects; clearing that leaves none", async () => {
  const keys = new ApiKeyStore(secretStorage());
  await keys.store({ kind: 'all-projects' }, 'development', 'sk_dev_shared');
  await keys.store({ kind: 'project', projectUri: PROJECT_A }, 'development', 'sk_dev_org_a');
  assert.equal(await keys.has({ kind: 'project', projectUri: PROJECT_A }, 'development'), true);
  await keys.delete({ kind: 'project', projectUri: PROJECT_A }, 'development');
  assert.equal(await keys.has({ kind: 'project', projectUri: PROJECT_A }, 'development'), false);
  assert.deepEqual(await keys.resolve(PROJECT_A, 'development'), { apiKey: 'sk_dev_shared', scope: 'all-projects' });
  await keys.delete({ kind: 'all-projects' }, 'development');
  assert.equal(await keys.resolve(PROJECT_A, 'development'), undefined);
});

test('the key for all projects keeps its storage name from before project keys, so stored keys survive', async () => {
  const storage = secretStorage();
  await storage.store('struere.apiKey.development', 'sk_dev_from_before');
  const keys = new ApiKeyStore(storage);
  assert.deepEqual(await keys.resolve(PROJECT_A, 'development'), {
    apiKey: 'sk_dev_from_before',
    scope: 'all-projects',
  });
});

test('every store and delete of a key tells the listeners (the status bar re-renders); other secrets do not', async () => {
  const storage = secretStorage();
  const keys = new ApiKeyStore(storage);
  let changes = 0;
  keys.onDidChange(() => changes++);
  await keys.store({ kind: 'project', projectUri: PROJECT_A }, 'development', 'sk_dev_org_a');
  await keys.delete({ kind: 'all-projects' }, 'production');
  assert.equal(changes, 2);
  await storage.store('another.extension.secret', 'x');
  assert.equal(changes, 2, 'a secret that is not an API key changes nothing');
});
