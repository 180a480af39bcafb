// The WebAssembly engine: the third execution engine (engine.ts). Three tiers:
//   cold and warm code   the block engine (block-engine.ts) one dispatch at a time: cold code
//                        interpreted, warm blocks compiled to JavaScript functions;
//   hot code             regions compiled to WebAssembly (region.ts) once the instructions
//                        retired from an entry reach `hotThreshold` (1: at first sight, for
//                        tests), that heat halved every `decayEvery` instructions of the block
//                        engine: an entry must run often, not just long (decay()).
// The heat of an entry not translated is kept in its dispatch slot (Cold), so cold code, which
// dispatches every few instructions, costs no map lookup per dispatch.
// A region (formRegion) is the blocks reachable from its entry through static successors in
// the same page, up to MAX_REGION instructions, in one function, leaving out the blocks that
// are entries of regions already: branches between its blocks are jumps inside it, registers
// stay in locals. Every block start of a region is an entry of it (its run function's `entry`
// parameter).
//
// Exact slice ends: a region stops before a block the budget does not cover, with the PC on the
// block's first instruction (RegionExit.Stop); the dispatcher steps the block's instructions
// with their handlers while the budget lasts, and the next run finishes that block the same way
// before it dispatches again (as the block engine does), so a slice end is never a new entry.
//
// Invalidation: a region records its frame, the frame's code word and its virtual page, like a
// block (codecache.ts); a store into it (the write TLB never holds a code frame, so the slow
// path sees it: codeWritten) sets the area's abort flag, and the region leaves at its next
// block boundary; the code epoch changed, so the dispatcher drops its direct-mapped entries and
// revalidates (the stale region is dropped, the code translated again when hot). icbi goes
// through its handler to Cpu.invalidateCodeAt, the same path.
//
// Chaining: a region leaving to an address the processor's jump cache (area.ts) names goes on
// into that region with a tail call through the processor's funcref table, without returning
// here; the dispatcher fills the cache whenever it enters a region, and empties it with its
// slots (address-space switch, shootdown, code epoch change: regions check the epoch too).
//
// Regions are per processor (modules, instances, the funcref table): a worker per processor in
// the parallel mode builds its own, and nothing is shared between threads but memory.

import { type Cpu, Exit } from "../cpu.js";
import type { Decoder } from "../decode.js";
import { decoder, type EngineKind, type EngineStats, type ExecutionEngine } from "../engine.js";
import { BlockEngine } from "../block-engine.js";
import { BranchKind, branchKind, staticTarget } from "../block-codegen.js";
import { CodeCache } from "../codecache.js";
import { Access, GuestFault } from "../mmu.js";
import { OpFlag } from "../decode.js";
import { S } from "../state.js";
import { Area } from "../area.js";
import { MODE_FE } from "../fpu/trap.js";
import { faulted, stepInstruction } from "../step-engine.js";
import { WASM_GENS } from "./gen/index.js";
import type { WasmGen } from "./emit.js";
import { compileRegion, RegionExit, type RegionBlock, type RegionInsn } from "./region.js";
import { type LiveRegion, RegionRuntime } from "./runtime.js";

/** Instructions a region holds at most, and a block of it. */
const MAX_REGION = 256;
const MAX_BLOCK = 128;
/**
 * Instructions retired from an entry before it is translated (default), and the block-engine
 * instructions between two halvings of that heat. Measured (paired runs): at 20,000 without the
 * halving `python3 -c pass` translated 236 regions and took twice the block engine's time; at
 * 50,000 halved every million, 33 regions and 1.2 times, the CPU benchmark no slower; at 100,000,
 * 1.1 times but the CPU benchmark 12 % slower.
 */
const HOT_THRESHOLD = 50_000;
/** Instructions run in the block engine between two halvings of the heat (decay()). */
const DECAY_EVERY = 1_000_000;
const SLOT_BITS = 12;
const SLOT_MASK = (1 << SLOT_BITS) - 1;
/** Regions kept at most: past it every one is dropped (the hot ones come back). */
const MAX_REGIONS = 4096;
/** Fewest instructions a dispatch of the block engine is allowed (its cap: the heat missing). */
const MIN_COLD_RUN = 256;
/** Entries whose heat is counted at most (then the counts start again). */
const MAX_COLD = 1 << 18;

/** A region as the engine keeps it: its code, where it came from, its blocks. */
interface Region {
  readonly live: LiveRegion;
  readonly frame: number;
  readonly vpn: number;
  /** The frame's code word when the region was translated (stale when it changes). */
  readonly word: number;
  /** Start of each block, by block index (each is an entry). */
  readonly starts: readonly number[];
}

/** An entry point: a block of a region. */
interface Entry {
  readonly region: Region;
  readonly index: number;
}

