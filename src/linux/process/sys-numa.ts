// NUMA as Linux shows it: set_mempolicy, get_mempolicy, mbind and move_pages, with the policy
// semantics of linux/numa (Linux 6.1's checks, errnos and placement) on the kernel's memory
// objects: a thread's policy chooses the nodes of the pages its faults bring in, a region's
// (mbind) those of its pages, and move_pages/mbind(MPOL_MF_MOVE) migrate pages between nodes
// (the old frame is freed after the shootdown that removes its translations).
//
// Node masks are kept as one bit per node in the kernel's records: policies name nodes 0..31
// (a machine has at most 64 processors; a mask naming a node beyond 31 is refused with EINVAL
// and logged).

import { PAGE_SIZE } from "../../machine/memory.js";
import { GuestFault } from "../../machine/power/mmu.js";
import type { NodeChoice } from "../../kernel/mem/page-allocator.js";
import type { Placement } from "../../kernel/mem/system.js";
import type { Release } from "../../kernel/mem/process.js";
import { PageWait } from "../../kernel/mem/region.js";
import { MpolMode, MPOL_MODE_FLAGS, getMempolicy, installTaskPolicy, parseSetMempolicy, type MemPolicy, type TaskPolicy } from "../numa/mempolicy.js";
import { mbindResult, parseMbind, queueMisplacedPages, type MbindVma } from "../numa/mbind.js";
import { checkMovePagesFlags, movePages } from "../numa/move-pages.js";
import { nodemaskAbi, writeUserNodemask, type NodemaskAbi, type UserNodemask } from "../numa/nodemask.js";
import { chooseNode } from "../numa/placement.js";
import { E, addr, readGuestPopulating, writeGuest, type Handler, type Pending, type SysContext } from "./syscalls.js";

/** Linux's placement rule for the kernel's allocator: policy (mode|flags, node bits) → nodes. */
export function linuxPlacement(online: readonly number[]): Placement {
  return (mode, nodes, index, local): NodeChoice | undefined => {
    const policy = decode(mode, nodes);
    if (policy.mode === MpolMode.Default) return undefined;
    const p = chooseNode(policy, local, index, online);
    return { nodes: p.preferred, strict: p.strict };
  };
}

/** A policy as the kernel records it: mode with its flags, and a bit per node. */
export function encode(p: MemPolicy): { mode: number; nodes: number } | undefined {
  let bits = 0;
  for (const n of p.nodes) {
    if (n >= 32) return undefined;
    bits |= 1 << n;
  }
  return { mode: p.mode | (p.flags & MPOL_MODE_FLAGS), nodes: bits };
}

function decode(mode: number, bits: number): MemPolicy {
  const nodes: number[] = [];
  for (let n = 0; n < 32; n++) if ((bits & (1 << n)) !== 0) nodes.push(n);
  return { mode: (mode & 0xff) as MpolMode, flags: mode & MPOL_MODE_FLAGS, nodes };
}

const online = (ctx: SysContext): number[] => Array.from({ length: ctx.k.topology.nodes }, (_, i) => i);
const abiOf = (ctx: SysContext): NodemaskAbi => nodemaskAbi(ctx.image.is64 ? 64 : 32, ctx.k.topology.nodes, PAGE_SIZE);
const long = (ctx: SysContext, i: number): bigint => BigInt(addr(ctx, i));

/** A user node mask at `ptr` (0: none), read word by word as Linux's get_nodes does. */
function userMask(ctx: SysContext, ptr: number, maxnode: bigint): UserNodemask {
  const w = ctx.image.is64 ? 8 : 4;
  return {
    present: ptr !== 0, maxnode,
    read: (i) => {
      try {
        const b = readGuestPopulating(ctx, ptr + i * w, w);
        const dv = new DataView(b.buffer, b.byteOffset, w);
        return w === 8 ? dv.getBigUint64(0, ctx.image.le) : BigInt(dv.getUint32(0, ctx.image.le));
      } catch (e) {
        if (e instanceof RangeError || e instanceof GuestFault) return undefined;
        throw e;
      }
    },
  };
}

/** The thread's policy, as the kernel's allocator sees it (SysContext.policy is the record). */
export function setThreadPolicy(ctx: SysContext, task: TaskPolicy): boolean {
  const e = encode(task.policy);
  if (e === undefined) return false;
  ctx.policy = { ...e, task };
  return true;
}

