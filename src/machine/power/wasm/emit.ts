// The contract between the translator's region compiler and its instruction emitters.
//
// The translator (wasm-engine.ts, region.ts) compiles a hot region of guest code into one
// WebAssembly function. The architectural registers the region touches live in wasm locals
// (GPRs as i64, CR fields and XER bits as i32, FPRs as f64/i64, VSRs as v128) for the whole
// region; the region compiler loads them at entry and writes back the ones it changed at every
// exit and around every handler call. An instruction emitter (one function per mnemonic, like
// jit.ts's JS templates) writes the code of one instruction against the `Emit` interface below:
// it never touches the state block itself, never computes depths of branches, and never decides
// how a region is left. Whatever it cannot do natively (a rare form, a slow path) it hands to
// `fallback()`, which runs the instruction's handler (decode.ts) on the written-back state.
//
// Every emitter must compute exactly what its handler computes (the check in
// wasm/testing/check.ts runs both on random words and random states, both modes, both byte
// orders, and compares the whole state, memory and faults), apart from flags the region
// compiler proved dead (`crLive`, `xerLive`, `fpscrLive`: never dead in that check).
//
// Conventions
//  - Values: `gpr(n)` pushes GPR n as i64; `setGpr(n)` pops an i64. In 32-bit mode (sf false)
//    registers are still 64-bit; compute exactly what the handler leaves in the high word.
//  - Effective addresses are i64 locals; in 32-bit mode an emitter wraps them to 32 bits
//    (`ea32(ea)`) before an access, as the handlers do.
//  - A memory access (`load`, `store`, ...) probes the processor's TLB inline; a miss, a page
//    crossing, a store to a page holding translated code or a fault goes to the slow path, and a
//    fault leaves the region with this instruction not retired and its PC exact. Accesses must
//    come before any register or flag update of the instruction (an instruction that faults has
//    no effect), as the handlers order them.
//  - Branches: an emitter says where control goes (`branch`, `branchIf`, `branchIndirect`);
//    the region compiler turns it into a jump inside the region, a chained call to another
//    region, or an exit to the dispatcher. The fall-through needs nothing.
//  - `temp(t)` gives a scratch local that is free again after this instruction.

import type { FnBuilder } from "./encoder.js";
import { T } from "./encoder.js";

export { T };

/** XER bits kept as separate 0/1 words in the state (state.ts). */
export const enum Xer {
  SO = 0,
  OV = 1,
  CA = 2,
  OV32 = 3,
  CA32 = 4,
}

/** 64-bit special registers kept in the state. */
export const enum Spr {
  LR = 0,
  CTR = 1,
  TAR = 2,
}

export type AccessSize = 1 | 2 | 4 | 8;

export interface Emit {
  /** The function being written (raw instructions: `f.op(Op.i64_add)`, `f.get(t)`, ...). */
  readonly f: FnBuilder;
  /** 64-bit mode (MSR.SF) and guest byte order: constants of the region. */
  readonly sf: boolean;
  readonly le: boolean;
  /** This instruction's word and address (low word; the high word is `pcHi`). */
  readonly w: number;
  readonly pc: number;
  readonly pcHi: number;

