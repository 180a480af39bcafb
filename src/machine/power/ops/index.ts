// Every instruction the processor implements, by family. One file per family; each exports a
// list of OpDefs (decode.ts). A test checks that no two definitions overlap ambiguously.

import type { OpDef } from "../decode.js";
import { BRANCH_OPS } from "./branch.js";
import { CACHE_OPS } from "./cache.js";
import { CR_OPS } from "./cr.js";
import { FIXED_ARITH_OPS } from "./fixed-arith.js";
import { FIXED_LOGIC_OPS } from "./fixed-logic.js";
import { FIXED_ROTATE_OPS } from "./fixed-rotate.js";
import { FP_ARITH_OPS } from "./fp-arith.js";
import { FP_COMPARE_OPS } from "./fp-compare.js";
import { FP_CONTROL_OPS } from "./fp-control.js";
import { FP_CONVERT_OPS } from "./fp-convert.js";
import { FP_LOADSTORE_OPS } from "./fp-loadstore.js";
import { FP_MOVE_OPS } from "./fp-move.js";
import { LOADSTORE_OPS } from "./loadstore.js";
import { LOADSTORE_ATOMIC_OPS } from "./loadstore-atomic.js";
import { LOADSTORE_STRING_OPS } from "./loadstore-string.js";
import { SYSTEM_OPS } from "./system.js";
import { TRAP_OPS } from "./trap.js";
import { VMX_FLOAT_OPS } from "./vmx-float.js";
import { VMX_INT_OPS } from "./vmx-int.js";
import { VMX_LOGIC_OPS } from "./vmx-logic.js";
import { VMX_MUL_OPS } from "./vmx-mul.js";
import { VMX_PACK_OPS } from "./vmx-pack.js";
import { VSX_PERM_OPS } from "./vsx-perm.js";
import { VSX_SCALAR_OPS } from "./vsx-scalar.js";
import { VSX_VECTOR_OPS } from "./vsx-vector.js";
import { VMX_CONTROL_OPS } from "./vmx-control.js";
import { VMX_LOADSTORE_OPS } from "./vmx-loadstore.js";
import { VSX_LOADSTORE_OPS } from "./vsx-loadstore.js";

export const ALL_OPS: readonly OpDef[] = [
  ...FIXED_ARITH_OPS,
  ...FIXED_LOGIC_OPS,
  ...FIXED_ROTATE_OPS,
  ...BRANCH_OPS,
  ...CR_OPS,
  ...SYSTEM_OPS,
  ...TRAP_OPS,
  ...LOADSTORE_OPS,
  ...LOADSTORE_ATOMIC_OPS,
  ...LOADSTORE_STRING_OPS,
  ...CACHE_OPS,
  ...FP_LOADSTORE_OPS,
  ...FP_CONTROL_OPS,
  ...FP_ARITH_OPS,
  ...FP_CONVERT_OPS,
  ...FP_MOVE_OPS,
  ...FP_COMPARE_OPS,
  ...VMX_LOADSTORE_OPS,
  ...VMX_CONTROL_OPS,
  ...VSX_LOADSTORE_OPS,
  ...VMX_INT_OPS,
  ...VMX_MUL_OPS,
  ...VMX_LOGIC_OPS,
  ...VMX_PACK_OPS,
  ...VMX_FLOAT_OPS,
  ...VSX_SCALAR_OPS,
  ...VSX_VECTOR_OPS,
  ...VSX_PERM_OPS,
];
