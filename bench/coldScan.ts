import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { scanReferences } from '../engine/core/model/references';

/**
 * The reference run once in a fresh process (server.bench.ts starts it): read + scan of the files listed in the
 * file named by argv[2], timed after the module loaded, so the figure is the same work with the code still cold,
 * as the server runs it between `initialized` and its last publish. Prints the milliseconds.
 */
const paths = readFileSync(process.argv[2]!, 'utf8').split('\n').filter(Boolean);
const start = performance.now();
let references = 0;
for (const file of paths) references += scanReferences(readFileSync(file, 'utf8')).length;
const elapsed = performance.now() - start;
if (references !== paths.length * 3) throw new Error(`cold scan found ${references} references`);
process.stdout.write(`${elapsed}\n`);
