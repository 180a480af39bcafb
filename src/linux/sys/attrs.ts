// Changing and checking a node's attributes: faccessat/faccessat2/access (checked here, from
// the attributes: the servers have no access method), fchmod/fchmodat/chmod,
// fchown/fchownat/chown/lchown, utimensat (utimensat_time64 on ppc32), utimes, futimesat,
// utime. Changes go to the node's server as setattr with the caller's credentials; the server
// makes the owner checks (EPERM) as Linux's notify_change would.

import type { Block } from "../../kernel/sched/thread.js";
import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { asJson, type SetAttr, type Time } from "../../servers/fs/iface.js";
import { E } from "../errno.js";
import { fsc } from "../vfs/fs-call.js";
import { MAY_EXEC, MAY_READ, MAY_WRITE, isDir, isLink, isReg, permits } from "../vfs/perm.js";
import { MS_RDONLY, type PNode } from "../vfs/pnode.js";
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW } from "../vfs/vfs.js";
import { credOf, gm, intArg, pathArg, writableMount } from "./fs-common.js";
import { argAddr, readGuest, Struct, SysError } from "./guest-mem.js";

const AT_EACCESS = 0x200;

/** faccessat2(dirfd, path, mode, flags): real ids unless AT_EACCESS, for the walk too. */
function* accessAt(ctx: SysContext, dirfd: number, path: string, mode: number, flags: number): Pending {
  if ((mode & ~7) !== 0) return -E.EINVAL;
  if ((flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) !== 0) return -E.EINVAL;
  const cred = credOf(ctx, (flags & AT_EACCESS) === 0);
  const f = yield* ctx.vfs.lookupAt(ctx.k, cred, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) === 0, (flags & AT_EMPTY_PATH) !== 0);
  if (mode === 0) return 0;
  const a = f.attr;
  // Writing to a file, directory or link on a read-only mount is EROFS (devices and FIFOs are not stored there).
  if ((mode & 2) !== 0 && (isReg(a) || isDir(a) || isLink(a)) && (f.node.mnt.flags & MS_RDONLY) !== 0) return -E.EROFS;
  const mask = ((mode & 4) !== 0 ? MAY_READ : 0) | ((mode & 2) !== 0 ? MAY_WRITE : 0) | ((mode & 1) !== 0 ? MAY_EXEC : 0);
  return permits(a, cred, mask) ? 0 : -E.EACCES;
}

/** The node a descriptor names for f* calls that need a real open file (O_PATH is EBADF). */
function fdNode(ctx: SysContext, fd: number): PNode {
  const f = ctx.vfs.file(fd);
  if (f.kind === "path" || f.node === undefined) throw new SysError(E.EBADF);
  return f.node;
}

function* setattr(ctx: SysContext, n: PNode, change: SetAttr): Pending {
  writableMount(n);
  yield* fsc(ctx.vfs.stubs.tree(ctx.k, n.mnt.root).setattr(n.ino, asJson(change), asJson(credOf(ctx))));
  return 0;
}

function* nodeAt(ctx: SysContext, dirfd: number, path: string, follow: boolean, emptyPath = false): Generator<Block, PNode, unknown> {
  return (yield* ctx.vfs.lookupAt(ctx.k, credOf(ctx), dirfd, path, follow, emptyPath)).node;
}

function* chmodAt(ctx: SysContext, dirfd: number, path: string, mode: number): Pending {
  return yield* setattr(ctx, yield* nodeAt(ctx, dirfd, path, true), { mode: mode & 0o7777 });
}

/** An id argument: -1 (as a 32-bit value) leaves the id unchanged. */
const idArg = (x: number): number | undefined => ((x >>> 0) === 0xffffffff ? undefined : x >>> 0);

function ownerChange(uid: number, gid: number): SetAttr {
  const u = idArg(uid), g = idArg(gid);
  return { ...(u !== undefined ? { uid: u } : {}), ...(g !== undefined ? { gid: g } : {}) };
}

function* chownAt(ctx: SysContext, dirfd: number, path: string, uid: number, gid: number, flags: number): Pending {
  if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) !== 0) return -E.EINVAL;
  const n = yield* nodeAt(ctx, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) === 0, (flags & AT_EMPTY_PATH) !== 0);
  return yield* setattr(ctx, n, ownerChange(uid, gid));
}

// ---- times ----

const UTIME_NOW = (1 << 30) - 1, UTIME_OMIT = (1 << 30) - 2;

/** A requested time: a Time, "now", or undefined (leave it). */
type When = Time | "now" | undefined;

/** struct timespec[2] at va: width 8 (ppc64, ppc32's time64) or 4 (ppc32's old timespec). */
function readTimespecs(ctx: SysContext, va: number, wide: boolean): [When, When] {
  const m = gm(ctx);
  const w = wide ? 8 : 4;
  const s = new Struct(readGuest(m, va, 4 * w), m.le);
  const one = (o: number): When => {
    const sec = w === 8 ? s.getI64(o) : s.getI32(o);
    // A 32-bit process's time64 nanoseconds are a long: only the low word counts (Linux's compat rule).
    const nsec = w === 8 ? (m.is64 ? s.getI64(o + 8) : s.getI32(o + 8 + (m.le ? 0 : 4))) : s.getI32(o + 4);
    if (nsec === UTIME_NOW) return "now";
    if (nsec === UTIME_OMIT) return undefined;
    if (nsec < 0 || nsec > 999_999_999) throw new SysError(E.EINVAL);
    return [sec, nsec];
  };
  return [one(0), one(2 * w)];
}

