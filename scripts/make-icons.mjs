// Draws the CORS Lens icon (a magnifying lens over two origin dots) at 16/32/48/128 px as PNG files in assets/.
// Kept as a script so the icon can be regenerated at any size without an image editor.
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

function drawIcon(size) {
  const rgba = Buffer.alloc(size * size * 4);
  const s = size / 128;
  const lensX = 54 * s, lensY = 54 * s, outer = 40 * s, inner = 29 * s;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const px = x + 0.5, py = y + 0.5;
      const d = Math.hypot(px - lensX, py - lensY);
      // handle: a thick segment from the lens rim towards the bottom-right corner
      const t = Math.max(0, Math.min(1, ((px - 82 * s) + (py - 82 * s)) / (2 * 38 * s)));
      const hx = 82 * s + t * 38 * s, hy = 82 * s + t * 38 * s;
      const onHandle = Math.hypot(px - hx, py - hy) < 11 * s;
      const dotA = Math.hypot(px - 42 * s, py - 54 * s) < 8 * s;
      const dotB = Math.hypot(px - 66 * s, py - 54 * s) < 8 * s;
      let color = null;
      if (d >= inner && d <= outer) color = [26, 115, 232, 255];
      else if (onHandle && d > outer - 2 * s) color = [32, 33, 36, 255];
      else if (dotA) color = [52, 168, 83, 255];
      else if (dotB) color = [234, 67, 53, 255];
      else if (d < inner) color = [232, 240, 254, 255];
      if (color) color.forEach((v, i) => { rgba[(y * size + x) * 4 + i] = v; });
    }
  }
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0); header.writeUInt32BE(size, 4);
  header[8] = 8; header[9] = 6; // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync('assets', { recursive: true });
for (const size of [16, 32, 48, 128]) writeFileSync(`assets/icon-${size}.png`, drawIcon(size));
