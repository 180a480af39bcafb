// The trace writer: logs events into one processor's ring of a TraceArea (K42 §7b,
// traceReserve). Lock-free: space is reserved with a compare-exchange loop on the ring's
// reserve index, so several writers (the processor's kernel, or several workers in a test) may
// share one ring; the words are then written with plain stores and published by adding their
// count to the sub-buffer's commit counter (see area.ts for the layout).
//
// Per reservation, inside the loop (so that buffer order is timestamp order):
//   1. read the index and the clock;
//   2. if the time's high 32 bits differ from this writer's last event, or the event would open
//      a sub-buffer, reserve a Control/Heartbeat (full 64-bit time) in front of the event;
//   3. if heartbeat + event do not fit in the current sub-buffer, reserve the rest of it too
//      (it becomes a Control/Filler) and put heartbeat + event at the start of the next one;
//   4. compare-exchange the index; on failure start again.
// A writer object is per processor (or per worker): its fields are not shared.
//
// Disabled cost: one mask test. No allocation per event (str() encodes into a scratch buffer).

import {
  HDR_LEN_SHIFT, LAYER_STR, MAX_EVENT_WORDS, SUB_SHIFT, SUB_WORDS, TraceArea, headerLow,
} from "./area.js";
import { Control, Major } from "./events.js";

const TWO32 = 4294967296;
const SUB_MASK = SUB_WORDS - 1;
/** Largest string payload in bytes: the event is header + word + length + bytes. */
export const MAX_STR_BYTES = (MAX_EVENT_WORDS - 3) * 8;

const HEARTBEAT_LOW = headerLow(2, 0, Major.Control, Control.Heartbeat);

export class TraceWriter {
  private readonly i32: Int32Array;
  private readonly maskWord: number;
  private readonly indexWord: number;
  private readonly commitBase: number;
  private readonly ringBase: number;
  private readonly wordMask: number;
  private readonly slotMask: number;
  private readonly layer: number;
  private readonly now: () => number;
  /** High 32 bits of this writer's last timestamp (-1: none yet). Per writer. */
  private lastHi = -1;
  /** Set by reserve(): commit counter and word count to publish in commit(). */
  private pendCommit = 0;
  private pendWords = 0;
  /** Compare-exchange failures so far (contention on the ring). */
  casRetries = 0;
  private readonly strBytes = new Uint8Array(MAX_STR_BYTES);
  private readonly strWords = new Int32Array(this.strBytes.buffer);

