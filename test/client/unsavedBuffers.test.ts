import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { resolvedPath, unsavedBuffer } from '../../client/src/unsavedBuffers';

// Before a value is written to an env file (an agent's request) or a file is synced, the editor's unsaved buffer
// of that file must be found, or the write meets the buffer at its next save and Overwrite drops the value. The
// buffer and the write may name one file by two paths: a workspace opened through a link names its files by the
// link. Real files and links on disk; the editor's document list is the part of VS Code's API these functions
// read (scenario 19 runs them in real VS Code).

interface Buffer {
  readonly fsPath: string;
  readonly dirty?: boolean;
  readonly scheme?: string;
}

function editorWith(...buffers: Buffer[]): Pick<typeof vscode, 'workspace'> {
  const textDocuments = buffers.map(({ fsPath, dirty = true, scheme = 'file' }) => ({
    uri: { fsPath, scheme },
    isDirty: dirty,
  }));
  return { workspace: { textDocuments } } as unknown as Pick<typeof vscode, 'workspace'>;
}

/** `real/` with .env.development, and `linked` → `real`: one file, two paths. */
function linkedProject(): { real: string; linked: string; done: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'struere-unsaved-'));
  const real = path.join(root, 'real');
  fs.mkdirSync(real);
  fs.writeFileSync(path.join(real, '.env.development'), 'A=1\n');
  const linked = path.join(root, 'linked');
  fs.symlinkSync(real, linked, 'dir');
  // The temporary folder itself may sit behind a link (macOS /var → /private/var): paths are compared resolved.
  return { real: fs.realpathSync(real), linked, done: () => fs.rmSync(root, { recursive: true, force: true }) };
}

test('a buffer opened through a linked folder is the unsaved buffer of the real path, and back', async () => {
  const { real, linked, done } = linkedProject();
  try {
    const viaLink = path.join(linked, '.env.development');
    const viaTarget = path.join(real, '.env.development');
    // Control: the two paths differ as strings, so a string comparison would miss the buffer.
    assert.notEqual(viaLink, viaTarget);
    assert.equal(await unsavedBuffer(editorWith({ fsPath: viaLink }), viaTarget).then((d) => d?.uri.fsPath), viaLink);
    assert.equal(await unsavedBuffer(editorWith({ fsPath: viaTarget }), viaLink).then((d) => d?.uri.fsPath), viaTarget);
  } finally {
    done();
  }
});

test('a saved buffer, another file or another scheme is no unsaved buffer of the file', async () => {
  const { real, linked, done } = linkedProject();
  try {
    fs.writeFileSync(path.join(real, '.env.production'), 'B=2\n');
    const target = path.join(real, '.env.development');
    assert.equal(
      await unsavedBuffer(editorWith({ fsPath: path.join(linked, '.env.development'), dirty: false }), target),
      undefined,
    );
    assert.equal(await unsavedBuffer(editorWith({ fsPath: path.join(linked, '.env.production') }), target), undefined);
    // A buffer of another scheme (a remote or virtual file) resolves nothing on this disk.
    assert.equal(
      await unsavedBuffer(editorWith({ fsPath: path.join(linked, '.env.development'), scheme: 'vscode-vfs' }), target),
      undefined,
    );
  } finally {
    done();
  }
});

test('a file not on disk is found by its folder: a deleted file whose buffer is still open', async () => {
  const { real, linked, done } = linkedProject();
  try {
    const viaTarget = path.join(real, '.env.production');
    assert.equal(fs.existsSync(viaTarget), false);
    assert.equal(await resolvedPath(path.join(linked, '.env.production')), viaTarget);
    const found = await unsavedBuffer(editorWith({ fsPath: viaTarget }), path.join(linked, '.env.production'));
    assert.equal(found?.uri.fsPath, viaTarget);
    // A path whose folder is missing too stays as given.
    const nowhere = path.join(real, 'missing-folder', '.env');
    assert.equal(await resolvedPath(nowhere), nowhere);
  } finally {
    done();
  }
});
