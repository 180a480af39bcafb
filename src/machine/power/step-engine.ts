// The step engine: the plain interpreter. Each instruction is fetched through the execute TLB,
// decoded and run by its handler, one at a time; nothing is translated or cached but the
// decoder's word table. It is the reference the other engines are tested against (the
// differential suites and engine-matrix.test.ts run it beside the block engine) and the engine
// of choice when a bug must be told apart from a translation bug. `stepInstruction` is also
// how the block engine single-steps.

import { type Cpu, Exit } from "./cpu.js";
import type { Decoder, Handler } from "./decode.js";
import { decoder, type EngineKind, type ExecutionEngine } from "./engine.js";
import { GuestFault } from "./mmu.js";
import { S } from "./state.js";
import { FpEnabledTrap, MODE_FE, mayTrap, trapping } from "./fpu/trap.js";

/** The handler of a word no definition matches. */
export const illegal: Handler = (c, w, pc) => c.stop(Exit.Illegal, pc, w);

/**
 * Execute the instruction at the PC: on return it has retired (icount + 1, PC advanced or
 * branched, possibly an exit recorded), or it faulted (exit Fault, PC and icount unchanged).
 */
export function stepInstruction(c: Cpu, dec: Decoder): void {
  const r = c.r;
  const lo = r[S.PC];
  const hi = r[S.PC + 1];
  let w: number;
  try {
    w = c.fetch(lo, hi);
  } catch (e) {
    if (e instanceof GuestFault) {
      faulted(c, e, lo, hi);
      return;
    }
    throw e;
  }
  const def = dec.decode(w);
  // With FP enabled-exception traps on, FP instructions run through their wrappers.
  const exec = def === undefined ? illegal : (c.modeBits & MODE_FE) !== 0 && mayTrap(def) ? trapping(def) : def.exec;
  // The fall-through PC is in place before the handler (what a branch or an exit expects).
  const next = (lo + 4) | 0;
  r[S.PC] = next;
  r[S.PC + 1] = c.sf && next === 0 ? (hi + 1) | 0 : hi;
  c.fpc = lo;
  try {
    exec(c, w, lo);
  } catch (e) {
    if (e instanceof GuestFault || e instanceof FpEnabledTrap) {
      faulted(c, e, lo, hi);
      return;
    }
    throw e;
  }
  c.icount++;
}

/**
 * Record a storage fault (or an FP enabled-exception interrupt, which the ISA makes precise the
 * same way) of the instruction at (lo, hi): it did not retire, the PC stays on it.
 */
export function faulted(c: Cpu, e: GuestFault | FpEnabledTrap, lo: number, hi: number): void {
  c.fault = e instanceof GuestFault ? e : undefined;
  c.r[S.PC] = lo;
  c.r[S.PC + 1] = hi;
  c.stop(e instanceof GuestFault ? Exit.Fault : Exit.FpEnabled, lo, 0);
  // stop() derives the high word from an advanced PC; this one was not advanced.
  c.exitPcHi = hi;
}

export class StepEngine implements ExecutionEngine {
  readonly kind: EngineKind = "step";
  private readonly c: Cpu;
  private readonly dec: Decoder;

  constructor(c: Cpu) {
    this.c = c;
    this.dec = decoder();
  }

  run(limit: number): void {
    const c = this.c;
    const dec = this.dec;
    while (c.icount < limit) {
      stepInstruction(c, dec);
      if (c.exit !== Exit.None) return;
    }
  }

  step(): void {
    stepInstruction(this.c, this.dec);
  }

  /** Nothing is remembered between instructions: every fetch goes through the TLB. */
  flushSlots(): void {}

  /** Nothing is translated: the next fetch reads the new code. */
  flush(): void {}

  isCode(frame: number): boolean {
    return this.c.mem.isCode(frame);
  }

  /** Another engine (on any processor) may have translated the frame: drop its translations. */
  codeWritten(frame: number): void {
    if (this.c.mem.isCode(frame)) this.c.mem.invalidateCode(frame);
  }
}
