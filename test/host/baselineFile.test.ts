import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BaselineFileError, readBaselineFile } from '../../engine/host';
import { tempWorkspace } from '../support/tempWorkspace';

const VALID = '{\n  "version": 1,\n  "findings": []\n}\n';

void test('readBaselineFile: bounded; an oversized, binary or folder baseline is an error naming the file', async () => {
  const ws = tempWorkspace({ 'ok.json': VALID, 'big.json': `${VALID}${' '.repeat(200)}`, 'bin.json': '\u0000{}' });
  try {
    // Control: the same bound reads a small file.
    assert.deepEqual(await readBaselineFile(ws.path('ok.json'), 100), []);
    const failures: [string, RegExp][] = [
      ['big.json', /big\.json is over the size limit \(100 bytes\)/],
      ['bin.json', /bin\.json is not a text file/],
      ['.git', /\.git could not be read/],
    ];
    for (const [name, message] of failures)
      await assert.rejects(readBaselineFile(ws.path(name), 100), (error: unknown) => {
        assert.ok(error instanceof BaselineFileError);
        assert.match(error.message, message);
        return true;
      });
  } finally {
    ws.dispose();
  }
});