/**
 * An entry not translated (yet), in a dispatch slot: its heat counted there, without a map
 * lookup per dispatch (cold code dispatches every few instructions). Back in the heat map when
 * its slot is taken or emptied.
 */
class Cold {
  constructor(readonly key: number, public heat: number) {}
}

export class WasmEngine implements ExecutionEngine {
  readonly kind: EngineKind = "wasm";
  private readonly c: Cpu;
  private readonly dec: Decoder;
  private readonly be: BlockEngine;
  private readonly rt: RegionRuntime;
  private readonly cache: CodeCache;
  private readonly codeWords: Int32Array;
  private readonly abortAt: number;
  private readonly stopEndAt: number;
  private epoch: number;
  /** Instructions retired from an entry before it is translated (1: at first sight). */
  hotThreshold = HOT_THRESHOLD;
  /** The instruction emitters (tests may run the engine with others). */
  gens: ReadonlyMap<string, WasmGen> = WASM_GENS;
  /** Statistics: regions compiled, their WebAssembly bytes, the time spent compiling (ms). */
  regions = 0;
  bytes = 0;
  compileMs = 0;
  /** Entry points by mode, keyed by hi * 2^32 + lo. */
  private readonly entries: Map<number, Entry>[] = Array.from({ length: 8 }, () => new Map<number, Entry>());
  /** Regions translated since the entries were last cleared. */
  private live = 0;
  /** Instructions run in the block engine between two halvings of the heat (decay()). */
  decayEvery = DECAY_EVERY;
  private coldRun = 0;
  /** Statistics: halvings of the heat. */
  decays = 0;
  /** Instructions retired so far from entries not translated yet. */
  private readonly heat = new Map<number, number>();
  private readonly tagLo = new Int32Array(1 << SLOT_BITS);
  private readonly tagHi = new Int32Array(1 << SLOT_BITS);
  private readonly tagMode = new Int8Array(1 << SLOT_BITS).fill(-1);
  private readonly slots: (Entry | Cold | undefined)[] = new Array<Entry | Cold | undefined>(1 << SLOT_BITS).fill(undefined);
  /** The block of a region a slice ended inside: [start, end) in (hi, mode). */
  private rest: { start: number; end: number; hi: number; mode: number } | undefined;

  constructor(c: Cpu) {
    this.c = c;
    this.dec = decoder();
    this.be = new BlockEngine(c);
    this.rt = new RegionRuntime(c);
    this.cache = CodeCache.of(c.mem);
    this.codeWords = c.mem.codeWords;
    this.epoch = this.codeWords[0];
    this.abortAt = (this.rt.area + Area.ABORT) >> 2;
    this.stopEndAt = (this.rt.area + Area.STOP_END) >> 2;
  }

  /** Blocks of the JavaScript tier compiled by this processor (statistics). */
  get blocksCompiled(): number {
    return this.be.compiled;
  }

  stats(): EngineStats {
    return {
      "wasm regions": this.regions, "wasm bytes": this.bytes, "wasm compile ms": Math.round(this.compileMs),
      "handler calls from wasm": this.rt.fallbacks, "wasm runs from the dispatcher": this.rt.runs, "js blocks": this.be.compiled,
    };
  }

  flush(): void {
    for (const m of this.entries) m.clear();
    this.be.flush();
    this.flushSlots();
  }

  flushSlots(): void {
    this.emptySlots();
    this.rt.flushJumps();
    this.rest = undefined;
    this.epoch = this.codeWords[0];
    this.be.flushSlots();
  }

  isCode(frame: number): boolean {
    return this.c.mem.isCode(frame);
  }

  codeWritten(frame: number): void {
    if (!this.c.mem.isCode(frame)) return;
    // A JavaScript block looping on itself must not go round again, nor a region.
    this.c.limit = -1;
    this.c.mem.i32[this.abortAt] = 1;
    this.c.mem.invalidateCode(frame);
  }

  step(): void {
    stepInstruction(this.c, this.dec);
  }

