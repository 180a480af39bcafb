// Every instruction the processor implements, by family. One file per family; each exports a
// list of OpDefs (decode.ts). The decoder rejects overlapping definitions at start-up tests.

import type { OpDef } from "../decode.js";
import { BRANCH_OPS } from "./branch.js";
import { FIXED_ARITH_OPS } from "./fixed-arith.js";
import { FP_CONTROL_OPS } from "./fp-control.js";
import { FP_LOADSTORE_OPS } from "./fp-loadstore.js";
import { LOADSTORE_OPS } from "./loadstore.js";
import { SYSTEM_OPS } from "./system.js";

export const ALL_OPS: readonly OpDef[] = [
  ...FIXED_ARITH_OPS,
  ...BRANCH_OPS,
  ...LOADSTORE_OPS,
  ...SYSTEM_OPS,
  ...FP_LOADSTORE_OPS,
  ...FP_CONTROL_OPS,
];
