// Translator emitters for the condition register (CR logical operations, mcrf, mfcr, mfocrf,
// mtcrf, mtocrf, mcrxr) and the SPR moves of LR, CTR, TAR and XER. The handlers are ops/cr.ts
// and ops/system.ts. The CR lives as eight 4-bit fields (CR bit n is bit 3 - (n & 3) of field
// n >> 2), XER as separate 0/1 bits plus the word of its other low bits (state.ts).

import { type Emit, type WasmGen, T, Xer, Spr, RT, RA, RB } from "../emit.js";
import { Op } from "../encoder.js";
import { pop } from "./fixed-util.js";

const M32 = 0xffffffffn;

// ---- CR logical (XL-form: BT, BA, BB in the RT, RA, RB fields) ----

/** Push CR bit n as 0/1. */
function pushCrBit(e: Emit, n: number): void {
  e.cr(n >>> 2);
  const s = 3 - (n & 3);
  if (s !== 0) e.f.i32(s).op(Op.i32_shr_u);
  e.f.i32(1).op(Op.i32_and);
}

/** CR bit BT = op(CR bit BA, CR bit BB), `not` complementing the result (nand, nor, eqv). */
function crLogical(op: Op, notB = false, not = false): WasmGen {
  return (e) => {
    const w = e.w, f = e.f, bt = RT(w), field = bt >>> 2, m = 8 >>> (bt & 3);
    if (!e.crLive(field)) return true;
    pushCrBit(e, RA(w));
    pushCrBit(e, RB(w));
    if (notB) f.i32(1).op(Op.i32_xor);
    f.op(op);
    if (not) f.i32(1).op(Op.i32_xor);
    const bit = pop(e, T.i32);
    // field = (field & ~m) | (bit << shift): the bit is 0/1 here
    e.cr(field);
    f.i32(~m & 15).op(Op.i32_and).get(bit);
    const s = 3 - (bt & 3);
    if (s !== 0) f.i32(s).op(Op.i32_shl);
    f.op(Op.i32_or);
    e.setCr(field);
    return true;
  };
}

/** mcrf BF, BFA. */
const mcrf: WasmGen = (e) => {
  const bf = (e.w >>> 23) & 7;
  if (!e.crLive(bf)) return true;
  e.cr((e.w >>> 18) & 7);
  e.setCr(bf);
  return true;
};

/** mfcr RT: RT = 32 zeros || CR. */
const mfcr: WasmGen = (e) => {
  const f = e.f;
  e.cr(0);
  for (let i = 1; i < 8; i++) {
    f.i32(4).op(Op.i32_shl);
    e.cr(i);
    f.op(Op.i32_or);
  }
  f.op(Op.i64_extend_i32_u);
  e.setGpr(RT(e.w));
  return true;
};

/** The field number of a one-bit FXM, or -1 for none or several bits (the handlers then do nothing). */
function oneField(w: number): number {
  const fxm = (w >>> 12) & 0xff;
  if (fxm === 0 || (fxm & (fxm - 1)) !== 0) return -1;
  return Math.clz32(fxm) - 24;
}

/** mfocrf RT, FXM: that field in its place, other bits 0. */
const mfocrf: WasmGen = (e) => {
  const i = oneField(e.w);
  if (i < 0) return true;
  e.cr(i);
  if (i !== 7) e.f.i32(28 - 4 * i).op(Op.i32_shl);
  e.f.op(Op.i64_extend_i32_u);
  e.setGpr(RT(e.w));
  return true;
};

/** CR field i = bits of the i32 local v (low word of RS) at that field's place. */
function fieldFrom(e: Emit, i: number, v: number): void {
  if (!e.crLive(i)) return;
  e.f.get(v);
  if (i !== 7) e.f.i32(28 - 4 * i).op(Op.i32_shr_u);
  if (i !== 0) e.f.i32(15).op(Op.i32_and);
  e.setCr(i);
}

/** The low word of RS in an i32 local. */
function rsLow(e: Emit): number {
  e.gpr(RT(e.w));
  e.f.op(Op.i32_wrap_i64);
  return pop(e, T.i32);
}

/** mtcrf FXM, RS: the fields selected by FXM from RS bits 32:63. */
const mtcrf: WasmGen = (e) => {
  const fxm = (e.w >>> 12) & 0xff;
  if (fxm === 0) return true;
  const v = rsLow(e);
  for (let i = 0; i < 8; i++) if ((fxm & (0x80 >>> i)) !== 0) fieldFrom(e, i, v);
  return true;
};

/** mtocrf FXM, RS: one field (none for an FXM of zero or several bits). */
const mtocrf: WasmGen = (e) => {
  const i = oneField(e.w);
  if (i < 0) return true;
  fieldFrom(e, i, rsLow(e));
  return true;
};

