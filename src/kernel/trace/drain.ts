// The trace drain: the one reader of a TraceArea (K42's traced). Each drain() returns the
// complete events written since the previous one, cpu by cpu, each cpu's events in buffer order
// (= timestamp order), with 64-bit timestamps rebuilt from the heartbeats. It never returns a
// half-written event: it reads a sub-buffer only up to the point where the commit counter says
// every reserved word is written, copies the words, and checks afterwards that no writer
// lapped it meanwhile. Words it could not read (overwritten by a writer that lapped it) are
// reported as one Control/Lost event carrying the number of lost words.
//
// A writer stalled between its reservation and its commit holds back the rest of its sub-buffer
// (the commit counter says how many words are missing, not which); if it never commits, the
// words are reported lost once the writers lap the ring.
//
// Heartbeats and fillers are consumed here, never returned. The drain object (its read
// positions) belongs to one thread; create it right after the area's init().

import {
  HDR_LAYER_SHIFT, HDR_LEN_SHIFT, HDR_MAJOR_SHIFT, HDR_MINOR_MASK, LAYER_STR, SUB_WORDS,
  TraceArea,
} from "./area.js";
import { Control, Major, eventInfo, fieldName } from "./events.js";

export interface TraceEvent {
  cpu: number;
  /** Full timestamp: cycles (deterministic mode) or ns (parallel mode). */
  ts: number;
  major: number;
  minor: number;
  data: number[];
  str?: string;
  /** Writer layer (1..7); absent for the kernel (0). */
  layer?: number;
}

const TWO32 = 4294967296;

/** Per-cpu read state (per drain, not shared). */
interface CpuState {
  /** Absolute read position in words since init (not reduced modulo 2^32). */
  pos: number;
  /** Timestamp high 32 bits and the last low 32 bits seen. */
  hi: number;
  lastLow: number;
  /** Words lost and not yet reported. */
  lost: number;
}

export class TraceDrain {
  private readonly i32: Int32Array;
  private readonly W: number;
  private readonly state: CpuState[];
  private readonly scratch = new Int32Array(2 * SUB_WORDS);
  private readonly strWords = new Int32Array(2 * SUB_WORDS);
  private readonly strBytes = new Uint8Array(this.strWords.buffer);
  private readonly dec = new TextDecoder();

  constructor(readonly area: TraceArea) {
    this.i32 = area.i32;
    this.W = area.wordsPerCpu;
    this.state = [];
    for (let c = 0; c < area.cpus; c++) this.state.push({ pos: 0, hi: 0, lastLow: 0, lost: 0 });
  }

  /** All complete events written since the previous drain: cpu 0's in order, then cpu 1's, ... */
  drain(): TraceEvent[] {
    const out: TraceEvent[] = [];
    for (let cpu = 0; cpu < this.area.cpus; cpu++) this.drainCpu(cpu, out);
    return out;
  }

  private drainCpu(cpu: number, out: TraceEvent[]): void {
    const st = this.state[cpu];
    const a = this.area;
    const W = this.W;
    for (;;) {
      const pos = st.pos;
      const subStart = pos - (pos % SUB_WORDS);
      const subEnd = subStart + SUB_WORDS;
      const slot = Math.floor(subStart / SUB_WORDS) % a.subBuffers;
      // Commit counter first, then the index (see the proof in the header of inSubReady).
      const c = Atomics.load(this.i32, a.commitWord(cpu, slot));
      const r = pos + ((a.reserved(cpu) - (pos >>> 0)) >>> 0);
      if (r === pos) break;
      if (r - pos > W) {
        // Lapped: the oldest sub-buffer still intact starts at the boundary after r - W.
        this.skip(st, Math.ceil((r - W) / SUB_WORDS) * SUB_WORDS);
        continue;
      }
      if (r - subStart > W) {
        // The writers are already reserving this slot for the next lap: the rest is unreliable.
        this.skip(st, subEnd);
        continue;
      }
      const inSub = Math.min(r - subStart, SUB_WORDS);
      if (!inSubReady(c, subStart, W, inSub)) break; // a writer is still writing: next time
      const end = subStart + inSub;
      this.copy(cpu, pos, end);
      const r2 = pos + ((a.reserved(cpu) - (pos >>> 0)) >>> 0);
      if (r2 - pos > W) continue; // overwritten while copying: the next round skips it
      this.decode(cpu, st, pos, end, subEnd, out);
    }
    if (st.lost > 0) this.pushLost(cpu, st, st.hi * TWO32 + st.lastLow, out);
  }

  private skip(st: CpuState, to: number): void {
    st.lost += to - st.pos;
    st.pos = to;
  }