/** struct timeval[2] (utimes, futimesat): microseconds, EINVAL out of range. */
function readTimevals(ctx: SysContext, va: number): [When, When] {
  const m = gm(ctx);
  const w = m.is64 ? 8 : 4;
  const s = new Struct(readGuest(m, va, 4 * w), m.le);
  const one = (o: number): When => {
    const sec = s.getLong(o, m.is64), usec = s.getLong(o + w, m.is64);
    if (usec < 0 || usec >= 1_000_000) throw new SysError(E.EINVAL);
    return [sec, usec * 1000];
  };
  return [one(0), one(2 * w)];
}

function timesChange(t: [When, When] | undefined): SetAttr {
  if (t === undefined) return { atime: "now", mtime: "now" };
  return { ...(t[0] !== undefined ? { atime: t[0] } : {}), ...(t[1] !== undefined ? { mtime: t[1] } : {}) };
}

/** utimensat(dirfd, path, times, flags); path NULL with a descriptor: that file (futimens). */
function utimensat(wide: boolean): Handler {
  return function* (ctx, a): Pending {
    const m = gm(ctx);
    const dirfd = intArg(a, 0), pathp = argAddr(m, 1), tp = argAddr(m, 2), flags = a[3] >>> 0;
    const t = tp === 0 ? undefined : readTimespecs(ctx, tp, wide);
    // Both omitted: nothing to do, and Linux does not even look at the path.
    if (t !== undefined && t[0] === undefined && t[1] === undefined) return 0;
    let n: PNode;
    if (pathp === 0 && dirfd !== AT_FDCWD) {
      if (flags !== 0) return -E.EINVAL;
      n = fdNode(ctx, dirfd);
    } else {
      if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) !== 0) return -E.EINVAL;
      n = yield* nodeAt(ctx, dirfd, pathArg(ctx, 1), (flags & AT_SYMLINK_NOFOLLOW) === 0, (flags & AT_EMPTY_PATH) !== 0);
    }
    return yield* setattr(ctx, n, timesChange(t));
  };
}

function* utimesAt(ctx: SysContext, dirfd: number, path: string, tvp: number): Pending {
  const t = tvp === 0 ? undefined : readTimevals(ctx, tvp);
  return yield* setattr(ctx, yield* nodeAt(ctx, dirfd, path, true), timesChange(t));
}

/** utime(path, struct utimbuf {long actime, modtime}). */
const utime: Handler = function* (ctx, a): Pending {
  const m = gm(ctx);
  const bp = argAddr(m, 1);
  let t: [When, When] | undefined;
  if (bp !== 0) {
    const s = new Struct(readGuest(m, bp, m.is64 ? 16 : 8), m.le);
    t = [[s.getLong(0, m.is64), 0], [s.getLong(m.is64 ? 8 : 4, m.is64), 0]];
  }
  return yield* setattr(ctx, yield* nodeAt(ctx, AT_FDCWD, pathArg(ctx, 0), true), timesChange(t));
};

export const ATTR_CALLS: Record<string, Handler> = {
  faccessat: (ctx, a) => accessAt(ctx, intArg(a, 0), pathArg(ctx, 1), a[2] | 0, 0),
  faccessat2: (ctx, a) => accessAt(ctx, intArg(a, 0), pathArg(ctx, 1), a[2] | 0, a[3] >>> 0),
  access: (ctx, a) => accessAt(ctx, AT_FDCWD, pathArg(ctx, 0), a[1] | 0, 0),
  fchmod: (ctx, a) => setattr(ctx, fdNode(ctx, intArg(a, 0)), { mode: a[1] & 0o7777 }),
  fchmodat: (ctx, a) => chmodAt(ctx, intArg(a, 0), pathArg(ctx, 1), a[2]),
  chmod: (ctx, a) => chmodAt(ctx, AT_FDCWD, pathArg(ctx, 0), a[1]),
  fchown: (ctx, a) => setattr(ctx, fdNode(ctx, intArg(a, 0)), ownerChange(a[1], a[2])),
  fchownat: (ctx, a) => chownAt(ctx, intArg(a, 0), pathArg(ctx, 1), a[2], a[3], a[4] >>> 0),
  chown: (ctx, a) => chownAt(ctx, AT_FDCWD, pathArg(ctx, 0), a[1], a[2], 0),
  lchown: (ctx, a) => chownAt(ctx, AT_FDCWD, pathArg(ctx, 0), a[1], a[2], AT_SYMLINK_NOFOLLOW),
  utimensat: (ctx, a) => utimensat(ctx.image.is64)(ctx, a),
  utimensat_time64: utimensat(true),
  utimes: (ctx) => utimesAt(ctx, AT_FDCWD, pathArg(ctx, 0), argAddr(gm(ctx), 1)),
  futimesat: (ctx, a) => utimesAt(ctx, intArg(a, 0), pathArg(ctx, 1), argAddr(gm(ctx), 2)),
  utime,
};
