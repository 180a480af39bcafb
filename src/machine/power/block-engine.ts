// The block engine: guest code is cut into blocks (straight-line runs ending at a branch,
// a system call, a trap or a page end), and each block becomes one JavaScript function that
// calls the instruction handlers with their word and address as constants. Every call site in
// a block function calls exactly one handler, so V8 inlines the handlers and folds the operand
// decoding away: this is the interpreter's dispatch with its switch and decode done once per
// block instead of once per instruction. Three steps by a block's entries: cold code is
// interpreted (fetch, decode, handler); from the second entry the block is kept decoded and its
// handlers run from the list (runPart); from the 20,000th it is a JavaScript function.
//
// The engine belongs to a processor: its TLBs (in the Cpu) and a direct-mapped table of the
// blocks it ran recently. The blocks themselves live in the host thread's CodeCache, shared by
// the processors it hosts and keyed by mode, virtual address and physical frames. A store to a
// frame holding code (the write TLB never caches one), icbi, or the frame's release invalidates
// its blocks machine-wide through the frame-code table; every processor notices at its next
// block dispatch because the machine's code epoch changed, and so does an address-space switch
// or a TLB shootdown (they flush the direct-mapped table).
//
// Slices end exactly at their budget (engine.ts), at almost no cost in the blocks: a block is
// entered only if the budget covers its first segment, and it stops before any later segment
// the budget does not cover (block-codegen.ts); the dispatcher then runs the rest of that
// segment through the instructions' handlers, which the block keeps with its words (runPart),
// and the next run finishes the block's pass the same way before it dispatches again. So a
// slice end costs a few handler calls, never a compilation (a slice end inside a block does
// not make the rest of the block a new entry point).

import { setFlagsFromString } from "node:v8";
import { type Cpu, Exit } from "./cpu.js";
import { type Decoder, type OpDef, OpFlag } from "./decode.js";
import { decoder, type EngineKind, type ExecutionEngine } from "./engine.js";
import { GuestFault, Access } from "./mmu.js";
import { type BlockFn, BranchKind, blockFunction, branchKind, staticTarget } from "./block-codegen.js";
import { CodeCache, type Block } from "./codecache.js";
import { S } from "./state.js";
import { faulted, illegal, stepInstruction } from "./step-engine.js";
import { FpEnabledTrap, MODE_FE, mayTrap, trapping } from "./fpu/trap.js";

// A block function calls a few dozen handlers; V8's default budget for inlining into one
// function (920 bytes of bytecode) would inline only the first few and leave the rest as
// calls. Raising it lets TurboFan inline every handler of a block (measured: ~3x faster on a
// load/store/add loop). The flag is process-wide and only affects optimisation decisions.
setFlagsFromString("--max-inlined-bytecode-size-cumulative=16000");

const MAX_BLOCK = 128;
const CACHE_BITS = 12;
const CACHE_MASK = (1 << CACHE_BITS) - 1;

/**
 * A block is translated on its this-many-th entry; before, it is interpreted (lookup). A
 * translation costs ~2 ms of host time (building the source, and V8 parsing and compiling it at
 * the first call) — as much as interpreting ~15,000 instructions — so only code that runs very
 * often pays it back. Measured (`k42 run --engine block`): at 500, `python3 -c pass` 5.6 s and a
 * 3,000-round bash loop 8.5 s; at 20,000, 2.5 s and 4.8 s, and the CPU benchmark no slower.
 */
const HOT_ENTRIES = 20_000;
/**
 * Before that, on its this-many-th entry a block is decoded once and kept (codecache.ts, not
 * translated): its later entries run the decoded instructions' handlers (runPart) instead of
 * fetching and decoding each instruction again (interpretCold), which was most of the
 * interpreter's cost. Code that runs once is only interpreted.
 */
const DECODE_ENTRIES = 2;

/** The function of a decoded block not translated yet (never called: dispatch checks `translated`). */
const decodedOnly: BlockFn = () => 0;
/** Cold block starts counted at most (then the counts start again). */
const MAX_COLD = 1 << 20;

