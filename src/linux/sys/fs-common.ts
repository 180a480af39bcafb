// What the file system-call families share: the guest-memory view of a SysContext, the
// caller's credentials, path arguments, 64-bit arguments (ppc32 register pairs), iovecs, and
// the permission/read-only checks every mutating call makes.

import { GuestFault } from "../../machine/power/mmu.js";
import type { Cred } from "../../servers/fs/iface.js";
import { guestMem, type SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { MS_RDONLY, type PNode } from "../vfs/pnode.js";
import type { Cap } from "../task/credentials.js";
import { argAddr, argLong, readCString, readGuest, SysError, Struct } from "./guest-mem.js";

/** The context's guest memory as the copy helpers take it. */
/** The process's guest memory (process/syscalls.ts guestMem). */
export const gm = guestMem;

/** The credentials file accesses check (fsuid/fsgid and the groups), or the real ids (access()). */
export function credOf(ctx: SysContext, real = false): Cred {
  const c = ctx.task.creds;
  return real ? { uid: c.uid, gid: c.gid, groups: [...c.groups] } : { uid: c.fsuid, gid: c.fsgid, groups: [...c.groups] };
}

/** Does the caller hold capability `c` (root's: CAP_SYS_CHROOT, CAP_MKNOD, CAP_DAC_READ_SEARCH …)? */
export const capable = (ctx: SysContext, c: Cap): boolean => ctx.task.creds.capable(c);

/** A path argument (EFAULT for a bad pointer, ENAMETOOLONG at 4096 bytes). */
export function pathArg(ctx: SysContext, i: number): string {
  return readCString(gm(ctx), argAddr(gm(ctx), i));
}

/** Argument i as a signed int (a descriptor, a dirfd). */
export const intArg = (a: number[], i: number): number => a[i] | 0;

/** Argument i as an unsigned long (a size): 64 bits on ppc64. */
export function ulongArg(ctx: SysContext, i: number): number {
  return argAddr(gm(ctx), i);
}

/** Argument i as a signed long (an off_t on ppc64, 32 bits on ppc32). */
export function longArg(ctx: SysContext, i: number): number {
  return argLong(gm(ctx), i);
}

/**
 * A 64-bit argument (loff_t): one register on ppc64; on ppc32 an aligned register pair, high
 * word first, starting at the first odd-numbered register at or after r(3 + i) — so a pair that
 * would start at an even register skips one (the ppc32 SVR4 ABI; Linux's native ppc32 entry
 * points and qemu's regpairs_aligned take it the same way). Returns the value and the index of
 * the next argument.
 */
export function loffArg(ctx: SysContext, a: number[], i: number): [number, number] {
  if (ctx.image.is64) return [longArg(ctx, i), i + 1];
  const j = i % 2 === 0 ? i : i + 1; // r3 + j must be odd: j even
  return [(a[j] | 0) * 0x100000000 + (a[j + 1] >>> 0), j + 2];
}

/** EROFS when the node's mount is read-only. */
export function writableMount(n: PNode): void {
  if ((n.mnt.flags & MS_RDONLY) !== 0) throw new SysError(E.EROFS);
}

/** An iovec array: [base, len] pairs; EINVAL past UIO_MAXIOV or for a negative total. */
export function readIovec(ctx: SysContext, va: number, n: number): [number, number][] {
  if (n < 0 || n > 1024) throw new SysError(E.EINVAL);
  if (n === 0) return [];
  const m = gm(ctx);
  const w = m.is64 ? 8 : 4;
  const s = new Struct(readGuest(m, va, n * 2 * w), m.le);
  const out: [number, number][] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const base = s.getULong(i * 2 * w, m.is64);
    const len = s.getLong(i * 2 * w + w, m.is64);
    if (len < 0) throw new SysError(E.EINVAL);
    // Linux caps the total at MAX_RW_COUNT by shortening the vector (rw_copy_check_uvector).
    const take = Math.min(len, MAX_RW_COUNT - total);
    total += take;
    out.push([base, take]);
  }
  return out;
}

/** The most one read or write transfers (INT_MAX rounded down to a page). */
export const MAX_RW_COUNT = 0x7ffff000;

/** Is `e` a guest-pointer fault (the only exception a partial copy turns into a short count)? */
export const isFault = (e: unknown): boolean => e instanceof GuestFault;

/** The caller's process-wide view for the lock manager: its POSIX lock owner. */
export const posixOwner = (ctx: SysContext): string => `p${ctx.vfs.pid}`;
