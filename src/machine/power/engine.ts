// The execution engine: guest code is cut into blocks (straight-line runs ending at a branch,
// a system call, a trap or a page end), and each block becomes one JavaScript function that
// calls the instruction handlers with their word and address as constants. Every call site in
// a block function calls exactly one handler, so V8 inlines the handlers and folds the operand
// decoding away: this is the interpreter's dispatch with its switch and decode done once per
// block instead of once per instruction. `step()` is the plain one-instruction interpreter
// over the same handlers.
//
// The engine belongs to a processor: its TLBs (in the Cpu) and a direct-mapped table of the
// blocks it ran recently. The blocks themselves live in the host thread's CodeCache, shared by
// the processors it hosts and keyed by mode, virtual address and physical frames. A store to a
// frame holding code (the write TLB never caches one), icbi, or the frame's release invalidates
// its blocks machine-wide through the frame-code table; every processor notices at its next
// block dispatch because the machine's code epoch changed, and so does an address-space switch
// or a TLB shootdown (they flush the direct-mapped table).

import { setFlagsFromString } from "node:v8";
import { type Cpu, Exit } from "./cpu.js";
import { Decoder, type Handler, type OpDef, OpFlag } from "./decode.js";
import { GuestFault, Access, type CodeWatcher } from "./mmu.js";
import { JIT } from "./jit.js";
import { CodeCache, type Block } from "./codecache.js";
import { ALL_OPS } from "./ops/index.js";
import { S } from "./state.js";

type BlockFn = (c: Cpu) => void;

// A block function calls a few dozen handlers; V8's default budget for inlining into one
// function (920 bytes of bytecode) would inline only the first few and leave the rest as
// calls. Raising it lets TurboFan inline every handler of a block (measured: ~3x faster on a
// load/store/add loop). The flag is process-wide and only affects optimisation decisions.
setFlagsFromString("--max-inlined-bytecode-size-cumulative=16000");

const MAX_BLOCK = 128;
const CACHE_BITS = 12;
const CACHE_MASK = (1 << CACHE_BITS) - 1;

/** The shared decoder for all processors (immutable after creation). */
let sharedDecoder: Decoder | undefined;
export function decoder(): Decoder {
  if (sharedDecoder === undefined) sharedDecoder = new Decoder(ALL_OPS);
  return sharedDecoder;
}

const illegal: Handler = (c, w, pc) => c.stop(Exit.Illegal, pc, w);

const enum BranchKind {
  None = 0,
  /** May fall through to the next instruction. */
  Conditional = 1,
  /** Never falls through (unconditional, or a call: the return starts a new block). */
  Always = 2,
}

/** Classify a branch instruction word (b, bc, bclr, bcctr, bctar). */
function branchKind(w: number): BranchKind {
  const op = w >>> 26;
  let bo: number;
  if (op === 18) return BranchKind.Always;
  if (op === 16) bo = (w >>> 21) & 31;
  else if (op === 19) {
    const xo = (w >>> 1) & 0x3ff;
    if (xo !== 16 && xo !== 528 && xo !== 560) return BranchKind.None;
    bo = (w >>> 21) & 31;
  } else return BranchKind.None;
  if ((w & 1) !== 0) return BranchKind.Always; // LK=1: a call
  return (bo & 0x14) === 0x14 ? BranchKind.Always : BranchKind.Conditional;
}

/** The target of a relative b/bc at `pc`, or undefined for other branches. */
function staticTarget(w: number, pc: number): number | undefined {
  const op = w >>> 26;
  if ((w & 2) !== 0) return undefined; // absolute
  if (op === 18) return (pc + (((w << 6) >> 6) & ~3)) | 0;
  if (op === 16) return (pc + (((w << 16) >> 16) & ~3)) | 0;
  return undefined;
}

export class Engine implements CodeWatcher {
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

