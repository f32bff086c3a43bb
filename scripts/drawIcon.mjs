// `node scripts/drawIcon.mjs`: draws media/icon.png, the extension's 256×256 icon, from the shapes below: a
// padlock whose body holds `{ }` (a secret referenced, never shown) on a dark rounded square. Committed as a PNG
// because the Marketplace takes no SVG icon; run again after changing a shape. Each pixel is 4×4 samples, so the
// edges are smooth without a drawing library.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 256;
const SAMPLES = 4;
const BACKGROUND = [14, 59, 67];
const LOCK = [242, 193, 78];
const MARK = [14, 59, 67];

/** Signed-distance-free shape tests in icon coordinates (0..256). */
const roundedRect = (x0, y0, x1, y1, r) => (x, y) => {
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return x >= x0 && x <= x1 && y >= y0 && y <= y1 && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const ring = (cx, cy, outer, inner) => (x, y) => {
  const d = (x - cx) ** 2 + (y - cy) ** 2;
  return d <= outer * outer && d >= inner * inner;
};

const tile = roundedRect(0, 0, SIZE, SIZE, 48);
const body = roundedRect(56, 112, 200, 220, 18);
const shackleArc = (x, y) => y <= 112 && ring(128, 104, 52, 32)(x, y);
const shackleLegs = (x, y) => y >= 100 && y <= 116 && ((x >= 76 && x <= 96) || (x >= 160 && x <= 180));
/** `{ }` in the body: two braces, each a stack of strokes. */
const brace = (left) => (x, y) => {
  const mx = left ? 104 : 152;
  const dir = left ? -1 : 1;
  const stem = Math.abs(x - mx) <= 5 && y >= 133 && y <= 201;
  const tip = Math.abs(y - 167) <= 5 && x * dir >= mx * dir && x * dir <= (mx + 12 * dir) * dir;
  const ends =
    (Math.abs(y - 138) <= 5 || Math.abs(y - 196) <= 5) && x * dir <= mx * dir && x * dir >= (mx - 12 * dir) * dir;
  return stem || tip || ends;
};
const braces = (x, y) => brace(true)(x, y) || brace(false)(x, y);

function colourAt(x, y) {
  if (!tile(x, y)) return null;
  if (braces(x, y)) return MARK;
  if (body(x, y) || shackleArc(x, y) || shackleLegs(x, y)) return LOCK;
  return BACKGROUND;
}

const rows = [];
for (let py = 0; py < SIZE; py++) {
  const row = Buffer.alloc(1 + SIZE * 4);
  for (let px = 0; px < SIZE; px++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let a = 0;
    for (let sy = 0; sy < SAMPLES; sy++)
      for (let sx = 0; sx < SAMPLES; sx++) {
        const colour = colourAt(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
        if (!colour) continue;
        r += colour[0];
        g += colour[1];
        b += colour[2];
        a += 1;
      }
    const at = 1 + px * 4;
    if (a > 0) row.set([Math.round(r / a), Math.round(g / a), Math.round(b / a)], at);
    row[at + 3] = Math.round((255 * a) / (SAMPLES * SAMPLES));
  }
  rows.push(row);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, deflate, no filter method, no interlace
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'media', 'icon.png');
writeFileSync(out, png);
console.log(`${path.relative(process.cwd(), out)} (${SIZE}×${SIZE}, ${png.length} bytes)`);
