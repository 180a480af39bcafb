// Text formats Linux's pseudo files share: bitmaps as hex masks and as lists (printk's %*pb and
// %*pbl), "kB" lines of meminfo and status, clock ticks, device numbers, and the escaping of
// paths in mount tables. Pure functions.

/** USER_HZ: /proc counts CPU time in ticks of 1/100 s. */
export const USER_HZ = 100;

/** Nanoseconds → clock ticks (nsec_to_clock_t). */
export function ticks(ns: number): number {
  return Math.floor(ns / (1e9 / USER_HZ));
}

/** Hundredths of a second as "S.CC" (uptime, loadavg). */
export function centis(x: number): string {
  const c = Math.max(0, Math.floor(x * 100));
  return `${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`;
}

/**
 * A bitmap of `nbits` bits as Linux prints it with %*pb: 32-bit chunks in hex, most significant
 * first, separated by commas; the first chunk has only the digits its bits need, the others 8.
 */
export function bitmapMask(set: Iterable<number>, nbits: number): string {
  const chunks = Math.max(1, Math.ceil(nbits / 32));
  const words = new Array<number>(chunks).fill(0);
  for (const b of set) if (b >= 0 && b < nbits) words[b >>> 5] = (words[b >>> 5] | (1 << (b & 31))) >>> 0;
  const out: string[] = [];
  for (let i = chunks - 1; i >= 0; i--) {
    const bits = i === chunks - 1 ? nbits - 32 * i : 32;
    out.push(words[i].toString(16).padStart(Math.ceil(bits / 4), "0"));
  }
  return out.join(",");
}

/** A set of bits as a range list (%*pbl): "0-3,5,7-8"; "" when empty. */
export function bitmapList(set: Iterable<number>): string {
  const v = [...new Set(set)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < v.length; ) {
    let j = i;
    while (j + 1 < v.length && v[j + 1] === v[j] + 1) j++;
    out.push(j === i ? `${v[i]}` : `${v[i]}-${v[j]}`);
    i = j + 1;
  }
  return out.join(",");
}

/** "MemTotal:        1048576 kB": the label padded to 16 columns, the value to 8 (meminfo's show_val_kb). */
export function kbLine(label: string, kb: number): string {
  return `${`${label}:`.padEnd(16)}${String(Math.floor(kb)).padStart(8)} kB\n`;
}

/** Device number (Linux's new_encode_dev) → [major, minor]. */
export function majorMinor(dev: number): [number, number] {
  const d = dev >>> 0;
  return [(d >>> 8) & 0xfff, (d & 0xff) | ((d >>> 12) & 0xfff00)];
}

/** A path as mount tables print it: space, tab, newline and backslash as octal escapes (mangle). */
export function mangle(path: string): string {
  return path.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`);
}

/** A 64-bit signal set given as hex → its low 31 bits (what /proc/PID/stat still prints). */
export function sigLow31(hex: string): number {
  const low = parseInt(hex.slice(-8), 16);
  return Number.isNaN(low) ? 0 : low & 0x7fffffff;
}

const encoder = new TextEncoder();

export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}
