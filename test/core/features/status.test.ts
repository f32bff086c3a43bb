import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unknownRemote, type RemoteNamesByEnvironment } from '../../../engine/core/model/remoteNames';
import {
  formatStatusMarkdown,
  formatStatusText,
  missingKeys,
  statusCellText,
} from '../../../engine/core/features/status';
import { fixtureService, fresh, ROOT } from '../../support/coreFixtures';

/** The keys × environments rows of the fixture's project, as every front end gets them: through the service. */
function statusRows(files: Record<string, string>, remote: Partial<RemoteNamesByEnvironment> = {}) {
  return fixtureService(files, { remote }).service.statusRows(ROOT)!;
}

const FILES = {
  '.env.development': 'SHARED=dev\nDEV_ONLY=1\n1BAD=x\n',
  '.env.production': 'SHARED=prod\nPROD_ONLY="a # b"\n',
  'agents/a.ts': 'const p = `{{secrets.SHARED}} {{ secrets.REFERENCED_ONLY }} {{secrets.bad-name}}`;',
  'prompts/b.md': 'Use <<secrets.SHARED>> and {{secrets.DEV_ONLY}}.',
  'tools/c.ts': 'context.secrets["SHARED"]; context.secrets.REMOTE_ONLY;',
};

void test('status rows: one sorted row per key known anywhere, with local, remote and reference counts', () => {
  const rows = statusRows(FILES, {
    development: fresh('SHARED', 'REMOTE_ONLY'),
    eval: fresh('SHARED'),
    production: unknownRemote('no API key'),
  });
  assert.deepEqual(
    rows.map((row) => row.key),
    ['DEV_ONLY', 'PROD_ONLY', 'REFERENCED_ONLY', 'REMOTE_ONLY', 'SHARED'],
    'valid local keys, remote names and valid references; never an invalid name (it may be a pasted value)',
  );
  const byKey = new Map(rows.map((row) => [row.key, row]));
  assert.deepEqual(byKey.get('SHARED'), {
    key: 'SHARED',
    referencedBy: 3,
    environments: {
      development: { local: true, remote: 'yes' },
      production: { local: true, remote: 'unknown' },
      eval: { local: true, remote: 'yes' },
    },
  });
  assert.deepEqual(byKey.get('REMOTE_ONLY')!.environments, {
    development: { local: false, remote: 'yes' },
    production: { local: false, remote: 'unknown' },
    eval: { local: false, remote: 'no' },
  });
  assert.equal(byKey.get('REMOTE_ONLY')!.referencedBy, 1);
  assert.deepEqual(byKey.get('PROD_ONLY')!.environments.development, { local: false, remote: 'no' });
  assert.equal(byKey.get('PROD_ONLY')!.referencedBy, 0);
  assert.deepEqual(byKey.get('REFERENCED_ONLY')!.environments.eval, { local: false, remote: 'no' });
});

void test('status rows: unknown remote lists add no keys; a project with nothing yields no rows', () => {
  assert.deepEqual(
    statusRows({ '.env.development': 'A=1\n' }, { development: unknownRemote('offline') }).map((row) => [
      row.key,
      row.environments.development.remote,
    ]),
    [['A', 'unknown']],
  );
  assert.deepEqual(statusRows({}), []);
});

void test('cells: local+remote, local, remote, —, and ? when the remote list is unknown', () => {
  assert.equal(statusCellText({ local: true, remote: 'yes' }), 'local+remote');
  assert.equal(statusCellText({ local: true, remote: 'no' }), 'local');
  assert.equal(statusCellText({ local: false, remote: 'yes' }), 'remote');
  assert.equal(statusCellText({ local: false, remote: 'no' }), '—');
  assert.equal(statusCellText({ local: true, remote: 'unknown' }), 'local+?');
  assert.equal(statusCellText({ local: false, remote: 'unknown' }), '?');
});

