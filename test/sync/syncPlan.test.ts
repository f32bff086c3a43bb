import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import type { JournalEntry, JournalView } from '../../engine/sync/syncJournal';
import { heldKeys, planSync, type SyncPlan } from '../../engine/sync/syncPlan';

// The planner is pure: local values, the platform's listing (key → updatedAt) and a journal view in, the plan out.
// The journal here is an in-memory view with the real fingerprint construction; syncJournal.test.ts covers the file.

const T1 = '2026-11-23T10:00:00.000Z';
const T2 = '2026-11-24T09:30:00.000Z';

function journalOf(entries: Record<string, { updatedAt: string; value?: string; pending?: string }>): JournalView {
  const fingerprint = (key: string, value: string): string =>
    createHmac('sha256', Buffer.alloc(32, 7)).update(key).update('\0').update(value).digest('base64url');
  const map = new Map<string, JournalEntry>();
  for (const [key, e] of Object.entries(entries)) {
    map.set(key, {
      updatedAt: e.updatedAt,
      fingerprint: e.value === undefined ? '' : fingerprint(key, e.value),
      ...(e.pending !== undefined ? { pending: fingerprint(key, e.pending) } : {}),
    });
  }
  return { entries: map, fingerprint };
}

const EMPTY: Omit<SyncPlan, 'create' | 'remoteOnly'> = {
  update: [],
  unchanged: [],
  rotated: [],
  conflict: [],
  unverified: [],
  misread: [],
};

void test('every plan state, decided from the platform updatedAt and the journal alone', () => {
  const local = new Map([
    ['NEW', 'n'],
    ['SAME', 's'],
    ['EDITED', 'e2'],
    ['ROTATED', 'r'],
    ['BOTH', 'b2'],
    ['UNKNOWN', 'u'],
    ['RETRIED', 'p2'],
  ]);
  const remote = new Map([
    ['SAME', T1],
    ['EDITED', T1],
    ['ROTATED', T2],
    ['BOTH', T2],
    ['UNKNOWN', T1],
    ['RETRIED', T2],
    ['REMOTE_ONLY', T1],
  ]);
  const journal = journalOf({
    SAME: { updatedAt: T1, value: 's' },
    EDITED: { updatedAt: T1, value: 'e1' },
    ROTATED: { updatedAt: T1, value: 'r' },
    BOTH: { updatedAt: T1, value: 'b1' },
    RETRIED: { updatedAt: T1, value: 'p1', pending: 'p2' },
  });
  const plan = planSync(local, remote, [], journal);
  assert.deepEqual(plan, {
    create: ['NEW'],
    update: ['EDITED', 'RETRIED'],
    unchanged: ['SAME'],
    rotated: [{ key: 'ROTATED', updatedAt: T2 }],
    conflict: [{ key: 'BOTH', updatedAt: T2 }],
    unverified: ['UNKNOWN'],
    remoteOnly: ['REMOTE_ONLY'],
    misread: [],
  });
  assert.deepEqual(heldKeys(plan), ['BOTH', 'ROTATED', 'UNKNOWN']);
});

void test('controls: the same keys without a journal are all unverified; an updatedAt that did not move is unchanged', () => {
  const local = new Map([['K', 'v']]);
  assert.deepEqual(planSync(local, new Map([['K', T1]])), { ...EMPTY, create: [], remoteOnly: [], unverified: ['K'] });
  const journal = journalOf({ K: { updatedAt: T1, value: 'v' } });
  assert.deepEqual(planSync(local, new Map([['K', T1]]), [], journal).unchanged, ['K']);
  // Only the platform's updatedAt moving makes a rotation: the same journal, a later platform date.
  assert.deepEqual(planSync(local, new Map([['K', T2]]), [], journal).rotated, [{ key: 'K', updatedAt: T2 }]);
  // A pending write whose value is no longer the local one is a conflict, not a retry.
  const stalePending = journalOf({ K: { updatedAt: T1, value: 'old', pending: 'other' } });
  assert.deepEqual(planSync(local, new Map([['K', T2]]), [], stalePending).conflict, [{ key: 'K', updatedAt: T2 }]);
  assert.deepEqual(planSync(new Map(), new Map()), { ...EMPTY, create: [], remoteOnly: [] });
});

void test('planSync: the six local lists partition the local keys; remote-only is the rest; nothing is deleted', () => {
  const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/);
  const date = fc.constantFrom(T1, T2);
  fc.assert(
    fc.property(
      fc.uniqueArray(key, { maxLength: 30 }),
      fc.uniqueArray(key, { maxLength: 30 }),
      fc.array(fc.tuple(date, fc.constantFrom('v', 'w'), fc.boolean()), { minLength: 30, maxLength: 30 }),
      (localKeys, remoteKeys, choices) => {
        const local = new Map(localKeys.map((k) => [k, 'v']));
        const remote = new Map(remoteKeys.map((k, i) => [k, choices[i]![0]]));
        const entries: Record<string, { updatedAt: string; value: string }> = {};
        remoteKeys.forEach((k, i) => {
          if (choices[i]![2]) entries[k] = { updatedAt: T1, value: choices[i]![1] };
        });
        const plan = planSync(local, remote, [], journalOf(entries));
        const held = [...plan.rotated.map((c) => c.key), ...plan.conflict.map((c) => c.key)];
        const localLists = [plan.create, plan.update, plan.unchanged, held, plan.unverified].flat();
        assert.equal(new Set(localLists).size, localLists.length, 'disjoint');
        assert.deepEqual(new Set(localLists), new Set(localKeys));
        assert.deepEqual(new Set([...localLists, ...plan.remoteOnly]), new Set([...localKeys, ...remoteKeys]));
        assert.ok(plan.create.every((k) => !remote.has(k)));
        for (const list of [plan.create, plan.update, plan.unchanged, plan.unverified, plan.remoteOnly])
          assert.deepEqual(list, [...list].sort());
      },
    ),
  );
});
