// A tiny PNG chart writer (node:zlib only): one or more panels of line series on shared x positions, with a
// 3×5 pixel font for the numbers on the axes and short labels. Enough for the harnesses' figures; nothing more.
import { deflateSync } from "node:zlib";
import { writeFileSync } from "node:fs";

const GLYPHS = {
  0: "111101101101111", 1: "010110010010111", 2: "111001111100111", 3: "111001111001111", 4: "101101111001001",
  5: "111100111001111", 6: "111100111101111", 7: "111001010010010", 8: "111101111101111", 9: "111101111001111",
  ".": "000000000000010", "-": "000000111000000", "/": "001001010100100", "%": "101001010100101", " ": "000000000000000",
  a: "000011101101011", b: "100100111101111", c: "000111100100111", d: "001001111101111", e: "000111111100111",
  f: "011100110100100", g: "000111101011110", h: "100100111101101", i: "010000010010010", k: "100101110101101",
  l: "110010010010111", m: "000101111101101", n: "000110101101101", o: "000111101101111", p: "000111101111100",
  q: "000111101111001", r: "000111100100100", s: "000111110011111", t: "010111010010011", u: "000101101101111",
  v: "000101101101010", w: "000101101111101", x: "000101010101101", y: "000101111001110", z: "000111010100111",
  "(": "010100100100010", ")": "010001001001010", ":": "000010000010000", "=": "000111000111000", "+": "000010111010000",
};

const PALETTE = [[31, 119, 180], [214, 39, 40], [44, 160, 44], [255, 127, 14], [148, 103, 189], [23, 190, 207]];

class Canvas {
  constructor(w, h) {
    this.w = w;
    this.h = h;
    this.px = Buffer.alloc(w * h * 3, 255);
  }

  set(x, y, [r, g, b]) {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.w || y >= this.h) return;
    const i = (y * this.w + x) * 3;
    this.px[i] = r;
    this.px[i + 1] = g;
    this.px[i + 2] = b;
  }

  rect(x, y, w, h, c) {
    for (let j = 0; j < h; j += 1) for (let i = 0; i < w; i += 1) this.set(x + i, y + j, c);
  }

  line(x0, y0, x1, y1, c, thick = 1) {
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    for (let s = 0; s <= steps; s += 1) {
      const x = x0 + ((x1 - x0) * s) / steps;
      const y = y0 + ((y1 - y0) * s) / steps;
      this.rect(x - (thick >> 1), y - (thick >> 1), thick, thick, c);
    }
  }

  text(x, y, str, c = [0, 0, 0], scale = 2) {
    let cx = x;
    for (const ch of String(str).toLowerCase()) {
      const g = GLYPHS[ch] ?? GLYPHS[" "];
      for (let j = 0; j < 5; j += 1) for (let i = 0; i < 3; i += 1) {
        if (g[j * 3 + i] === "1") this.rect(cx + i * scale, y + j * scale, scale, scale, c);
      }
      cx += 4 * scale;
    }
    return cx;
  }

  png() {
    const raw = Buffer.alloc((this.w * 3 + 1) * this.h);
    for (let y = 0; y < this.h; y += 1) {
      raw[y * (this.w * 3 + 1)] = 0;
      this.px.copy(raw, y * (this.w * 3 + 1) + 1, y * this.w * 3, (y + 1) * this.w * 3);
    }
    const chunk = (type, data) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(td));
      return Buffer.concat([len, td, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(this.w, 0);
    ihdr.writeUInt32BE(this.h, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0)),
    ]);
  }
}

let CRC_TABLE;
function crc32(buf) {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n += 1) {
      let c = n;
      for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/**
 * panels: [{title, xLabels: [string], series: [{name, values: [number|null]}]}]; writes one PNG with the panels
 * side by side, each with its own y scale starting at 0, a legend under its title.
 */
export function writeChart(path, panels) {
  const pw = 420;
  const ph = 300;
  const canvas = new Canvas(pw * panels.length, ph);
  panels.forEach((panel, k) => {
    const ox = k * pw;
    const left = ox + 60;
    const right = ox + pw - 15;
    const top = 70;
    const bottom = ph - 35;
    canvas.text(ox + 10, 8, panel.title, [0, 0, 0], 2);
    let lx = ox + 10;
    panel.series.forEach((s, i) => {
      const c = PALETTE[i % PALETTE.length];
      canvas.rect(lx, 32, 12, 10, c);
      lx = canvas.text(lx + 16, 32, s.name, [0, 0, 0], 2) + 12;
      if (lx > ox + pw - 80) lx = ox + 10;
    });
    const all = panel.series.flatMap((s) => s.values.filter((v) => v !== null && Number.isFinite(v)));
    const max = niceMax(Math.max(0, ...all));
    canvas.line(left, top, left, bottom, [0, 0, 0]);
    canvas.line(left, bottom, right, bottom, [0, 0, 0]);
    for (let t = 0; t <= 4; t += 1) {
      const y = bottom - ((bottom - top) * t) / 4;
      canvas.line(left - 4, y, right, y, t === 0 ? [0, 0, 0] : [225, 225, 225]);
      const label = +((max * t) / 4).toPrecision(3);
      canvas.text(ox + 4, y - 5, String(label), [0, 0, 0], 2);
    }
    const n = panel.xLabels.length;
    const xAt = (i) => (n === 1 ? (left + right) / 2 : left + 10 + ((right - left - 20) * i) / (n - 1));
    panel.xLabels.forEach((l, i) => canvas.text(xAt(i) - String(l).length * 4, bottom + 8, l, [0, 0, 0], 2));
    panel.series.forEach((s, si) => {
      const c = PALETTE[si % PALETTE.length];
      let prev = null;
      s.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) {
          prev = null;
          return;
        }
        const p = [xAt(i), bottom - ((bottom - top) * Math.min(v, max)) / max];
        canvas.rect(p[0] - 3, p[1] - 3, 7, 7, c);
        if (prev) canvas.line(prev[0], prev[1], p[0], p[1], c, 2);
        prev = p;
      });
    });
  });
  writeFileSync(path, canvas.png());
}
