// Opening and closing files, and descriptor duplication: openat/open/creat/openat2, close,
// close_range, dup/dup2/dup3. Handlers validate their arguments in Linux's order, then act
// through the process's Vfs (src/linux/vfs).

import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { openFile, type OpenRequest } from "../vfs/open.js";
import { O, VALID_OPEN_FLAGS } from "../vfs/open-file.js";
import { AT_FDCWD } from "../vfs/vfs.js";
import type { Restrict } from "../vfs/walk.js";
import { credOf, gm, intArg, pathArg } from "./fs-common.js";
import { argAddr, readGuest, Struct } from "./guest-mem.js";

/** Linux strips unknown flags in open/openat (openat2 refuses them); ppc64 opens are always O_LARGEFILE. */
function openFlags(ctx: SysContext, flags: number): number {
  return (flags & VALID_OPEN_FLAGS) | (ctx.image.is64 ? O.LARGEFILE : 0);
}

function* doOpen(ctx: SysContext, req: OpenRequest): Pending {
  return yield* openFile(ctx.k, ctx.vfs, credOf(ctx), req);
}

const openat: Handler = (ctx, a) => doOpen(ctx, { dirfd: intArg(a, 0), path: pathArg(ctx, 1), flags: openFlags(ctx, a[2]), mode: a[3] & 0o7777 });
const open: Handler = (ctx, a) => doOpen(ctx, { dirfd: AT_FDCWD, path: pathArg(ctx, 0), flags: openFlags(ctx, a[1]), mode: a[2] & 0o7777 });
const creat: Handler = (ctx, a) => doOpen(ctx, { dirfd: AT_FDCWD, path: pathArg(ctx, 0), flags: openFlags(ctx, O.CREAT | O.WRONLY | O.TRUNC), mode: a[1] & 0o7777 });

const RESOLVE_NO_XDEV = 0x01, RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04, RESOLVE_BENEATH = 0x08, RESOLVE_IN_ROOT = 0x10, RESOLVE_CACHED = 0x20;
const OPEN_HOW_SIZE = 24;

/** openat2(dirfd, path, struct open_how *how, size): flags, mode and resolve checked strictly. */
const openat2: Handler = (ctx, a) => {
  const m = gm(ctx);
  const size = argAddr(m, 3);
  if (size < OPEN_HOW_SIZE) return -E.EINVAL;
  if (size > 4096) return -E.E2BIG;
  const raw = readGuest(m, argAddr(m, 2), size);
  // A larger struct from a newer libc is accepted only if the fields we do not know are zero.
  if (raw.subarray(OPEN_HOW_SIZE).some((b) => b !== 0)) return -E.E2BIG;
  const how = new Struct(raw, m.le);
  const flags = how.getU64(0), mode = how.getU64(8), resolve = how.getU64(16);
  if (flags >= 2 ** 32 || (flags & ~VALID_OPEN_FLAGS) !== 0) return -E.EINVAL;
  if (resolve >= 2 ** 32 || (resolve & ~0x3f) !== 0) return -E.EINVAL;
  const creating = (flags & O.CREAT) !== 0 || (flags & O.TMPFILE) === O.TMPFILE;
  if (mode !== 0 && !creating) return -E.EINVAL;
  if (mode >= 2 ** 32 || (mode & ~0o7777) !== 0) return -E.EINVAL;
  if ((flags & O.PATH) !== 0 && (flags & ~(O.PATH | O.DIRECTORY | O.NOFOLLOW | O.CLOEXEC)) !== 0) return -E.EINVAL;
  if ((resolve & RESOLVE_BENEATH) !== 0 && (resolve & RESOLVE_IN_ROOT) !== 0) return -E.EINVAL;
  const path = pathArg(ctx, 1);
  const dirfd = intArg(a, 0);
  // RESOLVE_CACHED asks for a walk served from caches only; the walker always asks the servers.
  if ((resolve & RESOLVE_CACHED) !== 0) return -E.EAGAIN;
  const v = ctx.vfs;
  const base = (): ReturnType<typeof v.startAt> => v.startAt(dirfd);
  const restrict: Restrict = {
    ...((resolve & RESOLVE_NO_XDEV) !== 0 ? { noXdev: true } : {}),
    ...((resolve & RESOLVE_NO_MAGICLINKS) !== 0 ? { noMagic: true } : {}),
    ...((resolve & RESOLVE_NO_SYMLINKS) !== 0 ? { noSymlinks: true } : {}),
    ...((resolve & RESOLVE_BENEATH) !== 0 ? { beneath: base() } : {}),
    ...((resolve & RESOLVE_IN_ROOT) !== 0 ? { inRoot: base() } : {}),
  };
  return doOpen(ctx, { dirfd, path, flags: flags | (ctx.image.is64 ? O.LARGEFILE : 0), mode, restrict });
};

const close: Handler = (ctx, a) => ctx.vfs.close(ctx.k, intArg(a, 0));

const CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4;

/** close_range(first, last, flags): close (or mark close-on-exec) every open descriptor in the range. */
const closeRange: Handler = function* (ctx, a): Pending {
  const first = a[0] >>> 0, last = a[1] >>> 0, flags = a[2] >>> 0;
  if ((flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) !== 0 || first > last) return -E.EINVAL;
  const v = ctx.vfs;
  // The table is the process's own (no threads share it yet): UNSHARE has nothing to separate.
  for (const [fd, e] of [...v.fds.entries()]) {
    if (fd < first || fd > last) continue;
    if ((flags & CLOSE_RANGE_CLOEXEC) !== 0) e.cloexec = true;
    else yield* v.close(ctx.k, fd);
  }
  return 0;
};

const dup: Handler = (ctx, a) => {
  const v = ctx.vfs;
  const f = v.file(intArg(a, 0));
  const fd = v.fds.alloc(f, false);
  if (fd >= 0) f.retain();
  return fd;
};

/** dup2/dup3: `newfd` names oldfd's description; what it named before is closed (locks and all). */
function* dupTo(ctx: SysContext, oldfd: number, newfd: number, cloexec: boolean): Pending {
  const v = ctx.vfs;
  const f = v.file(oldfd);
  if (!v.fds.inRange(newfd)) return -E.EBADF;
  f.retain();
  const old = v.fds.put(newfd, f, cloexec);
  if (old !== undefined) yield* v.drop(ctx.k, old); // errors of the implicit close are not reported
  return newfd;
}

const dup2: Handler = (ctx, a) => {
  const oldfd = intArg(a, 0), newfd = intArg(a, 1);
  if (oldfd === newfd) {
    ctx.vfs.file(oldfd);
    return newfd;
  }
  return dupTo(ctx, oldfd, newfd, false);
};

const dup3: Handler = (ctx, a) => {
  const oldfd = intArg(a, 0), newfd = intArg(a, 1), flags = a[2] >>> 0;
  if ((flags & ~O.CLOEXEC) !== 0) return -E.EINVAL;
  if (oldfd === newfd) return -E.EINVAL;
  return dupTo(ctx, oldfd, newfd, (flags & O.CLOEXEC) !== 0);
};

export const FILE_CALLS: Record<string, Handler> = {
  open, openat, creat, openat2, close, close_range: closeRange, dup, dup2, dup3,
};
