import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { planSync } from '../../engine/sync/syncPlan';

void test('planSync splits local keys into create and update and keeps remote-only keys, sorted', () => {
  const local = new Map([
    ['b_KEY', '1'],
    ['A_KEY', '2'],
    ['SHARED', '3'],
    ['Z', ''],
  ]);
  const remote = new Set(['SHARED', 'REMOTE_ONLY', 'Z', 'AA_REMOTE']);
  assert.deepEqual(planSync(local, remote), {
    create: ['A_KEY', 'b_KEY'],
    update: ['SHARED', 'Z'],
    remoteOnly: ['AA_REMOTE', 'REMOTE_ONLY'],
    misread: [],
  });
  assert.deepEqual(planSync(new Map(), new Set()), { create: [], update: [], remoteOnly: [], misread: [] });
});

void test('planSync: the three lists partition local ∪ remote, and nothing remote is ever planned for deletion', () => {
  const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/);
  fc.assert(
    fc.property(
      fc.uniqueArray(key, { maxLength: 30 }),
      fc.uniqueArray(key, { maxLength: 30 }),
      (localKeys, remoteKeys) => {
        const local = new Map(localKeys.map((k) => [k, 'v']));
        const remote = new Set(remoteKeys);
        const plan = planSync(local, remote);
        const all = [...plan.create, ...plan.update, ...plan.remoteOnly];
        assert.equal(new Set(all).size, all.length, 'disjoint');
        assert.deepEqual(new Set(all), new Set([...localKeys, ...remoteKeys]));
        assert.deepEqual(new Set([...plan.create, ...plan.update]), new Set(localKeys));
        assert.ok(plan.update.every((k) => remote.has(k)) && plan.create.every((k) => !remote.has(k)));
        for (const list of [plan.create, plan.update, plan.remoteOnly]) assert.deepEqual(list, [...list].sort());
      },
    ),
  );
});
