// The region table of an address space: records (start, end, region id) sorted by start, in
// frames of shared memory reached through a directory frame. Writers (mmap, munmap, mprotect…)
// hold the Process's lock and bracket their change with the sequence word (odd while a change
// is under way); readers — the fault path on any processor — take no lock: they read the
// sequence, search, and retry if the sequence moved (a seqlock; K42's lock-free region lookup).

import { PAGE_SIZE } from "../../machine/memory.js";
import type { SharedWords } from "../shared.js";
import { TWO32 } from "./va.js";

export interface TableRecord {
  start: number;
  end: number;
  id: number;
}

/** Words per record: startLo, startHi, endLo, endHi, id, 3 spare (32 bytes). */
const REC_WORDS = 8;
const PER_FRAME = PAGE_SIZE / (REC_WORDS * 4);
const DIR_SLOTS = PAGE_SIZE / 4;
/** At most this many regions per address space (Linux's default vm.max_map_count is 65530). */
export const MAX_REGIONS = PER_FRAME * DIR_SLOTS;

export class RegionTable {
  constructor(
    private readonly i32: Int32Array,
    /** The owning Process's block: words `seq`, `dir`, `count`. */
    private readonly w: SharedWords,
    private readonly words: { seq: number; dir: number; count: number },
  ) {}

  private recBase(dir: number, i: number): number {
    const frame = this.i32[(dir >> 2) + Math.floor(i / PER_FRAME)];
    return (frame >> 2) + (i % PER_FRAME) * REC_WORDS;
  }

  private read(dir: number, i: number): TableRecord {
    const b = this.recBase(dir, i), m = this.i32;
    return { start: (m[b + 1] >>> 0) * TWO32 + (m[b] >>> 0), end: (m[b + 3] >>> 0) * TWO32 + (m[b + 2] >>> 0), id: m[b + 4] };
  }

  /** The id of the region containing `va`, 0 if none (lock-free). */
  lookup(va: number): number {
    for (;;) {
      const s = this.w.load(this.words.seq);
      if ((s & 1) !== 0) continue; // a writer on another processor is mid-change
      const dir = this.w.load(this.words.dir), n = this.w.load(this.words.count);
      let lo = 0, hi = n - 1, found = 0;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const r = this.read(dir, mid);
        if (va < r.start) hi = mid - 1;
        else if (va >= r.end) lo = mid + 1;
        else {
          found = r.id;
          break;
        }
      }
      if (this.w.load(this.words.seq) === s) return found;
    }
  }

  /** Every record, in address order (lock-free snapshot). */
  all(): TableRecord[] {
    for (;;) {
      const s = this.w.load(this.words.seq);
      if ((s & 1) !== 0) continue;
      const dir = this.w.load(this.words.dir), n = this.w.load(this.words.count);
      const out: TableRecord[] = [];
      for (let i = 0; i < n; i++) out.push(this.read(dir, i));
      if (this.w.load(this.words.seq) === s) return out;
    }
  }

  /**
   * Replace the table with `recs` (sorted, non-overlapping). Caller holds the Process lock;
   * `frame()` supplies zeroed frames for the directory and records as the table grows.
   */
  write(recs: readonly TableRecord[], frame: () => number): void {
    if (recs.length > MAX_REGIONS) throw new RangeError(`more than ${MAX_REGIONS} regions`);
    let dir = this.w.load(this.words.dir);
    if (dir === 0) {
      dir = frame();
      this.w.store(this.words.dir, dir);
    }
    const m = this.i32;
    for (let f = 0; f * PER_FRAME < recs.length; f++) if (m[(dir >> 2) + f] === 0) m[(dir >> 2) + f] = frame();
    this.w.add(this.words.seq, 1);
    recs.forEach((r, i) => {
      const b = this.recBase(dir, i);
      m[b] = r.start % TWO32 | 0;
      m[b + 1] = Math.floor(r.start / TWO32) | 0;
      m[b + 2] = r.end % TWO32 | 0;
      m[b + 3] = Math.floor(r.end / TWO32) | 0;
      m[b + 4] = r.id;
    });
    this.w.store(this.words.count, recs.length);
    this.w.add(this.words.seq, 1);
  }

  /** The table's frames (directory last), to free with the address space. */
  frames(): number[] {
    const dir = this.w.load(this.words.dir);
    if (dir === 0) return [];
    const out: number[] = [];
    for (let f = 0; f < DIR_SLOTS; f++) {
      const fr = this.i32[(dir >> 2) + f];
      if (fr !== 0) out.push(fr);
    }
    out.push(dir);
    return out;
  }
}
