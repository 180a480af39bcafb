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
// the same page, leaving out the blocks that are entries of regions already, and the small
// functions its calls reach (a bl's target, a bcctrl's predicted one; in any page), up to
// MAX_REGION instructions, in one function: branches between its blocks are jumps inside it,
// an indirect branch to one of its return points is one too, registers stay in locals. Every
// block start of a region in its entry's page is an entry of it (its run function's `entry`
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
/** Pages a region's code comes from at most (its entry's and its callees'). */
const MAX_PAGES = 4;
/** Instructions of a callee compiled into its caller's region at most. */
const MAX_CALLEE = 48;
/** Block starts an indirect branch of a region is compared with at most. */
const MAX_TARGETS = 4;
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
  /**
   * The frames of its code (the entry's first), their virtual pages, and each frame's code
   * word when the region was translated (stale when one changes).
   */
  readonly frames: readonly number[];
  readonly vpns: readonly number[];
  readonly words: readonly number[];
  /** Start of each block, by block index (those in the entry's page are entries). */
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
  /** Statistics: callees compiled into their callers' regions. */
  callees = 0;
  bytes = 0;
  compileMs = 0;
  /** Entry points by mode, keyed by hi * 2^32 + lo. */
  private readonly entries: Map<number, Entry>[] = Array.from({ length: 8 }, () => new Map<number, Entry>());
  /** Regions translated since the entries were last cleared. */
  private live = 0;
  /** Instructions run in the block engine between two halvings of the heat (decay()). */
  decayEvery = DECAY_EVERY;
  private coldRun = 0;
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
      "wasm regions": this.regions, "wasm callees inlined": this.callees, "wasm bytes": this.bytes, "wasm compile ms": Math.round(this.compileMs),
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
      // Regions leaving to this address go on here without returning (region.ts chainExit).
      // Filled at every run from here, not only when the slot is: the jump cache is smaller
      // than the slots, and an entry whose jump slot another address took would otherwise come
      // back here for as long as its own slot lasts (86,000 times for one entry of memcpy in
      // the CPU benchmark).
      this.rt.fillJump(lo, hi, c.modeBits, e.region.live, e.index);
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
    for (let k = 0; k < reg.frames.length; k++) {
      if (this.codeWords[reg.frames[k]] !== reg.words[k]) {
        m.delete(key);
        return undefined;
      }
    }
    for (let k = 0; k < reg.frames.length; k++) if (this.execFrame(reg.vpns[k] << 12, hi) !== reg.frames[k]) return undefined;
    return e;
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
    const formed = this.formRegion(lo, hi);
    const blocks = formed.blocks;
    const fe = (c.modeBits & MODE_FE) !== 0;
    const compiled = compileRegion(
      {
        sf: c.sf, le: c.le, fe, hi, blocks, memPages: c.mem.buffer.byteLength / 65536, targets: formed.targets, entry: lo,
        chain: { mode: c.modeBits, epochAddr: c.mem.codeWords.byteOffset },
      },
      this.gens,
    );
    const live = this.rt.instantiate(compiled, fe, hi, true);
    this.callees += formed.callees;
    const frames = [...formed.pages.values()];
    const region: Region = {
      live,
      frames: frames.map((f) => f.frame),
      words: frames.map((f) => this.cache.markCode(f.frame)),
      vpns: [...formed.pages.keys()].map((p) => p >>> 12),
      starts: blocks.map((b) => b.insns[0].pc),
    };
    const m = this.entries[c.modeBits];
    let entry: Entry | undefined;
    const page = lo & ~0xfff;
    region.starts.forEach((start, index) => {
      // Blocks of other pages (an inlined callee) are not entries: entered from elsewhere they
      // get a region of their own.
      if ((start & ~0xfff) !== page) return;
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
   * The region entered at (lo, hi): the blocks reachable from `lo` through static successors in
   * its page (at most MAX_REGION instructions, in address order), and the small functions its
   * calls reach (in any page): a `bl`'s target, a `bcctrl`'s predicted one (the CTR now: the
   * dispatcher is at the region's entry, and a loop calling through CTR sets it the same way
   * each time). The indirect branches of the region jump inside it when their target is one of
   * `targets`: the return points after its calls and the predicted CTR target. A comparison
   * function called through CTR (qsort) was otherwise two region transitions per call, each
   * storing and reloading every register.
   */
  private formRegion(lo: number, hi: number): { blocks: RegionBlock[]; targets: number[]; pages: Map<number, { frame: number; phys: number }>; callees: number } {
    const c = this.c;
    const blocks = new Map<number, RegionInsn[]>();
    const pages = new Map<number, { frame: number; phys: number }>();
    const entryPage = lo & ~0xfff;
    const physOf = (page: number, first: boolean): number | undefined => {
      const p = pages.get(page);
      if (p !== undefined) return p.phys;
      if (!first && pages.size >= MAX_PAGES) return undefined;
      let phys: number;
      try {
        phys = c.translate(page, hi, Access.Exec);
      } catch (e) {
        if (first || !(e instanceof GuestFault)) throw e;
        return undefined;
      }
      pages.set(page, { frame: phys >>> 12, phys });
      return phys;
    };
    physOf(entryPage, true);
    const targets: number[] = [];
    const ctr = c.r[S.CTR], ctrHi = c.r[S.CTR + 1];
    let total = 0;
    let callees = 0;
    /** The block at `start` (in a page already open): its instructions, up to a branch. */
    const block = (start: number, room: number): RegionInsn[] => {
      const page = start & ~0xfff;
      const phys = pages.get(page)?.phys as number;
      const insns: RegionInsn[] = [];
      let a = start;
      for (;;) {
        const w = c.dv.getInt32(phys + (a - page), c.le);
        const def = this.dec.decode(w);
        insns.push({ pc: a, w, def });
        a = (a + 4) | 0;
        if (def === undefined || branchKind(w) !== BranchKind.None || ((def.flags ?? 0) & OpFlag.EndsBlock) !== 0) break;
        if ((a & 0xfff) === 0 || insns.length >= MAX_BLOCK || insns.length >= room) break;
      }
      return insns;
    };
    /**
     * Where a block goes: `next`, its fall-through or a call's return point (in its own page);
     * `target`, a relative branch's target; `indirect`, a bcctr's predicted target (the CTR now).
     */
    const successors = (insns: RegionInsn[]): { next?: number; target?: number; call: boolean; indirect: number | undefined } => {
      const last = insns[insns.length - 1];
      const a = (last.pc + 4) | 0;
      const samePage = (x: number | undefined): number | undefined => (x !== undefined && (x & ~0xfff) === (last.pc & ~0xfff) ? x : undefined);
      if (last.def === undefined) return { call: false, indirect: undefined };
      const w = last.w;
      const kind = branchKind(w);
      if (kind === BranchKind.None) {
        return ((last.def.flags ?? 0) & OpFlag.EndsBlock) === 0 ? { next: samePage(a), call: false, indirect: undefined } : { call: false, indirect: undefined };
      }
      const call = (w & 1) !== 0;
      const bcctr = w >>> 26 === 19 && ((w >>> 1) & 0x3ff) === 528;
      return {
        ...(kind === BranchKind.Conditional || call ? { next: samePage(a) } : {}),
        target: staticTarget(w, last.pc),
        call,
        indirect: bcctr && ctrHi === hi ? ctr & ~3 : undefined,
      };
    };
    /**
     * A small callee at `t` (called from `pc`), whole: its blocks reachable in its page, at most
     * MAX_CALLEE instructions, or undefined (too big, or its page cannot be executed).
     */
    const callee = (pc: number, t: number): Map<number, RegionInsn[]> | undefined => {
      // Same 4 GiB: branches reach ±32 MiB, so a wrap shows as a distance near 2^32.
      if (Math.abs((t >>> 0) - (pc >>> 0)) >= 1 << 26 && (t & ~0xfff) !== (pc & ~0xfff)) return undefined;
      if (physOf(t & ~0xfff, false) === undefined) return undefined;
      const got = new Map<number, RegionInsn[]>();
      const work = [t];
      let n = 0;
      while (work.length > 0) {
        const start = work.pop() as number;
        if (got.has(start) || blocks.has(start)) continue;
        const insns = block(start, MAX_CALLEE + 1 - n);
        n += insns.length;
        if (n > MAX_CALLEE) return undefined;
        got.set(start, insns);
        const s = successors(insns);
        if (s.next !== undefined) work.push(s.next);
        if (s.target !== undefined && (s.target & ~0xfff) === (start & ~0xfff) && !s.call) work.push(s.target);
      }
      return got;
    };
    // A block of the entry's page that is an entry of a region already is not compiled again:
    // the branch there leaves this region and goes on in that one (chained). Loops get hot
    // before the functions around them, so without this a function's region compiled its loops
    // a second time (2.7 times the code the CPU benchmark runs, 1.7 times python's start-up's).
    // A return point of a call in the region is compiled again (the return stays inside), and
    // so is a small callee (the call does).
    const known = this.entries[c.modeBits];
    const work = [lo];
    const follow = (a: number | undefined, always = false): void => {
      if (a === undefined) return;
      if (!always && a !== lo && known.has((hi >>> 0) * 4294967296 + (a >>> 0))) return;
      work.push(a);
    };
    // Breadth first: the blocks nearest the entry first, so that the budget cuts the far ones
    // (a depth-first walk spent it on a loop's exit path and cut the loop's own body, which
    // then left the region every round).
    for (let next = 0; next < work.length && total < MAX_REGION; next++) {
      const start = work[next];
      if (blocks.has(start)) continue;
      const insns = block(start, MAX_REGION - total);
      blocks.set(start, insns);
      total += insns.length;
      const s = successors(insns);
      const t = s.call ? s.target ?? s.indirect : undefined;
      if (s.call && s.next !== undefined) {
        // A return comes back here: its blr compares LR with this address.
        targets.push(s.next);
        follow(s.next, true);
      } else follow(s.next);
      if (s.indirect !== undefined) targets.push(s.indirect);
      if (t !== undefined) {
        const body = callee(insns[insns.length - 1].pc, t);
        if (body !== undefined && total + [...body.values()].reduce((k, b) => k + b.length, 0) <= MAX_REGION) {
          for (const [b, ins] of body) {
            blocks.set(b, ins);
            total += ins.length;
          }
          callees++;
        } else if ((t & ~0xfff) === entryPage) follow(t);
      } else if (s.target !== undefined && (s.target & ~0xfff) === entryPage) follow(s.target);
    }
    // At most MAX_TARGETS comparisons per indirect branch; only blocks of the region count.
    const inRegion = [...new Set(targets)].filter((x) => blocks.has(x)).slice(0, MAX_TARGETS);
    for (const page of [...pages.keys()]) {
      if (page !== entryPage && ![...blocks.keys()].some((b) => (b & ~0xfff) === page)) pages.delete(page);
    }
    return {
      blocks: [...blocks.entries()].sort((x, y) => (x[0] >>> 0) - (y[0] >>> 0)).map(([, insns]) => ({ insns })),
      targets: inRegion,
      pages,
      callees,
    };
  }
}