/** set_mempolicy(mode, nmask, maxnode). */
const sysSetMempolicy: Handler = (ctx, a) => {
  const abi = abiOf(ctx);
  const p = parseSetMempolicy(a[0] | 0, userMask(ctx, addr(ctx, 1), long(ctx, 2)), abi, online(ctx));
  if (typeof p === "number") return p;
  if (!setThreadPolicy(ctx, installTaskPolicy(ctx.policy.task, p, abi))) {
    ctx.log("set_mempolicy: nodes beyond 31 are not supported by the kernel's policy records, returning EINVAL");
    return -E.EINVAL;
  }
  return 0;
};

/** The node of the frame mapped at `va` after faulting it in for reading, or -EFAULT. */
function pageNode(ctx: SysContext, va: number): number {
  const r = ctx.space.faultNow(va - (va % PAGE_SIZE), 0);
  if (r.kind === "in progress") throw new PageWait(r.obj); // being migrated (or read): the call runs again after
  if (r.kind !== "mapped") return -E.EFAULT;
  return ctx.k.port.mem.frameNode(r.pa >>> 12);
}

/** get_mempolicy(policy*, nmask*, maxnode, addr, flags). */
const sysGetMempolicy: Handler = (ctx, a) => {
  const abi = abiOf(ctx);
  const policyPtr = addr(ctx, 0), maskPtr = addr(ctx, 1), maxnode = long(ctx, 2);
  const r = getMempolicy({ wantMask: maskPtr !== 0, maxnode, addr: long(ctx, 3), flags: long(ctx, 4) }, {
    task: ctx.policy.task,
    memsAllowed: online(ctx),
    mappingPolicy: (at) => {
      const reg = ctx.space.find(Number(at));
      return reg === undefined ? undefined : decode(reg.policyMode, reg.policyNodes);
    },
    pageNode: (at) => pageNode(ctx, Number(at)),
  }, abi);
  if (typeof r === "number") return r;
  if (policyPtr !== 0) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, r.policy, ctx.image.le);
    writeGuest(ctx, policyPtr, b);
  }
  if (maskPtr !== 0) {
    const writes = writeUserNodemask(abi, maxnode, r.nodes);
    if (typeof writes === "number") return writes;
    const w = ctx.image.is64 ? 8 : 4;
    for (const wr of writes) {
      const b = new Uint8Array(w);
      const dv = new DataView(b.buffer);
      if (w === 8) dv.setBigUint64(0, wr.value, ctx.image.le);
      else dv.setUint32(0, Number(wr.value & 0xffffffffn), ctx.image.le);
      writeGuest(ctx, maskPtr + wr.index * w, b);
    }
  }
  return 0;
};

/** The mappings overlapping [start, end) with their resident pages, as mbind's walk sees them. */
function vmasOf(ctx: SysContext, start: number, end: number): MbindVma[] {
  const mem = ctx.k.port.mem, cos = ctx.k.cos;
  return ctx.space.regions().filter((r) => r.end > start && r.start < end).map((r) => {
    const shared = cos.callNow(r.fcm, (f) => f.shared);
    const pages = [];
    for (let va = Math.max(start, r.start); va < Math.min(end, r.end); va += PAGE_SIZE) {
      const pa = ctx.space.resident(va);
      if (pa >= 0) pages.push({ addr: BigInt(va), node: mem.frameNode(pa >>> 12), shared, isolatable: true });
    }
    return { start: BigInt(r.start), end: BigInt(r.end), migratable: true, pages };
  });
}

/** mbind(start, len, mode, nmask, maxnode, flags). */
const sysMbind: Handler = (ctx, a) => {
  const abi = abiOf(ctx);
  const req = parseMbind({ start: long(ctx, 0), len: long(ctx, 1), mode: a[2] | 0, mask: userMask(ctx, addr(ctx, 3), long(ctx, 4)), flags: a[5] }, abi, online(ctx));
  if (typeof req === "number") return req;
  const start = Number(req.start), end = Number(req.end);
  const walk = queueMisplacedPages(req, vmasOf(ctx, start, end));
  if (walk.status < 0) return walk.status;
  const enc = encode(req.policy);
  if (enc === undefined) {
    ctx.log("mbind: nodes beyond 31 are not supported by the kernel's policy records, returning EINVAL");
    return -E.EINVAL;
  }
  return (function* (): Pending {
    yield* ctx.space.setPolicy(start, end, enc.mode, enc.nodes, req.discontigOk);
    let failed = 0;
    for (const va of walk.queued) {
      const v = Number(va);
      const reg = ctx.space.find(v);
      const choice = reg === undefined ? undefined : ctx.space.ms.policyChoice(enc.mode, enc.nodes, Math.floor(v / PAGE_SIZE));
      if (choice === undefined) continue;
      failed += yield* ctx.space.migrate([v], { nodes: choice.nodes, strict: true });
    }
    return mbindResult(req, walk.status, failed);
  })();
};

