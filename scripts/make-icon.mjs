// Draws the extension's 128×128 icon (images/icon.png) without any image tool: a dark rounded square, a
// "K" in mint, and an amber dot (the import "landing"). RGBA pixels, then a minimal PNG writer (zlib + CRC-32).
// Usage: node scripts/make-icon.mjs [out.png]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const out = resolve(process.argv[2] ?? new URL('../images/icon.png', import.meta.url).pathname);

const BG = [0x1b, 0x2a, 0x4a];
const K = [0x5e, 0xe6, 0xc4];
const DOT = [0xff, 0xcf, 0x40];

/** Coverage (0..1) of pixel (x, y) by a shape, with 4×4 supersampling for smooth edges. */
function coverage(x, y, inside) {
  let n = 0;
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (inside(x + (i + 0.5) / 4, y + (j + 0.5) / 4)) n++;
  return n / 16;
}

function inRoundedSquare(x, y, r = 22) {
  const cx = Math.min(Math.max(x, r), SIZE - r);
  const cy = Math.min(Math.max(y, r), SIZE - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Distance from p to segment ab. */
function segDist(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function inK(x, y) {
  const w = 8; // half stroke width
  return (
    segDist(x, y, 40, 30, 40, 98) <= w || // stem
    segDist(x, y, 44, 66, 86, 30) <= w || // upper arm
    segDist(x, y, 56, 58, 88, 98) <= w // leg
  );
}

function inDot(x, y) {
  return (x - 96) ** 2 + (y - 96) ** 2 <= 10 * 10;
}

const rows = [];
for (let y = 0; y < SIZE; y++) {
  const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0 (none), then RGBA
  for (let x = 0; x < SIZE; x++) {
    const a = coverage(x, y, (px, py) => inRoundedSquare(px, py));
    let rgb = BG;
    const k = coverage(x, y, inK);
    const d = coverage(x, y, inDot);
    const mix = (c1, c2, t) => c1.map((v, i) => Math.round(v * (1 - t) + c2[i] * t));
    rgb = mix(rgb, K, k);
    rgb = mix(rgb, DOT, d);
    row.set([...rgb, Math.round(a * 255)], 1 + x * 4);
  }
  rows.push(row);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes, ${SIZE}×${SIZE})`);
