// stat in its PowerPC shapes: fstat/newfstatat/stat/lstat (ppc64 struct stat, 144 bytes; ppc32
// struct stat, 72 bytes, EOVERFLOW for what does not fit), stat64/lstat64/fstat64/fstatat64
// (ppc32 struct stat64, 104 bytes), statx (256 bytes, the same everywhere), and
// statfs/fstatfs/statfs64/fstatfs64. Layouts are asm/stat.h's and asm-generic/statfs.h's
// (checked against the cross compilers' headers).
//
// st_dev is the mount's device number; st_rdev the node's; both in Linux's user encoding
// (major << 8 | minor for small numbers), which statx splits into major and minor.

import type { Block } from "../../kernel/sched/thread.js";
import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import type { Attr, StatFs, Time } from "../../servers/fs/iface.js";
import { E } from "../errno.js";
import { fsc } from "../vfs/fs-call.js";
import { consoleAttr, fileAttr } from "../vfs/io.js";
import { MS_NOEXEC, MS_NODEV, MS_NOSUID, MS_RDONLY, type MountPoint } from "../vfs/pnode.js";
import { AT_EMPTY_PATH, AT_FDCWD, AT_NO_AUTOMOUNT, AT_SYMLINK_NOFOLLOW } from "../vfs/vfs.js";
import { credOf, gm, intArg, pathArg } from "./fs-common.js";
import { argAddr, Struct, SysError, writeGuest } from "./guest-mem.js";

/** A node's attributes with the st_dev and mount of where it was found. */
interface Stat {
  attr: Attr;
  dev: number;
  mnt: MountPoint | undefined;
}

const major = (d: number): number => ((d >>> 8) & 0xfff);
const minor = (d: number): number => (d & 0xff) | ((d >>> 12) & 0xfff00);

/** fstat's view of a descriptor (O_PATH descriptors included). */
function* statFd(ctx: SysContext, fd: number): Generator<Block, Stat, unknown> {
  const v = ctx.vfs;
  const f = v.file(fd);
  if (f.kind === "console" && f.node === undefined) return { attr: consoleAttr(), dev: 0, mnt: undefined };
  const attr = yield* fileAttr(ctx.k, v, f);
  return { attr, dev: f.node?.mnt.dev ?? f.obj?.dev ?? 0, mnt: f.node?.mnt };
}

/** stat of (dirfd, path) as the *at calls see it; AT_EMPTY_PATH with "" is the descriptor itself. */
function* statAt(ctx: SysContext, dirfd: number, path: string, flags: number): Generator<Block, Stat, unknown> {
  if (path === "" && (flags & AT_EMPTY_PATH) !== 0 && dirfd !== AT_FDCWD) return yield* statFd(ctx, dirfd);
  const f = yield* ctx.vfs.lookupAt(ctx.k, credOf(ctx), dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) === 0, (flags & AT_EMPTY_PATH) !== 0);
  return { attr: f.attr, dev: f.node.mnt.dev, mnt: f.node.mnt };
}

/** ppc64's struct stat, or ppc32's (72 bytes, EOVERFLOW past its 32-bit fields). */
function encodeStat(ctx: SysContext, s: Stat): Uint8Array {
  const a = s.attr, le = ctx.image.le;
  if (ctx.image.is64) {
    const b = new Struct(144, le);
    b.u64(0, s.dev).u64(8, a.ino).u64(16, a.nlink).u32(24, a.mode).u32(28, a.uid).u32(32, a.gid);
    b.u64(40, a.rdev).i64(48, a.size).i64(56, a.blksize).i64(64, a.blocks);
    b.i64(72, a.atime[0]).u64(80, a.atime[1]).i64(88, a.mtime[0]).u64(96, a.mtime[1]).i64(104, a.ctime[0]).u64(112, a.ctime[1]);
    return b.b;
  }
  if (a.ino > 0xffffffff || a.nlink > 0xffff || a.size > 0x7fffffff || s.dev > 0xffffffff || a.rdev > 0xffffffff) throw new SysError(E.EOVERFLOW);
  const b = new Struct(72, le);
  b.u32(0, s.dev).u32(4, a.ino).u32(8, a.mode).u16(12, a.nlink).u32(16, a.uid).u32(20, a.gid);
  b.u32(24, a.rdev).i32(28, a.size).u32(32, a.blksize).u32(36, a.blocks);
  b.u32(40, a.atime[0]).u32(44, a.atime[1]).u32(48, a.mtime[0]).u32(52, a.mtime[1]).u32(56, a.ctime[0]).u32(60, a.ctime[1]);
  return b.b;
}

