import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentApiSettingsFrom } from '../../cli/src/apiSettings';
import { CliUsageError } from '../../cli/src/io';

// `mcp` takes STRUERE_API_URL only when it is the default or loopback: a repository's MCP configuration can set
// the environment of the server an agent starts, and must not redirect the user's key.

void test('the default API URL and loopback URLs are taken', () => {
  assert.equal(agentApiSettingsFrom({}).apiUrl, 'https://api.struere.dev');
  for (const url of [
    'https://api.struere.dev',
    'https://api.struere.dev/',
    'http://127.0.0.1:8787',
    'http://127.0.0.2',
    'http://[::1]:3000',
    'http://localhost:4000',
    'http://LOCALHOST',
  ])
    assert.equal(agentApiSettingsFrom({ STRUERE_API_URL: url }).apiUrl, url, url);
});

void test('any other STRUERE_API_URL is refused without being repeated', () => {
  for (const url of [
    'https://api.example.com',
    'https://api.struere.dev.example.com',
    'https://api.struere.dev/elsewhere',
    'http://10.0.0.1',
    'http://localhost.example.com',
    'http://169.254.169.254',
    'not a url',
  ]) {
    assert.throws(
      () => agentApiSettingsFrom({ STRUERE_API_URL: url }),
      (error: unknown) => error instanceof CliUsageError && !error.message.includes(url),
      url,
    );
  }
});
