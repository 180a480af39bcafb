// A file's size and its storage: truncate/ftruncate (truncate64/ftruncate64 on ppc32),
// fallocate, fsync/fdatasync/sync/syncfs, and the advice calls fadvise64/fadvise64_64/readahead.
//
// Sync: the file servers keep no dirty state in the personality and write through to what they
// serve, so sync() and syncfs() have nothing to wait for once every server's fsync returns;
// fsync/fdatasync ask the file's server (its fsync method).
// Advice (fadvise, readahead) is a hint Linux may ignore: arguments are checked, nothing else.

import type { Block } from "../../kernel/sched/thread.js";
import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { asJson, type Attr } from "../../servers/fs/iface.js";
import { E } from "../errno.js";
import { fsc } from "../vfs/fs-call.js";
import { fileAttr } from "../vfs/io.js";
import type { OpenFile } from "../vfs/open-file.js";
import { isDir, isReg } from "../vfs/perm.js";
import type { PNode } from "../vfs/pnode.js";
import { AT_FDCWD } from "../vfs/vfs.js";
import { credOf, intArg, loffArg, longArg, pathArg, writableMount } from "./fs-common.js";
import { SysError } from "./guest-mem.js";

/** The largest file size the servers' numbers hold exactly. */
const MAX_SIZE = 2 ** 53;

function* setSize(ctx: SysContext, node: PNode, size: number): Generator<Block, Attr, unknown> {
  const v = ctx.vfs;
  return (yield* fsc(v.stubs.tree(ctx.k, node.mnt.root).setattr(node.ino, asJson({ size }), asJson(credOf(ctx))))) as unknown as Attr;
}

function* truncatePath(ctx: SysContext, path: string, len: number): Pending {
  if (len < 0) return -E.EINVAL;
  const v = ctx.vfs;
  const f = yield* v.lookupAt(ctx.k, credOf(ctx), AT_FDCWD, path, true);
  if (isDir(f.attr)) return -E.EISDIR;
  if (!isReg(f.attr)) return -E.EINVAL;
  writableMount(f.node);
  if (len > MAX_SIZE) return -E.EFBIG;
  yield* setSize(ctx, f.node, len);
  return 0;
}

/** The open regular file behind `fd` for ftruncate/fallocate: EBADF/EINVAL as Linux orders them. */
function* writableRegular(ctx: SysContext, fd: number): Generator<Block, { f: OpenFile; attr: Attr }, unknown> {
  const f = ctx.vfs.file(fd);
  if (f.kind === "path") throw new SysError(E.EBADF);
  const attr = yield* fileAttr(ctx.k, ctx.vfs, f);
  if (f.node === undefined || !isReg(attr) || !f.writable) throw new SysError(E.EINVAL);
  return { f, attr };
}

/** ftruncate goes through the open file: it needs the open's write access, not permission now. */
function* ftruncateFd(ctx: SysContext, fd: number, len: number): Pending {
  if (len < 0) return -E.EINVAL;
  const { f } = yield* writableRegular(ctx, fd);
  if (len > MAX_SIZE) return -E.EFBIG;
  if (f.handle === undefined) return -E.EINVAL;
  yield* fsc(ctx.vfs.stubs.file(ctx.k, f.handle).ftruncate(len));
  return 0;
}

const truncate: Handler = (ctx, a) => truncatePath(ctx, pathArg(ctx, 0), longArg(ctx, 1));
const ftruncate: Handler = (ctx, a) => ftruncateFd(ctx, intArg(a, 0), longArg(ctx, 1));
const truncate64: Handler = (ctx, a) => truncatePath(ctx, pathArg(ctx, 0), loffArg(ctx, a, 1)[0]);
const ftruncate64: Handler = (ctx, a) => ftruncateFd(ctx, intArg(a, 0), loffArg(ctx, a, 1)[0]);

const FALLOC_FL_KEEP_SIZE = 1;