/** move_pages(pid, count, pages, nodes, status, flags): pid 0 or the process itself. */
const sysMovePages: Handler = (ctx, a) => {
  const pid = a[0] | 0, count = a[1] >>> 0, pages = addr(ctx, 2), nodes = addr(ctx, 3), status = addr(ctx, 4);
  const f = checkMovePagesFlags(a[5] | 0);
  if (f !== 0) return f;
  if (pid !== 0 && pid !== 1) return -3; // ESRCH: no other process exists yet
  const w = ctx.image.is64 ? 8 : 4;
  const word = (va: number, size: number): bigint | undefined => {
    try {
      const b = readGuestPopulating(ctx, va, size);
      const dv = new DataView(b.buffer, b.byteOffset, size);
      return size === 8 ? dv.getBigUint64(0, ctx.image.le) : BigInt(dv.getUint32(0, ctx.image.le));
    } catch (e) {
      if (e instanceof RangeError || e instanceof GuestFault) return undefined;
      throw e;
    }
  };
  const pending: Release = { flush: false, frames: [], objects: [], drops: [] };
  const mem = ctx.k.port.mem;
  const r = movePages(count, a[5] | 0, {
    readPage: (i) => word(pages + i * w, w),
    readNode: nodes === 0 ? null : (i) => {
      const v = word(nodes + i * 4, 4);
      return v === undefined ? undefined : Number(BigInt.asIntN(32, v));
    },
    writeStatus: (i, v) => {
      try {
        const b = new Uint8Array(4);
        new DataView(b.buffer).setInt32(0, v, ctx.image.le);
        writeGuest(ctx, status + i * 4, b);
        return true;
      } catch (e) {
        if (e instanceof RangeError || e instanceof GuestFault) return false;
        throw e;
      }
    },
  }, {
    follow: (at) => {
      const va = Number(at % BigInt(2 ** 48));
      if (ctx.space.find(va) === undefined) return -E.EFAULT;
      const pa = ctx.space.resident(va);
      // An anonymous page never touched has no frame: Linux's follow_page answers -EFAULT.
      return pa < 0 ? -E.EFAULT : { node: mem.frameNode(pa >>> 12), shared: false, isolate: 0 };
    },
    migratable: (at) => ctx.space.find(Number(at % BigInt(2 ** 48))) !== undefined,
    migrate: (addrs, node) => {
      let left = 0;
      for (const at of addrs) {
        const va = Number(at % BigInt(2 ** 48));
        const m = ctx.space.call((p) => p.migrate(va, { nodes: [node], strict: true }));
        if (!m.moved) left++;
        pending.flush ||= m.rel.flush;
        pending.frames.push(...m.rel.frames);
        // The copies are made after the shootdown (Space.settle), with the FCMs' references.
        pending.drops.push(...m.rel.drops);
        (pending.moves ??= []).push(...(m.rel.moves ?? []));
      }
      return left;
    },
  }, { maxNumNodes: abiOf(ctx).maxNumNodes, memoryNodes: online(ctx), allowed: online(ctx) });
  // The old frames go back only after the shootdown that removes their translations.
  if (!pending.flush && pending.frames.length === 0 && pending.drops.length === 0) return r;
  return (function* (): Pending {
    yield* ctx.space.settle(pending);
    return r;
  })();
};

/** The NUMA family, by the names of asm/unistd_*.h (registered in linux/syscalls/registry.ts). */
export const NUMA_CALLS: Readonly<Record<string, Handler>> = {
  mbind: sysMbind,
  get_mempolicy: sysGetMempolicy,
  set_mempolicy: sysSetMempolicy,
  move_pages: sysMovePages,
};

/** What the NUMA calls do not do yet. */
export const NUMA_PARTIAL: Readonly<Record<string, string>> = {
  mbind: "node masks naming nodes beyond 31 are refused with EINVAL (the kernel's policy records hold 32 nodes)",
  set_mempolicy: "node masks naming nodes beyond 31 are refused with EINVAL (the kernel's policy records hold 32 nodes)",
};