  run(limit: number): void {
    const c = this.c;
    const r = c.r;
    if (this.codeWords[0] !== this.epoch) this.flushSlots();
    this.finishRest(limit);
    if (c.exit !== Exit.None) return;
    this.be.resume(limit);
    if (c.exit !== Exit.None) return;
    while (c.icount < limit) {
      if (this.codeWords[0] !== this.epoch) this.flushSlots();
      const lo = r[S.PC];
      const hi = r[S.PC + 1];
      const i = (lo >>> 2) & SLOT_MASK;
      let e = this.slots[i];
      if (e === undefined || this.tagLo[i] !== lo || this.tagHi[i] !== hi || this.tagMode[i] !== c.modeBits) {
        const key = (hi >>> 0) * 4294967296 + (lo >>> 0);
        const t = this.lookup(lo, hi, key);
        if (e instanceof Cold && e.heat > 0) this.warm(e.key, e.heat);
        if (t === undefined) {
          e = new Cold(key, this.heat.get(key) ?? 0);
          this.heat.delete(key);
        } else e = t;
        this.slots[i] = e;
        this.tagLo[i] = lo;
        this.tagHi[i] = hi;
        this.tagMode[i] = c.modeBits;
        // Regions leaving to this address go on here without returning (region.ts chainExit).
        if (t !== undefined) this.rt.fillJump(lo, hi, c.modeBits, t.region.live, t.index);
      }
      if (e instanceof Cold) {
        if (e.heat >= this.hotThreshold || this.hotThreshold <= 1) {
          // Hot (or the tests' translation at first sight): translated now.
          let t: Entry;
          try {
            t = this.translate(lo, hi);
          } catch (err) {
            if (err instanceof GuestFault) {
              faulted(c, err, lo, hi);
              return;
            }
            throw err;
          }
          this.slots[i] = e = t;
          this.rt.fillJump(lo, hi, c.modeBits, t.region.live, t.index);
        } else {
          // Not hot (yet): one dispatch of the block engine, its instructions counted as heat —
          // at most about the heat still missing: a JavaScript block looping on itself would
          // otherwise run a whole long slice (Kernel.aloneFor) in the slower tier. A block
          // stopped by that cap is finished at once (resume), so no new entry appears.
          const before = c.icount;
          const missing = Math.max(MIN_COLD_RUN, this.hotThreshold - e.heat);
          this.be.dispatch(Math.min(limit, before + missing));
          if (c.exit === Exit.None && c.icount < limit) this.be.resume(limit);
          const n = c.icount - before;
          e.heat += n;
          if ((this.coldRun += n) >= this.decayEvery) this.decay();
          if (c.exit !== Exit.None) return;
          continue;
        }
      }
      const code = this.rt.run(e.region.live, e.index, limit);
      if (code === RegionExit.Exit || c.exit !== Exit.None) return;
      if (code === RegionExit.Stop) {
        // The region that stopped (maybe one chained to) left its block's end in the area.
        this.rest = { start: r[S.PC], end: c.mem.i32[this.stopEndAt], hi: r[S.PC + 1], mode: c.modeBits };
        this.finishRest(limit);
        if (c.exit !== Exit.None) return;
      }
    }
  }

  /** Step the instructions of the block a slice ended inside, while the PC is in it. */
  private finishRest(limit: number): void {
    const rest = this.rest;
    if (rest === undefined) return;
    const c = this.c, r = c.r;
    while (c.icount < limit) {
      const pc = r[S.PC];
      if (r[S.PC + 1] !== rest.hi || c.modeBits !== rest.mode || (pc >>> 0) < (rest.start >>> 0) || (pc >>> 0) >= (rest.end >>> 0)) {
        this.rest = undefined;
        return;
      }
      stepInstruction(c, this.dec);
      if (c.exit !== Exit.None) {
        this.rest = undefined;
        return;
      }
    }
  }

  /** Count instructions retired from a cold entry (key: hi * 2^32 + lo). */
  /**
   * Halve every cold entry's heat (every `decayEvery` instructions run in the block engine): an
   * entry is translated when it runs often, not when it has run long. Start-up code (a dynamic
   * linker, an interpreter importing its modules) reaches any count slowly, over millions of
   * other instructions, and mostly never runs again; a loop reaches it at once.
   */
  private decay(): void {
    this.coldRun = 0;
    this.decays++;
    for (const e of this.slots) if (e instanceof Cold) e.heat >>>= 1;
    for (const [k, v] of this.heat) {
      if (v < 2) this.heat.delete(k);
      else this.heat.set(k, v >>> 1);
    }
  }

  private warm(key: number, n: number): void {
    if (this.heat.size >= MAX_COLD) this.heat.clear();
    this.heat.set(key, (this.heat.get(key) ?? 0) + n);
  }

  /** The entry at (lo, hi) (key: hi * 2^32 + lo) if translated and valid, else undefined. */
  private lookup(lo: number, hi: number, key: number): Entry | undefined {
    const m = this.entries[this.c.modeBits];
    const e = m.get(key);
    if (e === undefined) return undefined;
    const reg = e.region;
    if (this.codeWords[reg.frame] !== reg.word) {
      m.delete(key);
      return undefined;
    }
    return this.execFrame(reg.vpn << 12, hi) === reg.frame ? e : undefined;
  }