/**
 * fallocate(fd, mode, offset, len): mode 0 makes the file at least offset+len long;
 * FALLOC_FL_KEEP_SIZE leaves the size (the servers have no block reservations to make). Hole
 * punching, zeroing, collapsing and inserting ranges are EOPNOTSUPP (no server method for them).
 */
const fallocate: Handler = function* (ctx, a): Pending {
  const fd = intArg(a, 0), mode = a[1] >>> 0;
  const [off, next] = loffArg(ctx, a, 2);
  const [len] = loffArg(ctx, a, next);
  if (off < 0 || len <= 0) return -E.EINVAL;
  if ((mode & ~FALLOC_FL_KEEP_SIZE) !== 0) return -E.EOPNOTSUPP;
  const f = ctx.vfs.file(fd);
  if (!f.writable) return -E.EBADF;
  const attr = yield* fileAttr(ctx.k, ctx.vfs, f);
  if (isDir(attr)) return -E.EISDIR;
  if ((attr.mode & 0o170000) === 0o010000) return -E.ESPIPE;
  if (!isReg(attr) || f.node === undefined) return -E.ENODEV;
  if (off + len > MAX_SIZE) return -E.EFBIG;
  if (mode === 0 && off + len > attr.size && f.handle !== undefined) yield* fsc(ctx.vfs.stubs.file(ctx.k, f.handle).ftruncate(off + len));
  return 0;
};

const fsync: Handler = function* (ctx, a): Pending {
  const f = ctx.vfs.file(intArg(a, 0));
  if (f.kind === "path") return -E.EBADF;
  if (f.kind === "console") return -E.EINVAL; // a terminal or pipe has nothing to sync
  if (f.handle !== undefined) yield* fsc(ctx.vfs.stubs.file(ctx.k, f.handle).fsync());
  return 0;
};

const sync: Handler = () => 0;

const syncfs: Handler = (ctx, a) => {
  const f = ctx.vfs.file(intArg(a, 0));
  return f.kind === "path" ? -E.EBADF : 0;
};

const POSIX_FADV_NOREUSE = 5;

function* advise(ctx: SysContext, fd: number, len: number, advice: number): Pending {
  const f = ctx.vfs.file(fd);
  if (f.kind === "path") return -E.EBADF;
  if (f.kind === "console") return -E.ESPIPE;
  if (advice < 0 || advice > POSIX_FADV_NOREUSE || len < 0) return -E.EINVAL;
  return 0;
}

/** fadvise64: ppc64 (fd, offset, len, advice); ppc32 (fd, pad, offset pair, len, advice). */
const fadvise64: Handler = (ctx, a) => {
  if (ctx.image.is64) return advise(ctx, intArg(a, 0), longArg(ctx, 2), a[3] | 0);
  return advise(ctx, intArg(a, 0), a[4] | 0, a[5] | 0);
};

/** fadvise64_64 (ppc32): (fd, advice, offset pair, len pair) — PowerPC moves advice second. */
const fadvise6464: Handler = (ctx, a) => advise(ctx, intArg(a, 0), loffArg(ctx, a, 4)[0], a[1] | 0);

/** readahead(fd, offset, count): a regular file open for reading, else EINVAL/EBADF. */
const readahead: Handler = function* (ctx, a): Pending {
  const f = ctx.vfs.file(intArg(a, 0));
  if (f.kind === "path" || !f.readable) return -E.EBADF;
  if (f.kind !== "file") return -E.EINVAL;
  if (!isReg(yield* fileAttr(ctx.k, ctx.vfs, f))) return -E.EINVAL;
  return 0;
};

export const STORAGE_CALLS: Record<string, Handler> = {
  truncate, ftruncate, truncate64, ftruncate64, fallocate, fsync, fdatasync: fsync, sync, syncfs,
  fadvise64, fadvise64_64: fadvise6464, readahead,
};