  constructor(c: Cpu) {
    this.c = c;
    this.dec = decoder();
    this.cache = CodeCache.of(c.mem);
    this.cache.register(c);
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

  /** icbi: drop the translations of the page holding (lo, hi), if any. */
  invalidateCodeAt(lo: number, hi: number): void {
    let p: number;
    try {
      p = this.c.translate(lo, hi, Access.Read);
    } catch {
      return;
    }
    this.codeWritten(p >>> 12);
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
   * Run blocks until an exit or until icount reaches `limit`. A block started before the limit
   * runs to its end, so a slice can end up to one block (≤ 128 instructions) past the budget:
   * ending exactly at the budget by single-stepping the rest cost ~15 % on the CPU benchmark
   * (measured), and is left for an architectural slice-end rule that every engine can follow.
   */
  run(limit: number): void {
    const c = this.c;
    const r = c.r;
    const cw = this.codeWords;
    while (c.icount < limit) {
      if (cw[0] !== this.epoch) this.flushSlots();
      const lo = r[S.PC];
      const hi = r[S.PC + 1];
      const i = (lo >>> 2) & CACHE_MASK;
      let b = this.slots[i];
      if (b === undefined || this.tagLo[i] !== lo || this.tagHi[i] !== hi || this.tagMode[i] !== c.modeBits) {
        try {
          b = this.lookup(lo, hi);
        } catch (e) {
          if (e instanceof GuestFault) {
            c.fault = e;
            c.stop(Exit.Fault, lo, 0);
            c.exitPcHi = hi;
            return;
          }
          throw e;
        }
        this.slots[i] = b;
        this.tagLo[i] = lo;
        this.tagHi[i] = hi;
        this.tagMode[i] = c.modeBits;
      }
      c.limit = limit;
      try {
        (b.fn as BlockFn)(c);
      } catch (e) {
        if (e instanceof GuestFault) {
          // The faulting instruction did not complete; the ones before it did.
          const done = b.pcs.indexOf(c.fpc);
          // Every instruction that can fault records its address (OpFlag.Mem, or the templates'
          // slow paths); anything else is a bug in an instruction definition.
          if (done < 0) throw new Error(`engine: fault at ${c.fpc >>> 0} outside the block at ${b.lo >>> 0}: ${e.message}`);
          c.icount += done;
          c.fault = e;
          c.r[S.PC] = c.fpc;
          c.r[S.PC + 1] = b.hi;
          c.stop(Exit.Fault, c.fpc, 0);
          c.exitPcHi = b.hi;
          return;
        }
        throw e;
      }
      if (c.exit !== Exit.None) return;
    }
  }

  /** Execute exactly one instruction with the plain interpreter. */
  step(): void {
    const c = this.c;
    const lo = c.r[S.PC];
    const hi = c.r[S.PC + 1];
    let w: number;
    try {
      w = c.fetch(lo, hi);
    } catch (e) {
      if (e instanceof GuestFault) {
        c.fault = e;
        c.stop(Exit.Fault, lo, 0);
        return;
      }
      throw e;
    }
    const def = this.dec.decode(w);
    this.advance(lo, hi);
    c.fpc = lo;
    try {
      (def === undefined ? illegal : def.exec)(c, w, lo);
      c.icount++;
    } catch (e) {
      if (e instanceof GuestFault) {
        c.fault = e;
        c.r[S.PC] = lo;
        c.r[S.PC + 1] = hi;
        c.stop(Exit.Fault, lo, 0);
        return;
      }
      throw e;
    }
  }

  private advance(lo: number, hi: number): void {
    const c = this.c;
    const nlo = (lo + 4) | 0;
    c.r[S.PC] = nlo;
    c.r[S.PC + 1] = c.sf && nlo === 0 ? (hi + 1) | 0 : hi;
  }

  private lookup(lo: number, hi: number): Block {
    const key = (hi >>> 0) * 4294967296 + (lo >>> 0);
    const b = this.cache.get(this.c.modeBits, key, (vpn) => {
      const p = this.translateCode(vpn << 12, hi);
      return p < 0 ? -1 : p >>> 12;
    });
    if (b !== undefined) return b;
    return this.compile(lo, hi, key);
  }

  private compile(lo: number, hi: number, key: number): Block {
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
    const n = words.length;
    const handlers: Handler[] = [];
    const lines: string[] = [];
    const loopBack = `if (r[${S.PC}] === ${lo} && r[${S.PC + 1}] === ${hi} && c.icount < c.limit) continue; `;
    for (let k = 0; k < n; k++) {
      const d = defs[k];
      const w = words[k];
      const pc = pcs[k];
      const next = (pc + 4) | 0;
      const nhi = c.sf && next === 0 ? (hi + 1) | 0 : hi;
      const br = branchKind(w);
      const last = k === n - 1;
      // Leaving after this instruction (k + 1 retired): to a static target, or to the PC.
      const leave = `c.icount += ${k + 1}; ${loops ? loopBack : ""}return;`;
      const jump = (tl: number, th: number): string =>
        follow[k]
          ? "" // the target's code follows in this block
          : loops && tl === lo && th === hi
          ? `c.icount += ${k + 1}; if (c.icount < c.limit) continue; r[${S.PC}] = ${tl}; r[${S.PC + 1}] = ${th}; return;`
          : `r[${S.PC}] = ${tl}; r[${S.PC + 1}] = ${th}; c.icount += ${k + 1}; return;`;
      const gen = d === undefined ? undefined : JIT.get(d.mnemonic);
      const handler = (): string => {
        handlers.push(d === undefined ? illegal : d.exec);
        return `h${handlers.length - 1}(c, ${w}, ${pc});`;
      };
      const code = gen?.(w, { sf: c.sf, le: c.le, pc, pcHi: hi, jump, leave, handler });
      if (code !== undefined) {
        lines.push(code);
        // Not taken (or not a branch): fall through. Calls are "always" block ends, yet a
        // conditional bcl may fall through, so this is emitted after every last instruction.
        if (last) lines.push(`r[${S.PC}] = ${next}; r[${S.PC + 1}] = ${nhi}; c.icount += ${n}; return;`);
        continue;
      }
      const h = handlers.length;
      handlers.push(d === undefined ? illegal : d.exec);
      const flags = d === undefined ? 0 : d.flags ?? 0;
      // The fall-through PC is in place before a branch (handler contract), and before the last.
      if (br !== BranchKind.None || last) lines.push(`r[${S.PC}] = ${next}; r[${S.PC + 1}] = ${nhi};`);
      if ((flags & OpFlag.Mem) !== 0) lines.push(`c.fpc = ${pc};`);
      lines.push(`h${h}(c, ${w}, ${pc});`);
      if (last) lines.push(loops ? `c.icount += ${n}; ${loopBack}return;` : `c.icount += ${n}; return;`);
      else if (br !== BranchKind.None) lines.push(`if (r[${S.PC}] !== ${next} || r[${S.PC + 1}] !== ${nhi}) { ${leave} }`);
    }
    const params = handlers.map((_, k) => `h${k}`);
    const name = `blk_${(hi >>> 0).toString(16)}_${(lo >>> 0).toString(16)}`;
    let body = lines.join("\n");
    if (loops) body = `for (;;) {\n${body}\n}`;
    const decls = ["const r = c.r;"];
    if (/\bdv\./.test(body)) decls.push("const dv = c.dv;");
    if (/\bf\[/.test(body)) decls.push("const f = c.f;");
    if (/\bu8\[/.test(body)) decls.push("const u8 = c.u8;");
    if (/\brt[lhp]\[/.test(body)) decls.push("const rtl = c.rtlb.tagLo, rth = c.rtlb.tagHi, rtp = c.rtlb.phys;");
    if (/\bwt[lhp]\[/.test(body)) decls.push("const wtl = c.wtlb.tagLo, wth = c.wtlb.tagHi, wtp = c.wtlb.phys;");
    const src = `"use strict"; return function ${name}(c) { ${decls.join(" ")}\n${body}\n};`;
    let make: (...h: Handler[]) => BlockFn;
    try {
      make = new Function(...params, src) as (...h: Handler[]) => BlockFn;
    } catch (e) {
      throw new Error(`engine: generated code for the block at 0x${(lo >>> 0).toString(16)} does not compile: ${String(e)}\n${src}`);
    }
    const codeWords = frames.map((f) => this.cache.markCode(f));
    const blk: Block = {
      fn: make(...handlers) as Block["fn"], lo, hi, n, pcs: Int32Array.from(pcs),
      vpns: Int32Array.from(vpns), frames: Int32Array.from(frames), words: Int32Array.from(codeWords), used: 0,
    };
    this.cache.put(c.modeBits, key, blk);
    this.compiled++;
    return blk;
  }
}