export class BlockEngine implements ExecutionEngine {
  readonly kind: EngineKind = "block";
  private readonly c: Cpu;
  private readonly dec: Decoder;
  private readonly tagLo = new Int32Array(1 << CACHE_BITS);
  private readonly tagHi = new Int32Array(1 << CACHE_BITS);
  private readonly tagMode = new Int8Array(1 << CACHE_BITS);
  private readonly slots: (Block | undefined)[] = new Array<Block | undefined>(1 << CACHE_BITS).fill(undefined);
  readonly cache: CodeCache;
  private readonly codeWords: Int32Array;
  /** The machine's code epoch when the direct-mapped table was last known valid. */
  private epoch: number;
  /** Blocks this processor compiled (statistics). */
  compiled = 0;
  /** The block the last run stopped inside (at instruction restAt, in mode restMode), if any. */
  private rest: Block | undefined;
  private restAt = 0;
  /** Entries so far of block starts not yet translated (lookup). */
  private readonly entries = new Map<number, number>();
  /** A block is translated on this entry (HOT_ENTRIES; tests of translated code use 1). */
  hotEntries = HOT_ENTRIES;
  private restMode = 0;

  constructor(c: Cpu) {
    this.c = c;
    this.dec = decoder();
    this.cache = CodeCache.of(c.mem);
    this.codeWords = c.mem.codeWords;
    this.epoch = this.codeWords[0];
  }

  /** Forget every translation on this host thread (code was written behind the processor's back). */
  flush(): void {
    this.cache.clear();
    this.flushSlots();
  }

  /** Forget this processor's recently-run table (address-space switch, TLB shootdown). */
  flushSlots(): void {
    this.slots.fill(undefined);
    this.rest = undefined;
    this.epoch = this.codeWords[0];
  }

  isCode(frame: number): boolean {
    return this.c.mem.isCode(frame);
  }

  codeWritten(frame: number): void {
    if (!this.c.mem.isCode(frame)) return;
    // A block looping on itself must not go round again with stale code.
    this.c.limit = -1;
    this.c.mem.invalidateCode(frame);
  }

  /** Physical address of an instruction to trace into, or -1 if it cannot be fetched. */
  private translateCode(lo: number, hi: number): number {
    try {
      return this.c.translate(lo, hi, Access.Exec);
    } catch (e) {
      if (e instanceof GuestFault) return -1;
      throw e;
    }
  }

  /**
   * Run blocks until an exit or until icount reaches `limit`, exactly: a block whose whole pass
   * the budget does not cover runs only the budget's part of it (runPart), and the next run
   * finishes that pass the same way before it dispatches again.
   */
  run(limit: number): void {
    const c = this.c;
    this.resume(limit);
    if (c.exit !== Exit.None) return;
    while (c.icount < limit) {
      this.dispatch(limit);
      if (c.exit !== Exit.None) return;
    }
  }

  /**
   * Finish the block pass the last run stopped inside (runPart), if the PC is still there: the
   * first thing of a run. The WebAssembly engine (wasm/wasm-engine.ts) calls it too.
   */
  resume(limit: number): void {
    const c = this.c;
    const r = c.r;
    if (this.codeWords[0] !== this.epoch) this.flushSlots();
    const rest = this.rest;
    if (rest !== undefined && c.icount < limit) {
      this.rest = undefined;
      // Still where the last run stopped, in the same mode (a thread switch, a signal or a
      // mode change moved the PC otherwise; an address-space switch or a code change flushed).
      const k = this.restAt;
      if (r[S.PC] === rest.pcs[k] && r[S.PC + 1] === rest.hi && c.modeBits === this.restMode) this.runPart(rest, k, limit);
    }
  }

  /**
   * One dispatch at the PC (icount < limit): a translated block's pass (the budget's part of
   * it), or cold code interpreted up to its first branch, or a fault recorded.
   */
  dispatch(limit: number): void {
    const c = this.c;
    const r = c.r;
    if (this.codeWords[0] !== this.epoch) this.flushSlots();
    const lo = r[S.PC];
    const hi = r[S.PC + 1];
    const i = (lo >>> 2) & CACHE_MASK;
    let b = this.slots[i];
    if (b === undefined || this.tagLo[i] !== lo || this.tagHi[i] !== hi || this.tagMode[i] !== c.modeBits) {
      try {
        b = this.lookup(lo, hi);
      } catch (e) {
        if (e instanceof GuestFault) {
          faulted(c, e, lo, hi);
          return;
        }
        throw e;
      }
      if (b === undefined) {
        // Cold code: interpreted up to its first branch (it may never run again).
        this.interpretCold(limit);
        return;
      }
      this.slots[i] = b;
      this.tagLo[i] = lo;
      this.tagHi[i] = hi;
      this.tagMode[i] = c.modeBits;
    }
    if (!b.translated && ++b.entries >= this.hotEntries) {
      // Hot: translated now (the decoded block is replaced in the cache and here).
      b = this.compile(lo, hi, (hi >>> 0) * 4294967296 + (lo >>> 0));
      this.slots[i] = b;
    }
    const room = limit - c.icount;
    // Entered only if the budget covers its first segment; it stops before any other the
    // budget does not cover. The rest of that segment runs one instruction at a time.
    let stop = 0;
    if (b.translated && room >= b.firstSegment) {
      c.limit = limit;
      try {
        stop = b.fn(c, room);
      } catch (e) {
        if (e instanceof GuestFault || e instanceof FpEnabledTrap) {
          this.blockFault(b, e);
          return;
        }
        throw e;
      }
    }
    if (stop >= 0) {
      if (stop > 0) {
        // Stopped before a segment the budget does not cover (see BlockFn).
        c.icount += stop;
        r[S.PC] = b.pcs[stop];
        r[S.PC + 1] = b.hi;
      }
      this.runPart(b, stop, limit);
    }
  }