  /**
   * @param now the clock: virtual cycles (deterministic mode) or ns (parallel mode); a
   *   non-negative integer below 2^53 (fractions are dropped), non-decreasing across all
   *   writers of one ring. Data words must be safe integers (-0 is stored as 0).
   * @param layer who writes (0..7, 0 = kernel), recorded in every header.
   */
  constructor(area: TraceArea, readonly cpu: number, now: () => number, layer = 0) {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= area.cpus) throw new RangeError(`trace: bad cpu ${cpu}`);
    if (!Number.isInteger(layer) || layer < 0 || layer > 7) throw new RangeError(`trace: bad layer ${layer}`);
    this.i32 = area.i32;
    this.maskWord = area.maskWord;
    this.indexWord = area.indexWord(cpu);
    this.commitBase = area.commitWord(cpu, 0);
    this.ringBase = area.ringWord(cpu);
    this.wordMask = area.wordsPerCpu - 1;
    this.slotMask = area.subBuffers - 1;
    this.layer = layer;
    this.now = now;
  }

  /** Is major class `major` enabled? */
  on(major: number): boolean {
    return (this.i32[this.maskWord + (major >>> 5)] & (1 << (major & 31))) !== 0 && major < 64;
  }

  ev0(major: number, minor: number): void {
    if (!this.on(major)) return;
    this.reserve(1, major, minor, this.layer);
    this.commit();
  }

  ev1(major: number, minor: number, a: number): void {
    if (!this.on(major)) return;
    const o = this.reserve(2, major, minor, this.layer);
    this.put(o + 2, a);
    this.commit();
  }

  ev2(major: number, minor: number, a: number, b: number): void {
    if (!this.on(major)) return;
    const o = this.reserve(3, major, minor, this.layer);
    this.put(o + 2, a);
    this.put(o + 4, b);
    this.commit();
  }

  ev3(major: number, minor: number, a: number, b: number, c: number): void {
    if (!this.on(major)) return;
    const o = this.reserve(4, major, minor, this.layer);
    this.put(o + 2, a);
    this.put(o + 4, b);
    this.put(o + 6, c);
    this.commit();
  }

  ev4(major: number, minor: number, a: number, b: number, c: number, d: number): void {
    if (!this.on(major)) return;
    const o = this.reserve(5, major, minor, this.layer);
    this.put(o + 2, a);
    this.put(o + 4, b);
    this.put(o + 6, c);
    this.put(o + 8, d);
    this.commit();
  }

  /** One data word and a string (UTF-8, cut at a character boundary to MAX_STR_BYTES bytes). */
  str(major: number, minor: number, a: number, s: string): void {
    if (!this.on(major)) return;
    const n = utf8Into(s, this.strBytes);
    const words = (n + 7) >>> 3;
    this.strBytes.fill(0, n, words * 8);
    const o = this.reserve(3 + words, major, minor, this.layer | LAYER_STR);
    this.put(o + 2, a);
    this.put(o + 4, n);
    const i32 = this.i32;
    const src = this.strWords;
    for (let k = 0; k < words * 2; k++) i32[o + 6 + k] = src[k]; // events never wrap: contiguous
    this.commit();
  }

  /** Store a safe integer as a 64-bit two's-complement word at i32 index o (low half first). */
  private put(o: number, x: number): void {
    this.i32[o] = x; // ToInt32: the low 32 bits
    this.i32[o + 1] = Math.floor(x / TWO32);
  }

  /**
   * Reserve `len` words (header included), write the header (and heartbeat / filler), and
   * return the i32 index of the event's header. Data words follow contiguously: an event
   * never crosses a sub-buffer boundary, so it never wraps around the ring either.
   */
  private reserve(len: number, major: number, minor: number, layer: number): number {
    const i32 = this.i32;
    for (;;) {
      const old = Atomics.load(i32, this.indexWord);
      const t = this.now();
      const hi = Math.floor(t / TWO32);
      const pos = old & SUB_MASK;
      let start = old;
      let hb = hi !== this.lastHi || pos === 0;
      let need = hb ? len + 2 : len;
      if (pos + need > SUB_WORDS) {
        start = (old - pos + SUB_WORDS) | 0;
        hb = true;
        need = len + 2;
      }
      if (Atomics.compareExchange(i32, this.indexWord, old, (start + need) | 0) !== old) {
        this.casRetries++;
        continue;
      }
      this.lastHi = hi;
      if (start !== old) this.fill(old, SUB_WORDS - pos, t);
      let at = this.ringBase + ((start & this.wordMask) << 1);
      if (hb) {
        i32[at] = HEARTBEAT_LOW;
        i32[at + 1] = t;
        this.put(at + 2, t);
        at += 4;
      }
      i32[at] = headerLow(len, layer, major, minor);
      i32[at + 1] = t;
      this.pendCommit = this.commitBase + ((start >>> SUB_SHIFT) & this.slotMask);
      this.pendWords = need;
      return at;
    }
  }

  /** Write a Control/Filler over the `words` reserved words at ring index `from` and commit them. */
  private fill(from: number, words: number, t: number): void {
    const at = this.ringBase + ((from & this.wordMask) << 1);
    const shown = words > MAX_EVENT_WORDS ? MAX_EVENT_WORDS : words;
    this.i32[at] = (shown << HDR_LEN_SHIFT) | headerLow(0, 0, Major.Control, Control.Filler);
    this.i32[at + 1] = t;
    Atomics.add(this.i32, this.commitBase + ((from >>> SUB_SHIFT) & this.slotMask), words);
  }

  /** Publish the words of the last reservation (heartbeat included). */
  private commit(): void {
    Atomics.add(this.i32, this.pendCommit, this.pendWords);
  }
}

/**
 * Encode s as UTF-8 into out, stopping before the first character that does not fit; returns
 * the byte count. A lone surrogate becomes U+FFFD, as TextEncoder does. No allocation.
 */
function utf8Into(s: string, out: Uint8Array): number {
  const cap = out.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else c = 0xfffd;
    }
    if (c < 0x80) {
      if (n + 1 > cap) break;
      out[n++] = c;
    } else if (c < 0x800) {
      if (n + 2 > cap) break;
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 63);
    } else if (c < 0x10000) {
      if (n + 3 > cap) break;
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    } else {
      if (n + 4 > cap) break;
      out[n++] = 0xf0 | (c >> 18);
      out[n++] = 0x80 | ((c >> 12) & 63);
      out[n++] = 0x80 | ((c >> 6) & 63);
      out[n++] = 0x80 | (c & 63);
    }
  }
  return n;
}
