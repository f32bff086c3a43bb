// Preloaded into the language server by heapTuning.test.ts (`node --import heapProbe.mjs dist/server.js`):
// whenever the server reads its memory (the index stats request), the V8 heap's space sizes are written to
// HEAP_PROBE_OUT, so the test sees the young generation of the real server. HEAP_PROBE_UNTUNED=1 makes the
// server's own V8 flag settings do nothing: the control, where the young generation is left to grow.
import { writeFileSync } from 'node:fs';
import v8 from 'node:v8';

// The default export is the CommonJS module object the server's bundle calls setFlagsFromString on.
if (process.env.HEAP_PROBE_UNTUNED === '1') v8.setFlagsFromString = () => undefined;

const memoryUsage = process.memoryUsage;
process.memoryUsage = Object.assign(() => {
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((space) => [space.space_name, space.space_size]));
  writeFileSync(process.env.HEAP_PROBE_OUT, JSON.stringify(spaces));
  return memoryUsage();
}, memoryUsage);