  /** A storage fault inside block `b`'s function: the instructions before it retired. */
  private blockFault(b: Block, e: GuestFault | FpEnabledTrap): void {
    const c = this.c;
    // Every instruction that can fault records its address (OpFlag.Mem, or the templates' slow
    // paths); anything else is a bug in an instruction definition.
    const done = b.pcs.indexOf(c.fpc);
    if (done < 0) throw new Error(`engine: fault at ${c.fpc >>> 0} outside the block at ${b.lo >>> 0}: ${e.message}`);
    c.icount += done;
    faulted(c, e, c.fpc, b.hi);
  }

  /**
   * Run instructions k0, k0 + 1, ... of block `b` through their handlers while the budget
   * lasts, stopping where the block's function would leave it (a taken branch, an exit, a
   * fault, its last instruction). The handlers are the definitions the block's code templates
   * are proved equal to (jit.test.ts), and the words are the ones the block was compiled from
   * (not re-fetched: the block's function would not re-fetch either), so this does exactly
   * what those instructions of the block's function do.
   *
   * Why a block is finished this way in the next run instead of being entered in the middle:
   * every slice end would otherwise make a new entry point, and compiling a block for each
   * cost more than all the rest of the slice end (a ~20 % slower CPU benchmark, measured).
   * So a slice end costs at most one block's worth of handler calls (< MAX_BLOCK).
   */
  private runPart(b: Block, k0: number, limit: number): void {
    const c = this.c;
    const r = c.r;
    const pcs = b.pcs, insns = b.insns, handlers = b.handlers, hi = b.hi, n = b.n;
    for (let k = k0; k < n; k++) {
      if (c.icount >= limit) {
        this.rest = b;
        this.restAt = k;
        this.restMode = c.modeBits;
        return;
      }
      const pc = pcs[k];
      const next = (pc + 4) | 0;
      r[S.PC] = next;
      r[S.PC + 1] = c.sf && next === 0 ? (hi + 1) | 0 : hi;
      c.fpc = pc;
      try {
        handlers[k](c, insns[k], pc);
      } catch (e) {
        if (e instanceof GuestFault || e instanceof FpEnabledTrap) {
          faulted(c, e, pc, hi);
          return;
        }
        throw e;
      }
      c.icount++;
      if (c.exit !== Exit.None) return;
      // Left the block (a taken branch): the dispatcher goes on from the new PC.
      if (k + 1 < n && (r[S.PC] !== pcs[k + 1] || r[S.PC + 1] !== hi)) return;
    }
  }

  /** Execute exactly one instruction with the plain interpreter (the step engine's). */
  step(): void {
    stepInstruction(this.c, this.dec);
  }

  /**
   * The block at (lo, hi) — decoded from its DECODE_ENTRIES-th entry, translated from its
   * HOT_ENTRIES-th (counted in dispatch) — or undefined while the code there is cold.
   * Translating costs as much as interpreting thousands of instructions, and start-up code (a
   * dynamic linker relocating, an interpreter importing its modules) mostly runs a few times:
   * translating it all made `python3 -c pass` 7× slower than the plain interpreter.
   */
  private lookup(lo: number, hi: number): Block | undefined {
    const key = (hi >>> 0) * 4294967296 + (lo >>> 0);
    // A start still counting its entries is cold (another processor's engine may have
    // translated it since: it is picked up when the count is reached).
    const seen = this.entries.get(key);
    if (seen !== undefined && seen + 1 < Math.min(this.hotEntries, DECODE_ENTRIES)) {
      this.entries.set(key, seen + 1);
      return undefined;
    }
    const b = this.cache.get(this.c.modeBits, key, (vpn) => {
      const p = this.translateCode(vpn << 12, hi);
      return p < 0 ? -1 : p >>> 12;
    });
    if (b !== undefined) {
      if (seen !== undefined) this.entries.delete(key);
      return b;
    }
    if (seen === undefined && this.hotEntries > 1) {
      if (this.entries.size >= MAX_COLD) this.entries.clear();
      this.entries.set(key, 1);
      return undefined;
    }
    this.entries.delete(key);
    return this.compile(lo, hi, key, this.hotEntries <= DECODE_ENTRIES);
  }

