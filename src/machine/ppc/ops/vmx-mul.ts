// VMX multiply, multiply-sum, sum-across, popcount, count leading zeros, gather bits, bit permute, polynomial multiply-sum, and the POWER8 crypto instructions.

import type { OpDef } from "../decode.js";

export const VMX_MUL_OPS: readonly OpDef[] = [];
