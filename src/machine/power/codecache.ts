// The translated-code cache of one host thread: blocks of guest code compiled to JavaScript
// functions, shared by every processor this thread hosts (all of them in the deterministic
// mode, a worker's in the parallel mode) and by every address space they run. A block is
// keyed by its mode (64-bit, little-endian) and virtual address, and records the physical
// frames it was read from with their frame-code words (memory.ts): it is reused by any address
// space that maps the same frames at the same place (each exec of a program reuses libc's
// translations), and it is stale as soon as one of its frames is written, released or mapped
// elsewhere. Invalidation is per frame and machine-wide through the shared frame-code table;
// each worker compiles its own copies (functions cannot be shared between workers).
//
// Bounded: past MAX_BLOCKS, blocks not looked up since the previous sweep are dropped.

import type { PhysicalMemory } from "../memory.js";
import type { Handler } from "./decode.js";
import type { BlockFn } from "./block-codegen.js";

export interface Block {
  /** The block's function (block-codegen.ts). */
  readonly fn: BlockFn;
  /** Instructions of its first segment: the least budget the function may be entered with. */
  readonly firstSegment: number;
  /**
   * False for a block decoded but not translated yet (block-engine.ts DECODE_ENTRIES): `fn`
   * stops at once and its instructions run through `handlers`; `entries` counts its entries
   * until it is translated.
   */
  readonly translated: boolean;
  entries: number;
  readonly lo: number;
  readonly hi: number;
  /** Instructions in the block (the most it retires per pass). */
  readonly n: number;
  /** Address of each instruction, in execution order (a block may trace through branches). */
  readonly pcs: Int32Array;
  /** Each instruction's word and handler, in the same order: runs a prefix of the block. */
  readonly insns: Int32Array;
  readonly handlers: readonly Handler[];
  /** Virtual page numbers (lo word of VA >>> 12, with the block's hi word) and their frames. */
  readonly vpns: Int32Array;
  readonly frames: Int32Array;
  /** Frame-code words of `frames` when the block was compiled. */
  readonly words: Int32Array;
  /** Sweep number of the last lookup (eviction). */
  used: number;
}

const MAX_BLOCKS = 1 << 16;

/** One cache per physical-memory view, i.e. per host thread (machine-level, not guest state). */
const caches = new WeakMap<PhysicalMemory, CodeCache>();

export class CodeCache {
  /**
   * Blocks per mode (bit 0: 64-bit, bit 1: little-endian, bit 2: FP enabled-exception traps,
   * whose blocks run FP instructions through fpu/trap.ts's wrappers), keyed by hi * 2^32 + lo.
   */
  private readonly maps: Map<number, Block>[] = Array.from({ length: 8 }, () => new Map<number, Block>());
  private size = 0;
  private sweep = 0;
  /** Blocks compiled since creation, and dropped as stale (statistics). */
  compiled = 0;
  stale = 0;

  static of(mem: PhysicalMemory): CodeCache {
    let c = caches.get(mem);
    if (c === undefined) {
      c = new CodeCache(mem);
      caches.set(mem, c);
    }
    return c;
  }

  /** The write TLBs of the processors hosted here (a frame that becomes code leaves them all). */
  private readonly writers: { protectCodeFrame(frame: number): void }[] = [];

  private constructor(readonly mem: PhysicalMemory) {}

  register(w: { protectCodeFrame(frame: number): void }): void {
    this.writers.push(w);
  }

  /**
   * Mark `frame` as holding translated code; returns its frame-code word. The first time, every
   * processor of this thread drops its writable translation of the frame, so that each store to
   * it takes the slow path and invalidates. (Processors on other workers see a cross-modifying
   * store only through icbi, as the ISA requires of cross-modifying code.)
   */
  markCode(frame: number): number {
    if (!this.mem.isCode(frame)) for (const w of this.writers) w.protectCodeFrame(frame);
    return this.mem.markCode(frame);
  }

  /**
   * The block at (lo, hi) in `mode` if it is still valid: its frames unchanged and, through
   * `frameOf` (the current address space's execute translation of a virtual page, or -1),
   * still mapped where they were.
   */
  get(mode: number, key: number, frameOf: (vpn: number) => number): Block | undefined {
    const m = this.maps[mode];
    const b = m.get(key);
    if (b === undefined) return undefined;
    const cw = this.mem.codeWords;
    for (let i = 0; i < b.frames.length; i++) {
      if (cw[b.frames[i]] !== b.words[i]) {
        // The frame's contents changed: the block can never be valid again.
        m.delete(key);
        this.size--;
        this.stale++;
        return undefined;
      }
      // Mapped elsewhere in this address space: another space may still use the block.
      if (frameOf(b.vpns[i]) !== b.frames[i]) return undefined;
    }
    b.used = this.sweep;
    return b;
  }

  put(mode: number, key: number, b: Block): void {
    const m = this.maps[mode];
    if (!m.has(key)) this.size++;
    m.set(key, b);
    this.compiled++;
    if (this.size > MAX_BLOCKS) this.evict();
  }

  /** Drop every block not used since the last sweep; engines resynchronise through the epoch. */
  private evict(): void {
    const keep = this.sweep;
    for (const m of this.maps) {
      for (const [k, b] of m) {
        if (b.used < keep) {
          m.delete(k);
          this.size--;
        }
      }
    }
    this.sweep++;
    this.mem.bumpCodeEpoch();
  }

  /** Forget everything (code written behind the processors' backs, e.g. by a test). */
  clear(): void {
    for (const m of this.maps) m.clear();
    this.size = 0;
    this.mem.bumpCodeEpoch();
  }

  get blocks(): number {
    return this.size;
  }
}
