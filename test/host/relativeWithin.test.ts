import assert from 'node:assert/strict';
import { test } from 'node:test';
import { relativeWithin } from '../../engine/host';

// One containment rule for every writer and reader that must stay inside a folder (safe writes, the baseline,
// the agent tools' paths): `..` leaves the folder only as a whole path segment.
test('relativeWithin: a child named ..cache is inside; .. and a sibling with the same prefix are not', () => {
  assert.equal(relativeWithin('/w/app', '/w/app/..cache/x.md'), '..cache/x.md');
  assert.equal(relativeWithin('/w/app', '/w/app'), '');
  assert.equal(relativeWithin('/w/app', '/w/app/a/../b'), 'b');
  // Controls: each of these leaves the folder.
  assert.equal(relativeWithin('/w/app', '/w'), undefined);
  assert.equal(relativeWithin('/w/app', '/w/app/../other'), undefined);
  assert.equal(relativeWithin('/w/app', '/w/apple/x'), undefined);
});