  /** Step instructions from the PC until one branches (or exits, or the budget ends). */
  private interpretCold(limit: number): void {
    const c = this.c, r = c.r, dec = this.dec;
    while (c.icount < limit) {
      const lo = r[S.PC], hi = r[S.PC + 1];
      stepInstruction(c, dec);
      if (c.exit !== Exit.None) return;
      const next = (lo + 4) | 0;
      if (r[S.PC] !== next || r[S.PC + 1] !== (c.sf && next === 0 ? (hi + 1) | 0 : hi)) return;
    }
  }

  private compile(lo: number, hi: number, key: number, translate = true): Block {
    const c = this.c;
    // Physical address of the current code page (faults on the first instruction only).
    let phys = c.translate(lo, hi, Access.Exec) - (lo & 0xfff);
    const frames = [phys >>> 12];
    const vpns = [lo >>> 12];
    const words: number[] = [];
    const defs: (OpDef | undefined)[] = [];
    const pcs: number[] = [];
    /** follow[k]: instruction k is a direct unconditional branch whose target code comes next. */
    const follow: boolean[] = [];
    let a = lo;
    let page = lo & ~0xfff;
    let loops = false;
    for (;;) {
      const w = c.dv.getInt32(phys + (a - page), c.le);
      const d = this.dec.decode(w);
      words.push(w);
      defs.push(d);
      pcs.push(a);
      follow.push(false);
      const br = branchKind(w);
      const target = br !== BranchKind.None ? staticTarget(w, a) : undefined;
      if (target === lo) loops = true;
      a = (a + 4) | 0;
      if (d === undefined) break;
      if (words.length >= MAX_BLOCK) break;
      if (br === BranchKind.Always) {
        // b/bl to a static target: trace on into the target's code (the call's return, or the
        // loop back to the start, ends the block as usual).
        if (w >>> 26 !== 18 || target === undefined || target === lo || pcs.includes(target)) break;
        // Stay within the block's 4 GiB region (its high word is a constant of the code).
        const disp = ((w << 6) >> 6) & ~3;
        const from = pcs[pcs.length - 1];
        if (c.sf && (disp >= 0 ? (target >>> 0) < (from >>> 0) : (target >>> 0) > (from >>> 0))) break;
        const tphys = this.translateCode(target, hi);
        if (tphys < 0) break;
        follow[follow.length - 1] = true;
        a = target;
        page = target & ~0xfff;
        phys = tphys - (target & 0xfff);
        if (!frames.includes(phys >>> 12)) {
          frames.push(phys >>> 12);
          vpns.push(target >>> 12);
        }
        continue;
      }
      // A conditional branch does not end the block: not taken, execution goes on (superblock).
      if (br === BranchKind.None && ((d.flags ?? 0) & OpFlag.EndsBlock) !== 0) break;
      if ((a & 0xfff) === 0) break;
    }
    const fe = (c.modeBits & MODE_FE) !== 0;
    // Not translated yet: the block's decoded instructions only, which dispatch runs through
    // their handlers (runPart); its function is a placeholder that is never called.
    const { fn, firstSegment } = translate ? blockFunction({ lo, hi, sf: c.sf, le: c.le, fe, words, defs, pcs, follow, loops }) : { fn: decodedOnly, firstSegment: 0 };
    const codeWords = frames.map((f) => this.cache.markCode(f));
    const blk: Block = {
      fn, firstSegment, translated: translate, entries: 0, lo, hi, n: words.length, pcs: Int32Array.from(pcs),
      insns: Int32Array.from(words), handlers: defs.map((d) => (d === undefined ? illegal : fe && mayTrap(d) ? trapping(d) : d.exec)),
      vpns: Int32Array.from(vpns), frames: Int32Array.from(frames), words: Int32Array.from(codeWords), used: 0,
    };
    this.cache.put(c.modeBits, key, blk);
    if (translate) this.compiled++;
    return blk;
  }
}
