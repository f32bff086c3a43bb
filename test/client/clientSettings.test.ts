import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { readClientSettings } from '../../client/src/clientSettings';
import { DEFAULT_API_URL } from '../../engine/api/apiClient';
import { SETTING_DEFAULTS } from '../../engine/core/model/settings';

/**
 * A `struere` section as VS Code hands it over: `get` gives the effective value, `inspect` each scope's own.
 * `values` are what a settings file in each scope says; the effective value is the innermost one, as in VS Code
 * for a resource-scoped setting (the worst case: the reader must not trust it).
 */
function section(values: {
  user?: Record<string, unknown>;
  workspace?: Record<string, unknown>;
  folder?: Record<string, unknown>;
}): vscode.WorkspaceConfiguration {
  const layers = [values.folder ?? {}, values.workspace ?? {}, values.user ?? {}];
  const effective = (name: string) => layers.find((layer) => name in layer)?.[name];
  return {
    get: (name: string) => effective(name),
    has: (name: string) => effective(name) !== undefined,
    inspect: (name: string) => ({
      key: `struere.${name}`,
      globalValue: values.user?.[name],
      workspaceValue: values.workspace?.[name],
      workspaceFolderValue: values.folder?.[name],
    }),
    update: () => Promise.resolve(),
  } as unknown as vscode.WorkspaceConfiguration;
}

test('struere.syncOnSave is honoured from the user settings in a trusted workspace', () => {
  assert.equal(readClientSettings(section({ user: { syncOnSave: true } }), true).syncOnSave, true);
});

test("a repository's workspace or folder settings cannot turn struere.syncOnSave on", () => {
  assert.equal(readClientSettings(section({ workspace: { syncOnSave: true } }), true).syncOnSave, false);
  assert.equal(readClientSettings(section({ folder: { syncOnSave: true } }), true).syncOnSave, false);
});

test('an untrusted workspace never syncs on save, even when the user turned it on', () => {
  assert.equal(readClientSettings(section({ user: { syncOnSave: true } }), false).syncOnSave, false);
});

test('a workspace value cannot turn off what the user turned on either: the user decides', () => {
  const config = section({ user: { syncOnSave: true }, workspace: { syncOnSave: false } });
  assert.equal(readClientSettings(config, true).syncOnSave, true);
});

test('client settings fall back to the one table of defaults on missing or malformed values', () => {
  assert.deepEqual(readClientSettings(section({}), true), {
    apiUrl: DEFAULT_API_URL,
    remoteTtlSeconds: SETTING_DEFAULTS['remote.ttlSeconds'],
    syncOnSave: SETTING_DEFAULTS.syncOnSave,
  });
  const malformed = section({ user: { apiUrl: '  ', 'remote.ttlSeconds': 1, syncOnSave: 'yes' } });
  assert.deepEqual(readClientSettings(malformed, true), readClientSettings(section({}), true));
  const set = section({ user: { apiUrl: ' http://127.0.0.1:9/ ', 'remote.ttlSeconds': 30 } });
  assert.deepEqual(readClientSettings(set, true), {
    apiUrl: 'http://127.0.0.1:9/',
    remoteTtlSeconds: 30,
    syncOnSave: false,
  });
});

test("struere.apiUrl comes from the user's own settings: a workspace or folder value is ignored", () => {
  const attacker = 'https://attacker.example';
  assert.equal(readClientSettings(section({ workspace: { apiUrl: attacker } }), true).apiUrl, DEFAULT_API_URL);
  assert.equal(readClientSettings(section({ folder: { apiUrl: attacker } }), true).apiUrl, DEFAULT_API_URL);
  const both = section({ user: { apiUrl: 'https://api.example.test' }, folder: { apiUrl: attacker } });
  assert.equal(readClientSettings(both, true).apiUrl, 'https://api.example.test');
});

test('control: an API URL in the user settings is used, trusted workspace or not', () => {
  const user = section({ user: { apiUrl: 'https://api.example.test' } });
  assert.equal(readClientSettings(user, true).apiUrl, 'https://api.example.test');
  assert.equal(readClientSettings(user, false).apiUrl, 'https://api.example.test');
});
