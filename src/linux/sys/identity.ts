// The identity family: user and group ids, supplementary groups and capabilities
// (kernel/sys.c, kernel/groups.c, kernel/capability.c), on the task's Credentials (the
// process ids are the processes family's: process/sys-proc.ts). uid_t and gid_t are 32 bits on both ppc64 and ppc32, so ppc32 has no *32
// variants. The rules themselves live in task/credentials.ts; here are the copies.

import { E } from "../errno.js";
import type { Handler, SysContext } from "../process/syscalls.js";
import { CAP_LAST_CAP, Cap, NGROUPS_MAX } from "../task/credentials.js";
import { argInt, argPtr, argU32, newStruct, putU32, readStruct, writeStruct } from "./user.js";

// ---- user and group ids ----

const getuid: Handler = (ctx) => ctx.task.creds.uid;
const geteuid: Handler = (ctx) => ctx.task.creds.euid;
const getgid: Handler = (ctx) => ctx.task.creds.gid;
const getegid: Handler = (ctx) => ctx.task.creds.egid;

/** getres[ug]id: three stores, in order; the first bad pointer fails the call. */
const getres = (ids: (ctx: SysContext) => [number, number, number]): Handler => (ctx) => {
  const v = ids(ctx);
  for (let i = 0; i < 3; i++) putU32(ctx, argPtr(ctx, i), v[i]);
  return 0;
};

const c = (ctx: SysContext) => ctx.task.creds;

export const IDENTITY_CALLS: Record<string, Handler> = {
  getuid, geteuid, getgid, getegid,
  getresuid: getres((ctx) => [c(ctx).uid, c(ctx).euid, c(ctx).suid]),
  getresgid: getres((ctx) => [c(ctx).gid, c(ctx).egid, c(ctx).sgid]),
  setuid: (ctx) => c(ctx).setuid(argU32(ctx, 0)),
  setgid: (ctx) => c(ctx).setgid(argU32(ctx, 0)),
  setreuid: (ctx) => c(ctx).setreuid(argU32(ctx, 0), argU32(ctx, 1)),
  setregid: (ctx) => c(ctx).setregid(argU32(ctx, 0), argU32(ctx, 1)),
  setresuid: (ctx) => c(ctx).setresuid(argU32(ctx, 0), argU32(ctx, 1), argU32(ctx, 2)),
  setresgid: (ctx) => c(ctx).setresgid(argU32(ctx, 0), argU32(ctx, 1), argU32(ctx, 2)),
  setfsuid: (ctx) => c(ctx).setfsuid(argU32(ctx, 0)),
  setfsgid: (ctx) => c(ctx).setfsgid(argU32(ctx, 0)),
  getgroups: sysGetgroups,
  setgroups: sysSetgroups,
  capget: sysCapget,
  capset: sysCapset,
};

/** getgroups(size, list): size 0 asks for the count; a smaller size is EINVAL. */
function sysGetgroups(ctx: SysContext): number {
  const size = argInt(ctx, 0), list = c(ctx).groups;
  if (size < 0) return -E.EINVAL;
  if (size === 0) return list.length;
  if (list.length > size) return -E.EINVAL;
  if (list.length > 0) {
    const s = newStruct(ctx, 4 * list.length);
    list.forEach((g, i) => s.u32(4 * i, g));
    writeStruct(ctx, argPtr(ctx, 1), s);
  }
  return list.length;
}

/** setgroups(size, list): EPERM unless privileged, then EINVAL past NGROUPS_MAX, then the copy. */
function sysSetgroups(ctx: SysContext): number {
  const size = argInt(ctx, 0);
  if (!c(ctx).capable(Cap.SETGID)) return -E.EPERM;
  if (size < 0 || size > NGROUPS_MAX) return -E.EINVAL;
  const list: number[] = [];
  if (size > 0) {
    const s = readStruct(ctx, argPtr(ctx, 1), 4 * size);
    for (let i = 0; i < size; i++) list.push(s.getU32(4 * i));
  }
  return c(ctx).setgroups(list);
}

// ---- capabilities (kernel/capability.c) ----

const CAP_V1 = 0x19980330, CAP_V2 = 0x20071026, CAP_V3 = 0x20080522;

/**
 * The header's version: how many 32-bit words each set takes (1 for v1, 2 for v2 and v3), or,
 * for an unknown version, v3 written back and undefined (EINVAL).
 */
function capWords(ctx: SysContext, hdr: number): 1 | 2 | undefined {
  const v = readStruct(ctx, hdr, 4).getU32(0);
  if (v === CAP_V1) return 1;
  if (v === CAP_V2 || v === CAP_V3) return 2;
  putU32(ctx, hdr, CAP_V3);
  return undefined;
}

/** capget(hdr, data): a NULL data pointer only probes the version. */
function sysCapget(ctx: SysContext): number {
  const hdr = argPtr(ctx, 0), data = argPtr(ctx, 1);
  const words = capWords(ctx, hdr);
  if (data === 0) return 0;
  if (words === undefined) return -E.EINVAL;
  const pid = readStruct(ctx, hdr + 4, 4).getI32(0);
  if (pid < 0) return -E.EINVAL;
  if (!ctx.task.isSelf(pid)) return -E.ESRCH;
  const cr = c(ctx), s = newStruct(ctx, 12 * words);
  for (let w = 0; w < words; w++) {
    const part = (set: bigint): number => Number((set >> BigInt(32 * w)) & 0xffffffffn);
    s.u32(12 * w, part(cr.effective)).u32(12 * w + 4, part(cr.permitted)).u32(12 * w + 8, part(cr.inheritable));
  }
  writeStruct(ctx, data, s);
  return 0;
}

/** capset(hdr, data): only the caller's own sets (another pid: EPERM). */
function sysCapset(ctx: SysContext): number {
  const hdr = argPtr(ctx, 0), data = argPtr(ctx, 1);
  const words = capWords(ctx, hdr);
  if (words === undefined) return -E.EINVAL;
  const pid = readStruct(ctx, hdr + 4, 4).getI32(0);
  if (pid !== 0 && pid !== ctx.task.pid) return -E.EPERM;
  const s = readStruct(ctx, data, 12 * words);
  let eff = 0n, perm = 0n, inh = 0n;
  for (let w = 0; w < words; w++) {
    eff |= BigInt(s.getU32(12 * w)) << BigInt(32 * w);
    perm |= BigInt(s.getU32(12 * w + 4)) << BigInt(32 * w);
    inh |= BigInt(s.getU32(12 * w + 8)) << BigInt(32 * w);
  }
  const valid = (1n << BigInt(CAP_LAST_CAP + 1)) - 1n;
  return c(ctx).capset(eff & valid, perm & valid, inh & valid);
}

export const ID_PARTIAL: Readonly<Record<string, string>> = {};

export const ID_CALLS: Record<string, Handler> = {};