/** mcrxr BF: CR field BF = SO || OV || CA || 0, then SO = OV = CA = 0 (OV32/CA32 untouched). */
const mcrxr: WasmGen = (e) => {
  const f = e.f, bf = (e.w >>> 23) & 7;
  if (e.crLive(bf)) {
    e.xer(Xer.SO);
    f.i32(3).op(Op.i32_shl);
    e.xer(Xer.OV);
    f.i32(2).op(Op.i32_shl, Op.i32_or);
    e.xer(Xer.CA);
    f.i32(1).op(Op.i32_shl, Op.i32_or);
    e.setCr(bf);
  }
  for (const b of [Xer.SO, Xer.OV, Xer.CA]) {
    if (!e.xerLive(b)) continue;
    f.i32(0);
    e.setXer(b);
  }
  return true;
};

// ---- SPR moves ----

/** mflr / mfctr / mftar: RT = the SPR (all 64 bits in either mode). */
function mfspr(s: Spr): WasmGen {
  return (e) => {
    e.spr(s);
    e.setGpr(RT(e.w));
    return true;
  };
}

/** mtlr / mtctr / mttar: the SPR = RS in 64-bit mode, its low word (high word 0) in 32-bit mode. */
function mtspr(s: Spr): WasmGen {
  return (e) => {
    e.gpr(RT(e.w));
    if (!e.sf) e.f.i64(M32).op(Op.i64_and);
    e.setSpr(s);
    return true;
  };
}

/** XER bit positions in the low word (ISA bits 32 + k are 1 << (31 - k)). */
const XER_BITS: readonly [Xer, number][] = [
  [Xer.SO, 31], [Xer.OV, 30], [Xer.CA, 29], [Xer.OV32, 19], [Xer.CA32, 18],
];

/** mfxer: RT = the other bits | SO, OV, CA in their places (OV32/CA32 do not show on POWER8). */
const mfxer: WasmGen = (e) => {
  const f = e.f;
  e.xerBc();
  for (const [b, at] of XER_BITS.slice(0, 3)) {
    e.xer(b);
    f.i32(at).op(Op.i32_shl, Op.i32_or);
  }
  f.op(Op.i64_extend_i32_u);
  e.setGpr(RT(e.w));
  return true;
};

/** mtxer: the bits from RS's low word; the rest of it kept as the "other bits" word. */
const mtxer: WasmGen = (e) => {
  const f = e.f;
  const v = rsLow(e);
  let others = -1;
  for (const [b, at] of XER_BITS) {
    others &= ~(1 << at);
    if (!e.xerLive(b)) continue;
    f.get(v).i32(at).op(Op.i32_shr_u).i32(1).op(Op.i32_and);
    e.setXer(b);
  }
  f.get(v).i32(others).op(Op.i32_and);
  e.setXerBc();
  return true;
};

/** Every SPR move is also reachable through the mftb encoding (ops/system.ts `mf`). */
function withMftb(name: string, n: number, g: WasmGen): [string, WasmGen][] {
  return [[name, g], [`mftb(${n})`, g]];
}

/** SPRs 808-811: reserved no-ops of ISA 2.07 (RT unchanged). */
const sprNop: WasmGen = () => true;

export const CR_SPR_GENS: ReadonlyMap<string, WasmGen> = new Map<string, WasmGen>([
  ["crand", crLogical(Op.i32_and)],
  ["cror", crLogical(Op.i32_or)],
  ["crxor", crLogical(Op.i32_xor)],
  ["crnand", crLogical(Op.i32_and, false, true)],
  ["crnor", crLogical(Op.i32_or, false, true)],
  ["creqv", crLogical(Op.i32_xor, false, true)],
  ["crandc", crLogical(Op.i32_and, true)],
  ["crorc", crLogical(Op.i32_or, true)],
  ["mcrf", mcrf],
  ["mfcr", mfcr],
  ["mfocrf", mfocrf],
  ["mtcrf", mtcrf],
  ["mtocrf", mtocrf],
  ["mcrxr", mcrxr],
  ...withMftb("mflr", 8, mfspr(Spr.LR)),
  ...withMftb("mfctr", 9, mfspr(Spr.CTR)),
  ...withMftb("mftar", 815, mfspr(Spr.TAR)),
  ...withMftb("mfxer", 1, mfxer),
  ["mtlr", mtspr(Spr.LR)],
  ["mtctr", mtspr(Spr.CTR)],
  ["mttar", mtspr(Spr.TAR)],
  ["mtxer", mtxer],
  ...[808, 809, 810, 811].flatMap((n): [string, WasmGen][] => [
    [`mfspr(${n})`, sprNop], [`mftb(${n})`, sprNop], [`mtspr(${n})`, sprNop],
  ]),
]);
