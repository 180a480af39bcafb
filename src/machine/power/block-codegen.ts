// JavaScript source for a block of guest code (the block engine's code generator). A block is
// a trace: the instructions from its start, in execution order, through direct unconditional
// branches whose target code comes next, up to a branch, an exit, a page end or MAX_BLOCK
// instructions (block-engine.ts cuts it). Each instruction becomes its code template (jit.ts)
// or a call of its handler with the word and address as constants, so V8 inlines it.
//
// Exact slice ends. A block is made of segments: a segment starts at the block's start and
// after every side exit (a conditional branch, not taken), and ends at the next side exit or
// at the block's end; within a segment execution cannot leave the block except by a fault or
// an exit. The block function gets `room`, the instructions the slice has left, and before
// each segment but the first checks that the budget covers it (one comparison of a local with
// a constant); if not, it stops there with the PC on the segment's first instruction and
// returns that instruction's index, and the dispatcher runs the rest one instruction at a time.
// The dispatcher enters a block only if its first segment fits, and a block that loops on
// itself goes round again under the same condition. So a block never runs past the budget, and
// a long superblock whose passes leave early is not run one instruction at a time for most of
// a slice's end: at most one segment is, per slice end.

import type { Cpu } from "./cpu.js";
import { type Handler, type OpDef, OpFlag } from "./decode.js";
import { JIT } from "./jit.js";
import { S } from "./state.js";
import { illegal } from "./step-engine.js";
import { mayTrap, trapping } from "./fpu/trap.js";

export const enum BranchKind {
  None = 0,
  /** May fall through to the next instruction. */
  Conditional = 1,
  /** Never falls through (unconditional, or a call: the return starts a new block). */
  Always = 2,
}

