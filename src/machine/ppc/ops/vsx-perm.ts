// VSX logical, permute, merge, splat and select instructions, and GPR<->VSR moves.

import type { OpDef } from "../decode.js";

export const VSX_PERM_OPS: readonly OpDef[] = [];
