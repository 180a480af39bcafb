// The architectural registers a region keeps in WebAssembly locals ("slots"), where each lives
// in the state block (state.ts) and which wasm type holds it. The region compiler (region.ts)
// loads a slot from the state at the region's entry, writes it back at every exit and before a
// handler call, and reloads it after one.

import { type FnBuilder, Op, OpSimd, T } from "./encoder.js";
import { Spr, Xer } from "./emit.js";

/** Slot numbers: GPRs, CR fields, XER bits, SPRs, FPSCR, VSCR, VSRs. */
export const enum Slot {
  GPR = 0,
  CR = 32,
  XER = 40, // + Xer.SO .. Xer.CA32
  XER_BC = 45,
  SPR = 46, // + Spr.LR, CTR, TAR
  FPSCR = 49,
  VSCR = 50,
  VSR = 51, // .. 114
  FPSCR_HI = 115, // FPSCR bits 0:31 (DRN): read by mffs, written by mtfsf with L = 1
  COUNT = 116,
}

export const gprSlot = (n: number): number => Slot.GPR + n;
export const crSlot = (n: number): number => Slot.CR + n;
export const xerSlot = (b: Xer): number => Slot.XER + b;
export const sprSlot = (s: Spr): number => Slot.SPR + s;
export const vsrSlot = (n: number): number => Slot.VSR + n;

const SPR_OFFSETS = [0x500, 0x508, 0x518];

/** Byte offset of a slot in the state block. */
export function slotOffset(s: number): number {
  if (s < Slot.CR) return s * 8;
  if (s < Slot.XER) return 0x520 + (s - Slot.CR) * 4;
  if (s < Slot.XER_BC) return 0x540 + (s - Slot.XER) * 4;
  if (s === Slot.XER_BC) return 0x554;
  if (s < Slot.FPSCR) return SPR_OFFSETS[s - Slot.SPR];
  if (s === Slot.FPSCR) return 0x558;
  if (s === Slot.VSCR) return 0x560;
  if (s === Slot.FPSCR_HI) return 0x55c;
  return 0x100 + (s - Slot.VSR) * 16;
}

/**
 * The local type of a slot. A VSR below 32 whose region only uses it as an FPR (doubleword 0)
 * is kept as an f64 (`fprOnly`); otherwise VSRs are v128.
 */
export function slotType(s: number, fprOnly: boolean): T {
  if (s < Slot.CR) return T.i64;
  if (s < Slot.SPR) return T.i32;
  if (s < Slot.FPSCR) return T.i64;
  if (s < Slot.VSR) return T.i32;
  if (s === Slot.FPSCR_HI) return T.i32;
  return fprOnly ? T.f64 : T.v128;
}

/** Push slot `s` from the state (the state block's address in local `st`). */
export function loadSlot(f: FnBuilder, st: number, s: number, t: T): void {
  f.get(st);
  const off = slotOffset(s);
  switch (t) {
    case T.i64:
      f.mem(Op.i64_load, off, 3);
      return;
    case T.i32:
      f.mem(Op.i32_load, off, 2);
      return;
    case T.f64:
      f.mem(Op.f64_load, off, 3);
      return;
    case T.v128:
      f.simdMem(OpSimd.v128_load, off, 4);
      return;
    default:
      throw new Error(`region: slot ${s} has no type ${t}`);
  }
}

/** Store local `local` (of type t) into slot `s` of the state. */
export function storeSlot(f: FnBuilder, st: number, s: number, t: T, local: number): void {
  f.get(st).get(local);
  const off = slotOffset(s);
  switch (t) {
    case T.i64:
      f.mem(Op.i64_store, off, 3);
      return;
    case T.i32:
      f.mem(Op.i32_store, off, 2);
      return;
    case T.f64:
      f.mem(Op.f64_store, off, 3);
      return;
    case T.v128:
      f.simdMem(OpSimd.v128_store, off, 4);
      return;
    default:
      throw new Error(`region: slot ${s} has no type ${t}`);
  }
}
