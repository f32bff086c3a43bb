import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseEnv } from '../engine/core/model/envParser';
import { scanReferences } from '../engine/core/model/references';

/**
 * The floor under the init goal, run in a fresh process as the cold reference is (server.bench.ts starts and
 * times it): the least a push-diagnostics language server must do between `initialized` and the client holding
 * every file's diagnostics, with none of the server's other work. No index is kept, no settings, globs, ignore
 * files or git state are read, no pasted value is searched for, and no protocol library is used. It says "ready"
 * on stderr once its modules are loaded, waits for one byte on stdin (the bench's `initialized`), then walks the
 * folder, parses .env.development, reads and scans every `.md` prompt, and writes one publishDiagnostics per
 * prompt naming its references to keys that file does not set, framed as LSP messages on stdout in writes of about
 * a pipe buffer. The bench's clock stops at the last message's last byte.
 */
const folder = process.argv[2]!;
process.stdin.once('data', () => {
  const set = new Set(
    parseEnv(readFileSync(path.join(folder, '.env.development'), 'utf8')).entries.map((entry) => entry.key),
  );
  let out = '';
  for (const file of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!file.isFile() || !file.name.endsWith('.md')) continue;
    const filePath = path.join(file.parentPath, file.name);
    const diagnostics = scanReferences(readFileSync(filePath, 'utf8'))
      .filter((reference) => !set.has(reference.key))
      .map((reference) => ({
        range: reference.range,
        severity: 1,
        code: 'missing-secret',
        source: 'struere',
        message: `${reference.key} is not set in development`,
      }));
    const body = JSON.stringify({
      jsonrpc: '2.0',
      method: 'textDocument/publishDiagnostics',
      params: { uri: `file://${filePath}`, diagnostics },
    });
    out += `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    if (out.length >= 65_536) {
      process.stdout.write(out);
      out = '';
    }
  }
  process.stdout.write(out);
  process.stdin.destroy();
});
process.stderr.write('ready\n');