  // ---- registers (each a local of the region) ----
  /** Push GPR n (i64). */
  gpr(n: number): void;
  /** Pop an i64 into GPR n. */
  setGpr(n: number): void;
  /** Push CR field n (i32, 4 bits: LT=8 GT=4 EQ=2 SO=1). */
  cr(n: number): void;
  /** Pop an i32 (4 bits) into CR field n. */
  setCr(n: number): void;
  /** Push an XER bit (i32 0/1). */
  xer(b: Xer): void;
  /** Pop an i32 (0/1) into an XER bit. */
  setXer(b: Xer): void;
  /** Push XER bits 57:63 (the byte count of lswx/stswx) and the other low bits, as kept (i32). */
  xerBc(): void;
  setXerBc(): void;
  /** Push LR, CTR or TAR (i64). */
  spr(s: Spr): void;
  setSpr(s: Spr): void;
  /** Push the FPSCR's bits 32:63 (i32, the classic FPSCR). */
  fpscr(): void;
  setFpscr(): void;
  /**
   * Push / pop the FPSCR's bits 0:31 (i32; only DRN, bits 29:31, exists). Optional: where an
   * Emit lacks them, mffs (which reads them) falls back to its handler.
   */
  fpscrHi?(): void;
  setFpscrHi?(): void;
  /** FPR n (doubleword 0 of VSR n) as an f64, or as its i64 bits; both name the same register. */
  fpr(n: number): void;
  setFpr(n: number): void;
  fprBits(n: number): void;
  setFprBits(n: number): void;
  /**
   * VSR n (VR k is VSR 32 + k) as a v128 in the state's layout: bytes 0-7 are doubleword 0
   * (ISA bits 0:63) as a little-endian 64-bit integer, bytes 8-15 doubleword 1 likewise. So
   * v128 byte j holds the register's big-endian byte 7 - j (j < 8) or 23 - j (j >= 8).
   */
  vsr(n: number): void;
  setVsr(n: number): void;
  /** Push VSCR (i32). */
  vscr(): void;
  setVscr(): void;

  /**
   * Whether a new value of CR field n / an XER bit / the FPSCR written by this instruction can be
   * observed (read before being overwritten, or present at an exit or a handler call). An emitter
   * may skip computing a dead one (it must then not write it either).
   */
  crLive(n: number): boolean;
  xerLive(b: Xer): boolean;
  fpscrLive(): boolean;

  /** A scratch local of type t, free again after this instruction. */
  temp(t: T): number;

  // ---- memory (guest byte order handled here) ----
  /** Wrap the i64 local `ea` to 32 bits in place when in 32-bit mode (no-op in 64-bit mode). */
  ea32(ea: number): void;
  /**
   * Push the `size`-byte value at the address in the i64 local `ea`, zero-extended to i64
   * (sign-extended if `signed`). A fault leaves the region (this instruction not retired).
   */
  load(size: AccessSize, ea: number, signed?: boolean): void;
  /** Store the low `size` bytes of the i64 local `value` at the address in the i64 local `ea`. */
  store(size: AccessSize, ea: number, value: number): void;
  /**
   * Push the 16 bytes at `ea` as a v128 in memory order (lane byte 0 at the lowest address).
   * `aligned`: the address is 16-byte aligned (lvx, stvx: the emitter has cleared the low bits),
   * so the access never crosses a page.
   */
  load128(ea: number, aligned: boolean): void;
  /** Store the v128 local `value` (memory order) at `ea`. */
  store128(ea: number, value: number, aligned: boolean): void;

  // ---- control ----
  /** Taken, unconditionally, to the static target (lo, hi). Code after it is unreachable. */
  branch(lo: number, hi: number): void;
  /** Pop an i32: when nonzero, taken to the static target (lo, hi); else fall through. */
  branchIf(lo: number, hi: number): void;
  /** Pop an i64 target address (already masked to 4 bytes and, in 32-bit mode, 32 bits): taken. */
  branchIndirect(): void;
  /**
   * Run this instruction through its handler: the region's changed registers are written to the
   * state first and every cached register is read back after. Whatever the handler does (a
   * branch, an exit such as sc or a trap, a fault) is honoured.
   */
  fallback(): void;
}

/**
 * An instruction emitter: writes the code of instruction word `e.w` and returns true, or
 * returns false (having written nothing) for a form it does not cover, which then runs through
 * `fallback()`. Registered by base mnemonic (decode.ts OpDef.mnemonic) in a family's map.
 */
export type WasmGen = (e: Emit) => boolean;

/** Field extractors shared by emitters (ISA bit numbering: bit 0 is the most significant). */
export const RT = (w: number): number => (w >>> 21) & 31;
export const RA = (w: number): number => (w >>> 16) & 31;
export const RB = (w: number): number => (w >>> 11) & 31;
export const RC = (w: number): number => (w >>> 6) & 31;
export const SI = (w: number): number => (w << 16) >> 16;
export const UI = (w: number): number => w & 0xffff;
export const Rc = (w: number): boolean => (w & 1) !== 0;
export const OE = (w: number): boolean => (w & 0x400) !== 0;