  /** Copy ring words [from, to) (within one sub-buffer) into the scratch buffer. */
  private copy(cpu: number, from: number, to: number): void {
    const base = this.area.ringWord(cpu) + 2 * (from % this.W);
    const n = 2 * (to - from);
    const s = this.scratch;
    const i32 = this.i32;
    for (let k = 0; k < n; k++) s[k] = i32[base + k];
  }

  /** Decode the scratch copy of words [from, end); advance st.pos. */
  private decode(cpu: number, st: CpuState, from: number, end: number, subEnd: number, out: TraceEvent[]): void {
    const s = this.scratch;
    let p = from;
    while (p < end) {
      const o = 2 * (p - from);
      const lo = s[o];
      const tsLow = s[o + 1] >>> 0;
      const len = lo >>> HDR_LEN_SHIFT;
      const layer = (lo >>> HDR_LAYER_SHIFT) & 15;
      const major = (lo >>> HDR_MAJOR_SHIFT) & 63;
      const minor = lo & HDR_MINOR_MASK;
      if (major === Major.Control && minor === Control.Filler) {
        if (end !== subEnd) st.lost += end - p; // a filler always runs to the boundary
        p = end;
        break;
      }
      if (len === 0 || p + len > end) {
        st.lost += end - p; // cannot happen for committed words; never hand out garbage
        p = end;
        break;
      }
      if (major === Major.Control && minor === Control.Heartbeat && len === 2) {
        const full = word(s, o + 2);
        st.hi = Math.floor(full / TWO32);
        st.lastLow = tsLow;
        p += len;
        continue;
      }
      if (tsLow < st.lastLow) st.hi++; // a wrap without heartbeat (only if writers disagree)
      st.lastLow = tsLow;
      const ts = st.hi * TWO32 + tsLow;
      const ev = this.event(cpu, ts, major, minor, layer, s, o, len);
      if (ev === undefined) st.lost += len;
      else {
        if (st.lost > 0) this.pushLost(cpu, st, ts, out);
        out.push(ev);
      }
      p += len;
    }
    st.pos = p;
  }

  private event(
    cpu: number, ts: number, major: number, minor: number, layer: number,
    s: Int32Array, o: number, len: number,
  ): TraceEvent | undefined {
    const ev: TraceEvent = { cpu, ts, major, minor, data: [] };
    if ((layer & LAYER_STR) !== 0) {
      if (len < 3) return undefined;
      ev.data.push(word(s, o + 2));
      const n = word(s, o + 4);
      if (n < 0 || n > (len - 3) * 8) return undefined;
      const words = (n + 7) >>> 3;
      for (let k = 0; k < 2 * words; k++) this.strWords[k] = s[o + 6 + k];
      ev.str = this.dec.decode(this.strBytes.subarray(0, n));
    } else {
      for (let w = 1; w < len; w++) ev.data.push(word(s, o + 2 * w));
    }
    const who = layer & 7;
    if (who !== 0) ev.layer = who;
    return ev;
  }

  private pushLost(cpu: number, st: CpuState, ts: number, out: TraceEvent[]): void {
    out.push({ cpu, ts, major: Major.Control, minor: Control.Lost, data: [st.lost] });
    st.lost = 0;
  }
}

/**
 * Are all words reserved in the sub-buffer starting at subStart (inSub of them, as the index
 * said) committed? commit counts words committed into the slot since init (mod 2^32), each
 * earlier lap contributing exactly SUB_WORDS. It was read before the index: every commit it
 * counts belongs to a reservation the index already covers, so equality means that no reserved
 * word is missing. (Less: a writer is between reservation and commit.)
 */
function inSubReady(commit: number, subStart: number, W: number, inSub: number): boolean {
  const lapBase = (Math.floor(subStart / W) * SUB_WORDS) % TWO32;
  return ((commit - lapBase) | 0) === inSub;
}

/** The 64-bit data word at i32 index o of s (low half first), as a JS number. */
function word(s: Int32Array, o: number): number {
  return s[o + 1] * TWO32 + (s[o] >>> 0);
}

/** One line of text for an event: "cpu 1 @12345 Sched.Dispatch thread=3 dispatcher=1". */
export function formatEvent(e: TraceEvent): string {
  const info = eventInfo(e.major, e.minor);
  const parts = [`cpu ${e.cpu} @${e.ts} ${info.fullName}`];
  e.data.forEach((v, i) => parts.push(`${fieldName(info, i)}=${v}`));
  if (e.str !== undefined) parts.push(JSON.stringify(e.str));
  if (e.layer !== undefined) parts.push(`layer=${e.layer}`);
  return parts.join(" ");
}
