// Storage synchronisation and cache management: sync, lwsync, isync, eieio, dcbz, dcbt, dcbst, dcbf, icbi, ...

import type { OpDef } from "../decode.js";

export const CACHE_OPS: readonly OpDef[] = [];
