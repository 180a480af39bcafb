// Small emitters for tests of the translator's core (not the families' emitters): loads and
// stores of every size, the 16-byte accesses, addi/add, and an lwz that runs its handler for
// misaligned addresses (an emitter's handler call on one path of its own branch). The check
// (check.test.ts) proves them against the handlers; the engine tests use them to run regions
// that mix native code, handler calls and branches.

import { Op, T } from "../encoder.js";
import { type AccessSize, type Emit, OE, RA, RB, RT, Rc, SI, type WasmGen } from "../emit.js";

/** EA = (RA|0) + disp into a new i64 temp, wrapped in 32-bit mode. */
function eaD(e: Emit, disp: number): number {
  const ea = e.temp(T.i64);
  if (RA(e.w) === 0) e.f.i64(disp);
  else {
    e.gpr(RA(e.w));
    e.f.i64(disp).op(Op.i64_add);
  }
  e.f.set(ea);
  e.ea32(ea);
  return ea;
}

function eaX(e: Emit): number {
  const ea = e.temp(T.i64);
  if (RA(e.w) === 0) e.gpr(RB(e.w));
  else {
    e.gpr(RA(e.w));
    e.gpr(RB(e.w));
    e.f.op(Op.i64_add);
  }
  e.f.set(ea);
  e.ea32(ea);
  return ea;
}

export const load = (size: AccessSize, signed: boolean, ds = false): WasmGen => (e) => {
  const ea = eaD(e, ds ? SI(e.w) & ~3 : SI(e.w));
  e.load(size, ea, signed);
  e.setGpr(RT(e.w));
  return true;
};

export const store = (size: AccessSize, ds = false): WasmGen => (e) => {
  const ea = eaD(e, ds ? SI(e.w) & ~3 : SI(e.w));
  const v = e.temp(T.i64);
  e.gpr(RT(e.w));
  e.f.set(v);
  e.store(size, ea, v);
  return true;
};

/** The state layout of a VR from memory order (lvx: doublewords swapped in little-endian mode). */
const toState = (le: boolean): number[] => (le ? [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7] : [7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8]);

const lvx: WasmGen = (e) => {
  const ea = eaX(e);
  e.f.get(ea).i64(-16n).op(Op.i64_and).set(ea);
  const v = e.temp(T.v128);
  e.load128(ea, true);
  e.f.tee(v).get(v).shuffle(toState(e.le));
  e.setVsr(32 + RT(e.w));
  return true;
};

const stvx: WasmGen = (e) => {
  const ea = eaX(e);
  e.f.get(ea).i64(-16n).op(Op.i64_and).set(ea);
  const v = e.temp(T.v128);
  e.vsr(32 + RT(e.w));
  e.f.tee(v).get(v).shuffle(toState(e.le)).set(v); // the permutation is its own inverse
  e.store128(ea, v, true);
  return true;
};

export const GOOD = new Map<string, WasmGen>([
  ["lbz", load(1, false)],
  ["lhz", load(2, false)],
  ["lha", load(2, true)],
  ["lwz", load(4, false)],
  ["lwa", load(4, true, true)],
  ["ld", load(8, false, true)],
  ["stb", store(1)],
  ["sth", store(2)],
  ["stw", store(4)],
  ["std", store(8, true)],
  ["lvx", lvx],
  ["stvx", stvx],
]);


/** addi: RT = (RA|0) + SI (64-bit in both modes, as the handler). */
export const addi: WasmGen = (e) => {
  if (RA(e.w) === 0) e.f.i64(SI(e.w));
  else {
    e.gpr(RA(e.w));
    e.f.i64(SI(e.w)).op(Op.i64_add);
  }
  e.setGpr(RT(e.w));
  return true;
};

/** add without OE and Rc. */
export const add: WasmGen = (e) => {
  if (OE(e.w) || Rc(e.w)) return false;
  e.gpr(RA(e.w));
  e.gpr(RB(e.w));
  e.f.op(Op.i64_add);
  e.setGpr(RT(e.w));
  return true;
};

/** lwz natively when the EA is 4-byte aligned, through its handler otherwise. */
export const lwzNested: WasmGen = (e) => {
  const ea = eaD(e, SI(e.w));
  e.f.get(ea).op(Op.i32_wrap_i64).i32(3).op(Op.i32_and).if_();
  e.fallback();
  e.f.else_();
  e.load(4, ea, false);
  e.setGpr(RT(e.w));
  e.f.end();
  return true;
};

/** Emitters for a small integer program (engine tests). */
export const PROGRAM_GENS = new Map<string, WasmGen>([
  ["addi", addi],
  ["add", add],
  ["lwz", lwzNested],
  ["stw", store(4)],
  ["lbz", load(1, false)],
  ["stb", store(1)],
]);
