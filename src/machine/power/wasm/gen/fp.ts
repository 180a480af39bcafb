// Translator emitters: floating-point arithmetic, compare, convert, move, FPSCR, and the VSX
// scalar forms. See ../emit.ts for the contract; each emitter is checked against its handler
// by ../testing/check.ts (fp.test.ts). The emitters live in fp-arith.ts (arithmetic and its
// cores), fp-misc.ts (moves, compares, conversions, FPSCR) and fp-vsx.ts (VSX scalar), built
// from fp-code.ts's pieces.

import type { WasmGen } from "../emit.js";
import { FP_ARITH_GENS } from "./fp-arith.js";
import { FP_MISC_GENS } from "./fp-misc.js";
import { FP_VSX_GENS } from "./fp-vsx.js";

export const FP_GENS: ReadonlyMap<string, WasmGen> = new Map<string, WasmGen>([...FP_ARITH_GENS, ...FP_MISC_GENS, ...FP_VSX_GENS]);
