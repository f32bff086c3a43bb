import assert from 'node:assert/strict';
import { test } from 'node:test';
import { missingSecretFixed, type MissingSecrets } from '../../client/src/walkthroughSteps';

// When the walkthrough's "See a missing secret and fix it" step is checked: a missing-secret diagnostic went
// away while the environment it was reported for stayed selected.

const entry = (file: string, key: string, environment: string): [string, string] => [
  `file:///p/${file}\u0000${key}\u0000${environment}`,
  environment,
];
const PAGER_DEV = entry('agents/support.ts', 'PAGERDUTY_ROUTING_KEY', 'development');
const SANDBOX_PROD = entry('agents/billing.ts', 'SANDBOX_CUSTOMER_ID', 'production');

test('the diagnostic gone while its environment is selected: fixed', () => {
  const before: MissingSecrets = new Map([PAGER_DEV]);
  assert.equal(missingSecretFixed(before, new Map(), 'development'), true);
});

test('control: gone because the environment switched (production has the key) is not a fix', () => {
  const before: MissingSecrets = new Map([PAGER_DEV]);
  assert.equal(missingSecretFixed(before, new Map([SANDBOX_PROD]), 'production'), false);
});

test('control: nothing went away, or a new one appeared: not a fix', () => {
  const before: MissingSecrets = new Map([PAGER_DEV]);
  assert.equal(missingSecretFixed(before, new Map([PAGER_DEV]), 'development'), false);
  assert.equal(missingSecretFixed(new Map(), new Map([PAGER_DEV]), 'development'), false);
});

test('one of several fixed is enough; the others may stay', () => {
  const other = entry('tools/lookupOrder.ts', 'ORDERS_API_TOKEN', 'development');
  const before: MissingSecrets = new Map([PAGER_DEV, other]);
  assert.equal(missingSecretFixed(before, new Map([other]), 'development'), true);
});