void test('missingKeys: referenced and not set, split by whether an unknown remote list could still hold them', () => {
  const rows = statusRows(FILES, {
    development: fresh('SHARED'),
    eval: fresh(),
    production: unknownRemote('no API key'),
  });
  assert.deepEqual(missingKeys(rows, 'development'), { missing: ['REFERENCED_ONLY', 'REMOTE_ONLY'], maybe: [] });
  assert.deepEqual(missingKeys(rows, 'production'), {
    missing: [],
    maybe: ['DEV_ONLY', 'REFERENCED_ONLY', 'REMOTE_ONLY'],
  });
});

void test('formatStatusText: remote state per environment, an aligned table, what is missing; never a value', () => {
  const remote: RemoteNamesByEnvironment = {
    development: fresh('SHARED', 'REMOTE_ONLY'),
    eval: fresh('SHARED'),
    production: unknownRemote('no API key'),
  };
  const text = formatStatusText(statusRows(FILES, remote), remote);
  const lines = text.split('\n');
  assert.deepEqual(lines.slice(0, 4), [
    'development remote: fresh (2 names)',
    'production remote: unknown: no API key',
    'eval remote: fresh (1 name)',
    '',
  ]);
  assert.match(lines[4]!, /^KEY +development +production +eval +refs$/);
  const row = (key: string) => lines.find((line) => line.startsWith(`${key} `))!.split(/ {2,}/);
  assert.deepEqual(row('SHARED'), ['SHARED', 'local+remote', 'local+?', 'local+remote', '3']);
  assert.deepEqual(row('REMOTE_ONLY'), ['REMOTE_ONLY', 'remote', '?', '—', '1']);
  assert.deepEqual(row('PROD_ONLY'), ['PROD_ONLY', '—', 'local+?', '—', '0']);
  const header = lines[4]!;
  for (const key of ['SHARED', 'REMOTE_ONLY', 'DEV_ONLY']) {
    const line = lines.find((candidate) => candidate.startsWith(`${key} `))!;
    assert.equal(line.indexOf(row(key)[1]!), header.indexOf('development'), `${key}: columns are aligned`);
    assert.equal(line.length, header.length, `${key}: refs right-aligned under the header`);
  }
  assert.ok(text.includes('missing in development (referenced, not set): REFERENCED_ONLY'));
  assert.ok(
    text.includes(
      'possibly missing in production (referenced, not in the local file, remote unknown): DEV_ONLY, REFERENCED_ONLY, REMOTE_ONLY',
    ),
  );
  assert.match(text, /5 keys · local: in the \.env file/);
  assert.ok(!text.includes('a # b'), 'no value');
  assert.match(formatStatusText([], remote), /no keys: /);
});

void test('formatStatusMarkdown: a heading, the remote state table and the keys table', () => {
  const remote: RemoteNamesByEnvironment = {
    development: fresh('SHARED'),
    eval: fresh('SHARED'),
    production: unknownRemote('unauthorized (401)'),
  };
  const markdown = formatStatusMarkdown(statusRows(FILES, remote), remote, 'support_agent');
  const lines = markdown.split('\n');
  assert.equal(lines[0], '# Secret status: support\\_agent');
  assert.ok(lines.includes('| production | `.env.production` | unknown: unauthorized (401) |'));
  assert.ok(lines.includes('| eval | `.env.development` (mirror of development) | fresh (1 name) |'));
  assert.ok(lines.includes('| key | development | production | eval | referenced by |'));
  assert.ok(lines.includes('| `SHARED` | local+remote | local+? | local+remote | 3 files |'));
  assert.ok(lines.includes('| `PROD_ONLY` | — | local+? | — | — |'));
  assert.ok(lines.includes('- missing in development (referenced, not set): `REFERENCED_ONLY`, `REMOTE_ONLY`'));
  assert.ok(!markdown.includes('a # b'), 'no value');
  const tableRows = lines.filter((line) => line.startsWith('| `'));
  assert.equal(tableRows.length, 5);
  for (const line of tableRows) assert.equal(line.split('|').length, 7, 'five cells per row');
});