/** ppc32's struct stat64. */
function encodeStat64(ctx: SysContext, s: Stat): Uint8Array {
  const a = s.attr;
  const b = new Struct(104, ctx.image.le);
  b.u64(0, s.dev).u64(8, a.ino).u32(16, a.mode).u32(20, a.nlink).u32(24, a.uid).u32(28, a.gid);
  b.u64(32, a.rdev).i64(48, a.size).i32(56, a.blksize).i64(64, a.blocks);
  b.i32(72, a.atime[0]).u32(76, a.atime[1]).i32(80, a.mtime[0]).u32(84, a.mtime[1]).i32(88, a.ctime[0]).u32(92, a.ctime[1]);
  return b.b;
}

function put(ctx: SysContext, argIndex: number, bytes: Uint8Array): number {
  const m = gm(ctx);
  writeGuest(m, argAddr(m, argIndex), bytes);
  return 0;
}

type Encode = (ctx: SysContext, s: Stat) => Uint8Array;

const fstatWith = (enc: Encode): Handler => function* (ctx, a): Pending {
  return put(ctx, 1, enc(ctx, yield* statFd(ctx, intArg(a, 0))));
};

const pathStatWith = (enc: Encode, nofollow: boolean): Handler => function* (ctx, a): Pending {
  return put(ctx, 1, enc(ctx, yield* statAt(ctx, AT_FDCWD, pathArg(ctx, 0), nofollow ? AT_SYMLINK_NOFOLLOW : 0)));
};

const fstatatWith = (enc: Encode): Handler => function* (ctx, a): Pending {
  const flags = a[3] >>> 0;
  if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)) !== 0) return -E.EINVAL;
  return put(ctx, 2, enc(ctx, yield* statAt(ctx, intArg(a, 0), pathArg(ctx, 1), flags)));
};

// ---- statx ----

const STATX_BASIC_STATS = 0x7ff, STATX_BTIME = 0x800, STATX_MNT_ID = 0x1000, STATX__RESERVED = 0x80000000;
const AT_STATX_SYNC_TYPE = 0x6000;

const statx: Handler = function* (ctx, a): Pending {
  const flags = a[2] >>> 0, mask = a[3] >>> 0;
  if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) !== 0) return -E.EINVAL;
  if ((flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE) return -E.EINVAL;
  if ((mask & STATX__RESERVED) !== 0) return -E.EINVAL;
  // AT_STATX_FORCE_SYNC and DONT_SYNC: every attribute comes from the server, always current.
  const s = yield* statAt(ctx, intArg(a, 0), pathArg(ctx, 1), flags);
  const at = s.attr;
  const b = new Struct(256, ctx.image.le);
  // Linux fills the basic stats whatever was asked, the mount id always, the birth time when
  // asked and the file system keeps one.
  const hasBtime = (mask & STATX_BTIME) !== 0 && (at.btime[0] !== 0 || at.btime[1] !== 0);
  b.u32(0, STATX_BASIC_STATS | STATX_MNT_ID | (hasBtime ? STATX_BTIME : 0));
  b.u32(4, at.blksize).u64(8, 0).u32(16, at.nlink).u32(20, at.uid).u32(24, at.gid).u16(28, at.mode);
  b.u64(32, at.ino).u64(40, at.size).u64(48, at.blocks).u64(56, 0);
  const ts = (o: number, t: Time): void => void b.i64(o, t[0]).u32(o + 8, t[1]);
  ts(64, at.atime);
  if (hasBtime) ts(80, at.btime);
  ts(96, at.ctime);
  ts(112, at.mtime);
  b.u32(128, major(at.rdev)).u32(132, minor(at.rdev)).u32(136, major(s.dev)).u32(140, minor(s.dev));
  b.u64(144, s.mnt?.id ?? 0);
  return put(ctx, 4, b.b);
};

// ---- statfs ----

const ST_RDONLY = 1, ST_NOSUID = 2, ST_NODEV = 4, ST_NOEXEC = 8, ST_VALID = 0x20;

