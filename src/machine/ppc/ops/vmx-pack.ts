// VMX merge, splat, pack and unpack instructions.

import type { OpDef } from "../decode.js";

export const VMX_PACK_OPS: readonly OpDef[] = [];