/** Classify a branch instruction word (b, bc, bclr, bcctr, bctar). */
export function branchKind(w: number): BranchKind {
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
export function staticTarget(w: number, pc: number): number | undefined {
  const op = w >>> 26;
  if ((w & 2) !== 0) return undefined; // absolute
  if (op === 18) return (pc + (((w << 6) >> 6) & ~3)) | 0;
  if (op === 16) return (pc + (((w << 16) >> 16) & ~3)) | 0;
  return undefined;
}

/** A block's instructions as the engine traced them. */
export interface Trace {
  readonly lo: number;
  readonly hi: number;
  /** The mode the code was traced in (64-bit, little-endian): constants of the code. */
  readonly sf: boolean;
  readonly le: boolean;
  /**
   * Traced with FP enabled-exception traps on (MSR[FE0 FE1] != 0): FP instructions call their
   * trapping wrappers (fpu/trap.ts), never a code template.
   */
  readonly fe: boolean;
  readonly words: readonly number[];
  readonly defs: readonly (OpDef | undefined)[];
  readonly pcs: readonly number[];
  /** follow[k]: instruction k is a direct unconditional branch whose target code comes next. */
  readonly follow: readonly boolean[];
  /** Some branch of the block goes back to its start: the function loops on itself. */
  readonly loops: boolean;
}

/**
 * Runs a block from its start with `room` (>= its first segment) instructions left in the
 * slice: returns -1 when it left the block (its PC and icount updated, maybe an exit recorded),
 * or k when the budget does not cover the segment starting at instruction k: k instructions
 * of this pass retired, and the caller must add them to icount and set the PC to instruction
 * k. Faults are thrown with c.fpc on the faulting instruction.
 */
export type BlockFn = (c: Cpu, room: number) => number;

/** Length of the segment starting at instruction k (up to its side exit or the block's end). */
function segmentLength(t: Trace, k: number): number {
  const n = t.words.length;
  let e = k;
  while (e < n - 1 && (branchKind(t.words[e]) === BranchKind.None || t.follow[e])) e++;
  return e + 1 - k;
}

export function blockFunction(t: Trace): { fn: BlockFn; firstSegment: number } {
  const { lo, hi, sf, fe, words, defs, pcs, follow, loops } = t;
  const execOf = (d: OpDef): Handler => (fe && mayTrap(d) ? trapping(d) : d.exec);
  const n = words.length;
  const ret = "return -1;";
  const handlers: Handler[] = [];
  const lines: string[] = [];
  const seg0 = segmentLength(t, 0);
  // Go round again only if the budget covers the first segment; the room is the pass's again.
  const again = `(room = c.limit - c.icount) >= ${seg0}`;
  const loopBack = `if (r[${S.PC}] === ${lo} && r[${S.PC + 1}] === ${hi} && ${again}) continue; `;
  /**
   * Before the segment starting at instruction k: stop unless the budget covers it. The stop
   * only returns a constant: the dispatcher writes the PC and the count. Code here that needs
   * type feedback (a store, a property) would have none until a slice first ends at this
   * point, and TurboFan would deoptimize the whole block function then (measured: twice the
   * deoptimizations and a ~25 % slower CPU benchmark when the stop wrote the state itself).
   */
  const segment = (k: number): string => `if (room < ${k + segmentLength(t, k)}) return ${k};`;
  for (let k = 0; k < n; k++) {
    const d = defs[k];
    const w = words[k];
    const pc = pcs[k];
    const next = (pc + 4) | 0;
    const nhi = sf && next === 0 ? (hi + 1) | 0 : hi;
    const br = branchKind(w);
    const last = k === n - 1;
    // Leaving after this instruction (k + 1 retired): to a static target, or to the PC.
    const leave = `c.icount += ${k + 1}; ${loops ? loopBack : ""}${ret}`;
    const jump = (tl: number, th: number): string =>
      follow[k]
        ? "" // the target's code follows in this block
        : loops && tl === lo && th === hi
        ? `c.icount += ${k + 1}; if (${again}) continue; r[${S.PC}] = ${tl}; r[${S.PC + 1}] = ${th}; ${ret}`
        : `r[${S.PC}] = ${tl}; r[${S.PC + 1}] = ${th}; c.icount += ${k + 1}; ${ret}`;
    const gen = d === undefined || (fe && mayTrap(d)) ? undefined : JIT.get(d.mnemonic);
    const handler = (): string => {
      handlers.push(d === undefined ? illegal : execOf(d));
      return `h${handlers.length - 1}(c, ${w}, ${pc});`;
    };
    const code = gen?.(w, { sf, le: t.le, pc, pcHi: hi, jump, leave, handler });
    if (code !== undefined) {
      lines.push(code);
      // Not taken (or not a branch): fall through. Calls are "always" block ends, yet a
      // conditional bcl may fall through, so this is emitted after every last instruction.
      if (last) lines.push(`r[${S.PC}] = ${next}; r[${S.PC + 1}] = ${nhi}; c.icount += ${n}; ${ret}`);
      else if (br !== BranchKind.None && !follow[k]) lines.push(segment(k + 1));
      continue;
    }
    const h = handlers.length;
    handlers.push(d === undefined ? illegal : execOf(d));
    const flags = d === undefined ? 0 : d.flags ?? 0;
    // The fall-through PC is in place before a branch (handler contract), and before the last.
    if (br !== BranchKind.None || last) lines.push(`r[${S.PC}] = ${next}; r[${S.PC + 1}] = ${nhi};`);
    if ((flags & OpFlag.Mem) !== 0) lines.push(`c.fpc = ${pc};`);
    lines.push(`h${h}(c, ${w}, ${pc});`);
    if (last) lines.push(loops ? `c.icount += ${n}; ${loopBack}${ret}` : `c.icount += ${n}; ${ret}`);
    else if (br !== BranchKind.None) {
      lines.push(`if (r[${S.PC}] !== ${next} || r[${S.PC + 1}] !== ${nhi}) { ${leave} }`);
      lines.push(segment(k + 1));
    }
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
  const src = `"use strict"; return function ${name}(c, room) { ${decls.join(" ")}\n${body}\n};`;
  let factory: (...h: Handler[]) => BlockFn;
  try {
    factory = new Function(...params, src) as (...h: Handler[]) => BlockFn;
  } catch (e) {
    throw new Error(`engine: generated code for the block at 0x${(lo >>> 0).toString(16)} does not compile: ${String(e)}\n${src}`);
  }
  return { fn: factory(...handlers), firstSegment: seg0 };
}