/** The server's statfs with the mount's flags, as Linux's statfs reports them (ST_VALID set). */
function* statfsOf(ctx: SysContext, mnt: MountPoint): Generator<Block, StatFs, unknown> {
  const sf = (yield* fsc(ctx.vfs.stubs.tree(ctx.k, mnt.root).statfs())) as unknown as StatFs;
  const mf = mnt.flags;
  const flags = sf.flags | ST_VALID | ((mf & MS_RDONLY) !== 0 ? ST_RDONLY : 0) | ((mf & MS_NOSUID) !== 0 ? ST_NOSUID : 0) |
    ((mf & MS_NODEV) !== 0 ? ST_NODEV : 0) | ((mf & MS_NOEXEC) !== 0 ? ST_NOEXEC : 0);
  return { ...sf, flags };
}

/** struct statfs (ppc64, and ppc64's statfs64: 120 bytes) or ppc32's (64 bytes) or ppc32's statfs64 (88). */
function encodeStatfs(ctx: SysContext, sf: StatFs, dev: number, wide: boolean): Uint8Array {
  const le = ctx.image.le;
  if (ctx.image.is64) {
    const b = new Struct(120, le);
    b.i64(0, sf.type).i64(8, sf.bsize).u64(16, sf.blocks).u64(24, sf.bfree).u64(32, sf.bavail).u64(40, sf.files).u64(48, sf.ffree);
    b.u32(56, dev).u32(60, 0).i64(64, sf.namelen).i64(72, sf.frsize).i64(80, sf.flags);
    return b.b;
  }
  if (wide) {
    const b = new Struct(88, le);
    b.u32(0, sf.type).u32(4, sf.bsize).u64(8, sf.blocks).u64(16, sf.bfree).u64(24, sf.bavail).u64(32, sf.files).u64(40, sf.ffree);
    b.u32(48, dev).u32(52, 0).u32(56, sf.namelen).u32(60, sf.frsize).u32(64, sf.flags);
    return b.b;
  }
  if ([sf.blocks, sf.bfree, sf.bavail].some((x) => x > 0xffffffff)) throw new SysError(E.EOVERFLOW);
  const b = new Struct(64, le);
  // Linux reports file counts that do not fit as "unknown" (-1) rather than failing.
  const files = (x: number): number => (x > 0xffffffff ? 0xffffffff : x);
  b.u32(0, sf.type).u32(4, sf.bsize).u32(8, sf.blocks).u32(12, sf.bfree).u32(16, sf.bavail).u32(20, files(sf.files)).u32(24, files(sf.ffree));
  b.u32(28, dev).u32(32, 0).u32(36, sf.namelen).u32(40, sf.frsize).u32(44, sf.flags);
  return b.b;
}

function* mountOfFd(ctx: SysContext, fd: number): Generator<Block, MountPoint, unknown> {
  const f = ctx.vfs.file(fd);
  if (f.node === undefined) throw new SysError(E.ENOSYS, "statfs of the console without a device node");
  return f.node.mnt;
}

function* mountOfPath(ctx: SysContext, path: string): Generator<Block, MountPoint, unknown> {
  return (yield* ctx.vfs.lookupAt(ctx.k, credOf(ctx), AT_FDCWD, path, true)).node.mnt;
}

/** statfs(path, buf) / fstatfs(fd, buf); the 64 variants take (…, size, buf) and check the size. */
function statfsCall(byFd: boolean, wide: boolean): Handler {
  return function* (ctx, a): Pending {
    const m = gm(ctx);
    let bufArg = 1;
    if (wide) {
      const want = ctx.image.is64 ? 120 : 88;
      if (argAddr(m, 1) !== want) return -E.EINVAL;
      bufArg = 2;
    }
    const mnt = byFd ? yield* mountOfFd(ctx, intArg(a, 0)) : yield* mountOfPath(ctx, pathArg(ctx, 0));
    const sf = yield* statfsOf(ctx, mnt);
    return put(ctx, bufArg, encodeStatfs(ctx, sf, mnt.dev, wide));
  };
}

export const STAT_CALLS: Record<string, Handler> = {
  fstat: fstatWith(encodeStat),
  stat: pathStatWith(encodeStat, false),
  lstat: pathStatWith(encodeStat, true),
  newfstatat: fstatatWith(encodeStat),
  fstat64: fstatWith(encodeStat64),
  stat64: pathStatWith(encodeStat64, false),
  lstat64: pathStatWith(encodeStat64, true),
  fstatat64: fstatatWith(encodeStat64),
  statx,
  statfs: statfsCall(false, false),
  fstatfs: statfsCall(true, false),
  statfs64: statfsCall(false, true),
  fstatfs64: statfsCall(true, true),
};