  /** Empty the dispatch slots, the heat of their cold entries back in the map. */
  private emptySlots(): void {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const e = slots[i];
      if (e instanceof Cold && e.heat > 0) this.warm(e.key, e.heat);
      slots[i] = undefined;
    }
  }

  /** Frame of the page holding (lo, hi) for execution, or -1. */
  private execFrame(lo: number, hi: number): number {
    try {
      return this.c.translate(lo, hi, Access.Exec) >>> 12;
    } catch (e) {
      if (e instanceof GuestFault) return -1;
      throw e;
    }
  }

  /** Form and compile the region entered at (lo, hi); faults if the page cannot be executed. */
  private translate(lo: number, hi: number): Entry {
    const c = this.c;
    const t0 = performance.now();
    if (this.live >= MAX_REGIONS) {
      // Bounded: drop every region (their modules go with the last reference).
      for (const m of this.entries) m.clear();
      this.emptySlots();
      this.rt.resetTable();
      this.live = 0;
    }
    const page = lo & ~0xfff;
    const phys = c.translate(lo, hi, Access.Exec) - (lo & 0xfff);
    const blocks = this.formRegion(lo, hi, phys, page);
    const fe = (c.modeBits & MODE_FE) !== 0;
    const compiled = compileRegion(
      {
        sf: c.sf, le: c.le, fe, hi, blocks, memPages: c.mem.buffer.byteLength / 65536,
        chain: { mode: c.modeBits, epochAddr: c.mem.codeWords.byteOffset },
      },
      this.gens,
    );
    const frame = phys >>> 12;
    const word = this.cache.markCode(frame);
    const live = this.rt.instantiate(compiled, fe, hi, true);
    const region: Region = {
      live, frame, vpn: lo >>> 12, word,
      starts: blocks.map((b) => b.insns[0].pc),
    };
    const m = this.entries[c.modeBits];
    let entry: Entry | undefined;
    region.starts.forEach((start, index) => {
      const key = (hi >>> 0) * 4294967296 + (start >>> 0);
      const e: Entry = { region, index };
      if (start === lo) entry = e;
      if (start === lo || !m.has(key)) m.set(key, e);
      // A dispatch slot counting this start's heat gives way: the next dispatch there finds
      // the region (else the start would be translated again once hot, as a region of its own).
      const i = (start >>> 2) & SLOT_MASK;
      if (this.slots[i] instanceof Cold && this.tagLo[i] === start && this.tagHi[i] === hi && this.tagMode[i] === c.modeBits) this.slots[i] = undefined;
    });
    this.regions++;
    this.live++;
    this.bytes += compiled.bytes.length;
    this.compileMs += performance.now() - t0;
    if (entry === undefined) throw new Error("wasm engine: region without its entry");
    return entry;
  }

  /**
   * The blocks reachable from `lo` through static successors in its page (at most MAX_REGION
   * instructions), in address order with the entry's block first among equals.
   */
  private formRegion(lo: number, hi: number, phys: number, page: number): RegionBlock[] {
    const c = this.c;
    const blocks = new Map<number, RegionInsn[]>();
    const work = [lo];
    let total = 0;
    // A block that is an entry of a region already is not compiled again: the branch there
    // leaves this region and goes on in that one (chained). Loops get hot before the functions
    // around them, so without this a function's region compiled its loops a second time (2.7
    // times the code the CPU benchmark runs, 1.7 times python's start-up's).
    const known = this.entries[c.modeBits];
    const inPage = (a: number | undefined): a is number =>
      a !== undefined && (a & ~0xfff) === page && (a === lo || !known.has((hi >>> 0) * 4294967296 + (a >>> 0)));
    while (work.length > 0 && total < MAX_REGION) {
      const start = work.pop() as number;
      if (blocks.has(start)) continue;
      const insns: RegionInsn[] = [];
      let a = start;
      let w = 0;
      for (;;) {
        w = c.dv.getInt32(phys + (a - page), c.le);
        const def = this.dec.decode(w);
        insns.push({ pc: a, w, def });
        a = (a + 4) | 0;
        if (def === undefined || branchKind(w) !== BranchKind.None || ((def.flags ?? 0) & OpFlag.EndsBlock) !== 0) break;
        if ((a & 0xfff) === 0 || insns.length >= MAX_BLOCK || total + insns.length >= MAX_REGION) break;
      }
      blocks.set(start, insns);
      total += insns.length;
      const last = insns[insns.length - 1];
      const kind = branchKind(w);
      if (last.def === undefined) continue;
      if (kind !== BranchKind.None) {
        const t = staticTarget(w, last.pc);
        if (inPage(t)) work.push(t);
        // A conditional branch falls through; a call returns to the next instruction.
        if (kind === BranchKind.Conditional || (w & 1) !== 0) {
          if (inPage(a)) work.push(a);
        }
      } else if (((last.def.flags ?? 0) & OpFlag.EndsBlock) === 0 && inPage(a)) work.push(a);
    }
    return [...blocks.entries()].sort((x, y) => (x[0] >>> 0) - (y[0] >>> 0)).map(([, insns]) => ({ insns }));
  }
}
