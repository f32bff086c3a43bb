import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { manifestMismatches, walkthroughMismatches } from '../support/manifestCheck';

// package.json ≡ the code: contributed commands ≡ the command table minus internal ones, `struere.severity`'s
// properties ≡ the rule table, declared defaults ≡ the defaults in code, data-sending settings out of a
// repository's reach. The comparison reads the tables, so a code added to RULES is expected here without an edit.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function readManifest(): Json {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as Json;
}

const properties = (manifest: Json): Json => manifest.contributes.configuration.properties;

test('package.json agrees with the command table, the rule table and the settings defaults', () => {
  assert.deepEqual(manifestMismatches(readManifest()), []);
});

// Controls: the same comparison on mutated copies of the manifest must name each mismatch.
const mutations: { name: string; mutate: (manifest: Json) => void; expected: string }[] = [
  {
    name: 'a command left out of contributes',
    mutate: (m) =>
      (m.contributes.commands = m.contributes.commands.filter((c: Json) => c.command !== 'struere.setApiKey')),
    expected: 'command struere.setApiKey is in the command table but not contributed',
  },
  {
    name: 'an internal command contributed',
    mutate: (m) => m.contributes.commands.push({ command: 'struere.revealPosition', title: 'Reveal' }),
    expected: 'internal command struere.revealPosition is contributed (the palette would show it)',
  },
  {
    name: 'a contributed command with no handler',
    mutate: (m) => m.contributes.commands.push({ command: 'struere.nothing', title: 'Nothing' }),
    expected: 'contributed command struere.nothing is not in the command table',
  },
  {
    name: 'a menu naming a command that is not contributed',
    mutate: (m) => m.contributes.menus['editor/title'].push({ command: 'struere.revealPosition' }),
    expected: 'menu editor/title names struere.revealPosition, which is not contributed',
  },
  {
    name: 'a rule code missing from struere.severity',
    mutate: (m) => delete properties(m)['struere.severity'].properties['missing-secret'],
    expected: 'struere.severity has no property for missing-secret',
  },
  {
    name: 'a severity property for no rule',
    mutate: (m) => (properties(m)['struere.severity'].properties['no-such-code'] = {}),
    expected: 'struere.severity declares no-such-code, not a rule',
  },
  {
    name: 'a default that differs from the code',
    mutate: (m) => (properties(m)['struere.remote.ttlSeconds'].default = 60),
    expected: 'struere.remote.ttlSeconds declares default 60, the code 600',
  },
  {
    name: 'a changed API URL default',
    mutate: (m) => (properties(m)['struere.apiUrl'].default = 'https://attacker.example'),
    expected: 'struere.apiUrl declares default "https://attacker.example", the code "https://api.struere.dev"',
  },
  {
    name: 'sync on save that a repository could turn on',
    mutate: (m) => (properties(m)['struere.syncOnSave'].scope = 'resource'),
    expected: "struere.syncOnSave sends data but has scope resource: a repository's settings could set it",
  },
  {
    name: 'a server trace a repository could turn on (window scope, as before issue 18)',
    mutate: (m) => (properties(m)['struere.trace.server'].scope = 'window'),
    expected: "struere.trace.server decides what is logged but has scope window: a repository's settings could set it",
  },
  {
    name: 'sync on save not restricted in untrusted workspaces',
    mutate: (m) => (m.capabilities.untrustedWorkspaces.restrictedConfigurations = ['struere.apiUrl']),
    expected: 'struere.syncOnSave sends data but is not restricted in untrusted workspaces',
  },
];

for (const { name, mutate, expected } of mutations) {
  test(`control: the manifest check catches ${name}`, () => {
    const manifest = readManifest();
    mutate(manifest);
    assert.deepEqual(manifestMismatches(manifest), [expected]);
  });
}

// The walkthrough: its command links and completion events against the command table and the context keys the
// client sets (client/src/walkthroughSteps.ts), in English and German.
const readStrings = (file: string): Record<string, string> =>
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', file), 'utf8')) as Record<string, string>;
const walkthroughTexts = () => ({
  'package.nls.json': readStrings('package.nls.json'),
  'package.nls.de.json': readStrings('package.nls.de.json'),
});
const mediaExists = (file: string) => fs.existsSync(path.join(__dirname, '..', '..', file));
const steps = (manifest: Json): Json[] => manifest.contributes.walkthroughs[0].steps;

test('every walkthrough step links to real commands and completes on an event the client really signals', () => {
  const manifest = readManifest();
  assert.equal(steps(manifest).length, 6, 'open → environment → API key → missing secret → sync → deploy');
  assert.deepEqual(walkthroughMismatches(manifest, walkthroughTexts(), mediaExists), []);
});

const walkthroughMutations: { name: string; mutate: (manifest: Json, texts: Json) => void; expected: string }[] = [
  {
    name: 'a completion event on a context key the client never sets',
    mutate: (m) => steps(m)[2].completionEvents.push('onContext:struere.walkthrough.keyTyped'),
    expected: 'step setApiKey completes on onContext:struere.walkthrough.keyTyped, which the client never sets or runs',
  },
  {
    name: 'a context key that checks no step',
    mutate: (m) => (steps(m)[4].completionEvents = ['onCommand:struere.sync']),
    expected: 'context key struere.walkthrough.synced checks no step',
  },
  {
    name: 'a German description linking to a command that does not exist',
    mutate: (_m, t) =>
      (t['package.nls.de.json']['walkthrough.deploy.description'] = '[Bereitstellen](command:struere.deployNow)'),
    expected: 'step deploy (package.nls.de.json) links to command struere.deployNow, which is not ours',
  },
  {
    name: 'a missing media file',
    mutate: (m) => (steps(m)[0].media.markdown = 'media/walkthrough/nothing.md'),
    expected: 'step openProject has no media file media/walkthrough/nothing.md',
  },
];

for (const { name, mutate, expected } of walkthroughMutations) {
  test(`control: the walkthrough check catches ${name}`, () => {
    const manifest = readManifest();
    const texts = walkthroughTexts();
    mutate(manifest, texts);
    assert.deepEqual(walkthroughMismatches(manifest, texts, mediaExists), [expected]);
  });
}
