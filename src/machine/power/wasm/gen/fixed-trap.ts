// Translator emitters for the trap instructions tw, twi, td, tdi (handlers: ops/trap.ts). The
// comparison is computed natively; only when it holds does the instruction go to its handler,
// which records the trap exit at the instruction's own address. TO = 0 never traps (nothing to
// emit); TO = 31 always does (the `trap` idiom: the handler directly).

import { type Emit, type WasmGen, T, RA, RB, SI } from "../emit.js";
import { Op } from "../encoder.js";
import { type Push, pop, local, const32, const64, lowWord } from "./fixed-util.js";

/** The TO field's comparisons in bit order 16, 8, 4, 2, 1, for 32- and 64-bit operands. */
const TO_OPS32: readonly Op[] = [Op.i32_lt_s, Op.i32_gt_s, Op.i32_eq, Op.i32_lt_u, Op.i32_gt_u];
const TO_OPS64: readonly Op[] = [Op.i64_lt_s, Op.i64_gt_s, Op.i64_eq, Op.i64_lt_u, Op.i64_gt_u];

/** Push the trap condition (i32): the OR of the comparisons TO selects of a with b. */
function pushCondition(e: Emit, to: number, a: Push, b: Push, ops: readonly Op[]): void {
  let first = true;
  for (let k = 0; k < 5; k++) {
    if ((to & (16 >>> k)) === 0) continue;
    a();
    b();
    e.f.op(ops[k]);
    if (!first) e.f.op(Op.i32_or);
    first = false;
  }
}

/** tw / twi / td / tdi: `double` compares all 64 bits, `imm` against EXTS(SI) instead of RB. */
function trap(double: boolean, imm: boolean): WasmGen {
  return (e) => {
    const w = e.w, to = (w >>> 21) & 31;
    if (to === 0) return true;
    if (to === 31) return false;
    let a: Push, b: Push;
    if (double) {
      e.gpr(RA(w));
      a = local(e, pop(e));
      if (imm) b = const64(e, BigInt(SI(w)));
      else {
        e.gpr(RB(w));
        b = local(e, pop(e));
      }
    } else {
      e.gpr(RA(w));
      a = local(e, lowWord(e, pop(e)));
      if (imm) b = const32(e, SI(w));
      else {
        e.gpr(RB(w));
        b = local(e, lowWord(e, pop(e)));
      }
    }
    pushCondition(e, to, a, b, double ? TO_OPS64 : TO_OPS32);
    e.f.if_(T.void);
    e.fallback();
    e.f.end();
    return true;
  };
}

export const FIXED_TRAP_GENS: ReadonlyMap<string, WasmGen> = new Map<string, WasmGen>([
  ["tw", trap(false, false)],
  ["twi", trap(false, true)],
  ["td", trap(true, false)],
  ["tdi", trap(true, true)],
]);
