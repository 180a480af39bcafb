// VMX logical, select, permute, shift and rotate instructions, lvsl/lvsr and element loads/stores.

import type { OpDef } from "../decode.js";

export const VMX_LOGIC_OPS: readonly OpDef[] = [];
