// Directories and names: getdents64 (and getdents's struct linux_dirent), mkdir(at), rmdir,
// unlink(at), rename(at)/renameat2, link(at), symlink(at), readlink(at), getcwd, chdir, fchdir,
// chroot, umask, mknod(at). Each resolves the parent directory with the walker and asks the
// parent's server for the change; the checks a server cannot make — the last component is "."
// or "..", a rename or link across mounts (EXDEV), a mount point in the way (EBUSY), a
// read-only mount (EROFS) — are made here, in Linux's order.

import type { Block } from "../../kernel/sched/thread.js";
import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { NodeType, S_IFMT, asJson, type Attr, type DirPage } from "../../servers/fs/iface.js";
import { E } from "../errno.js";
import { fsc } from "../vfs/fs-call.js";
import { asAttr } from "../vfs/mounts.js";
import { MAY_EXEC, isDir, isLink, permits } from "../vfs/perm.js";
import type { PNode } from "../vfs/pnode.js";
import type { OpenFile } from "../vfs/open-file.js";
import { AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_FOLLOW } from "../vfs/vfs.js";
import type { Parent, Walk } from "../vfs/walk.js";
import { capable, credOf, gm, intArg, pathArg, ulongArg, writableMount } from "./fs-common.js";
import { Cap } from "../task/credentials.js";
import { argAddr, Struct, SysError, writeGuest } from "./guest-mem.js";

const enc = new TextEncoder();

// ---- getdents ----

/** Entries per readdir PPC: a local call takes a large page; a message to another processor is 16 KiB. */
const pageEntries = (ctx: SysContext, server: number): number => (ctx.k.ppc.server(server)?.here === true ? 128 : 32);

/** d_type from the node type bits (DT_FIFO 1, DT_CHR 2, DT_DIR 4, DT_BLK 6, DT_REG 8, DT_LNK 10, DT_SOCK 12). */
const dtype = (type: number): number => (type >>> 12) & 0xf;

/**
 * getdents64 (wide) or getdents: entries from the directory's position until the buffer is
 * full; the position becomes the cookie after the last entry copied. EINVAL when not even one
 * entry fits.
 */
function getdents(wide: boolean): Handler {
  return function* (ctx, a): Pending {
    const v = ctx.vfs, m = gm(ctx);
    const f = v.file(intArg(a, 0));
    if (f.kind === "path") return -E.EBADF;
    if (f.kind !== "dir" || f.node === undefined) return -E.ENOTDIR;
    const va = argAddr(m, 1), size = Math.min(a[2] >>> 0, 1 << 20);
    const node = f.node;
    const out = new Uint8Array(size);
    const s = new Struct(out, m.le);
    const w = m.is64 ? 8 : 4;
    let used = 0;
    // The position moves only after the entries are in the guest's buffer: a buffer page being
    // read from a file runs the call again, which must start where this one did.
    let pos = f.pos;
    const finish = (): number => {
      writeGuest(m, va, out.subarray(0, used));
      f.pos = pos;
      return used;
    };
    for (;;) {
      const page = yield* dirPage(ctx, f, pos, node);
      if (page.entries.length === 0) break;
      let copied = 0;
      for (const [name, ino, type, next] of page.entries) {
        const nb = enc.encode(name);
        const reclen = wide ? align(19 + nb.length + 1, 8) : align(2 * w + 2 + nb.length + 2, w);
        if (used + reclen > size) {
          if (used === 0) return -E.EINVAL;
          return finish();
        }
        if (wide) {
          s.u64(used, ino).i64(used + 8, next).u16(used + 16, reclen).u8(used + 18, dtype(type));
          out.set(nb, used + 19);
        } else {
          // struct linux_dirent {unsigned long d_ino, d_off; unsigned short d_reclen; char d_name[]; …; char d_type}
          if (w === 4 && ino > 0xffffffff) return used > 0 ? finish() : -E.EOVERFLOW;
          s.long(used, ino, m.is64).long(used + w, next, m.is64).u16(used + 2 * w, reclen);
          out.set(nb, used + 2 * w + 2);
          s.u8(used + reclen - 1, dtype(type));
        }
        used += reclen;
        pos = next;
        copied++;
      }
      if (copied < page.entries.length || page.eof) break;
    }
    return finish();
  };
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

/**
 * The entries from cookie `pos`: the rest of the page last fetched when `pos` is one of its
 * cookies (getdents that stopped in the middle of a page continues there), else a readdir PPC.
 */
function* dirPage(ctx: SysContext, f: OpenFile, pos: number, node: PNode): Generator<Block, DirPage, unknown> {
  const c = f.dirCache;
  if (c !== undefined) {
    const i = pos === c.from ? 0 : c.entries.findIndex((e, j) => j > 0 && c.entries[j - 1][3] === pos);
    if (i >= 0 && i < c.entries.length) return { entries: c.entries.slice(i), eof: c.eof };
  }
  const v = ctx.vfs;
  const page = (yield* fsc(v.stubs.tree(ctx.k, node.mnt.root).readdir(node.ino, pos, pageEntries(ctx, node.mnt.root.server), asJson(credOf(ctx))))) as unknown as DirPage;
  f.dirCache = { from: pos, entries: page.entries, eof: page.eof };
  return page;
}

// ---- creating and removing names ----

/** The parent of (dirfd, path) for a call that creates or removes its last component. */
function* parentOf(ctx: SysContext, dirfd: number, path: string): Generator<Block, { w: Walk; p: Parent }, unknown> {
  const v = ctx.vfs;
  const w = yield* v.walk(ctx.k, credOf(ctx));
  const start = yield* v.dirStart(w, dirfd, path);
  return { w, p: yield* w.parent(start, path) };
}

const special = (name: string): boolean => name === "" || name === "." || name === "..";

/** Does a name exist in `dir` (EEXIST checks that must come before EROFS, as Linux orders them)? */
function* exists(ctx: SysContext, w: Walk, dir: PNode, name: string): Generator<Block, boolean, unknown> {
  try {
    yield* w.child(dir, name);
    return true;
  } catch (e) {
    if (e instanceof SysError && e.errno === E.ENOENT) return false;
    throw e;
  }
}

function* mkdirAt(ctx: SysContext, dirfd: number, path: string, mode: number): Pending {
  const { w, p } = yield* parentOf(ctx, dirfd, path);
  if (special(p.name)) return -E.EEXIST;
  if ((p.dir.mnt.flags & 1) !== 0) return (yield* exists(ctx, w, p.dir, p.name)) ? -E.EEXIST : -E.EROFS;
  const v = ctx.vfs;
  yield* fsc(v.stubs.tree(ctx.k, p.dir.mnt.root).mkdir(p.dir.ino, p.name, (mode & 0o7777 & ~v.umask) >>> 0, asJson(credOf(ctx))));
  return 0;
}

/** mknod(at): regular files, FIFOs and sockets as nodes; devices EPERM unless uid 0 (the server's check). */
function* mknodAt(ctx: SysContext, dirfd: number, path: string, mode: number, dev: number): Pending {
  const type = mode & S_IFMT;
  if (type === NodeType.Dir) return -E.EPERM;
  if (type !== 0 && type !== NodeType.Reg && type !== NodeType.Chr && type !== NodeType.Blk && type !== NodeType.Fifo && type !== NodeType.Sock) return -E.EINVAL;
  const { w, p } = yield* parentOf(ctx, dirfd, path);
  if (special(p.name)) return -E.EEXIST;
  if (p.trailing) return (yield* exists(ctx, w, p.dir, p.name)) ? -E.EEXIST : -E.ENOENT;
  if ((p.dir.mnt.flags & 1) !== 0) return (yield* exists(ctx, w, p.dir, p.name)) ? -E.EEXIST : -E.EROFS;
  const v = ctx.vfs;
  const perm = (mode & 0o7777 & ~v.umask) >>> 0;
  const fs = v.stubs.tree(ctx.k, p.dir.mnt.root);
  if (type === 0 || type === NodeType.Reg) yield* fsc(fs.create(p.dir.ino, p.name, perm, true, asJson(credOf(ctx))));
  else yield* fsc(fs.mknod(p.dir.ino, p.name, (type | perm) >>> 0, dev >>> 0, asJson(credOf(ctx))));
  return 0;
}

/** rmdir: "." is EINVAL, ".." ENOTEMPTY, "/" EBUSY; a mount point is EBUSY. */
function* rmdirAt(ctx: SysContext, dirfd: number, path: string): Pending {
  const { p } = yield* parentOf(ctx, dirfd, path);
  if (p.name === ".") return -E.EINVAL;
  if (p.name === "..") return -E.ENOTEMPTY;
  if (p.name === "") return -E.EBUSY;
  yield* notMountPoint(ctx, p.dir, p.name);
  writableMount(p.dir);
  yield* fsc(ctx.vfs.stubs.tree(ctx.k, p.dir.mnt.root).rmdir(p.dir.ino, p.name, asJson(credOf(ctx))));
  return 0;
}

/** EBUSY when `name` in `dir` is covered by a mount (also ENOENT when it does not exist). */
function* notMountPoint(ctx: SysContext, dir: PNode, name: string): Generator<Block, Attr, unknown> {
  const v = ctx.vfs;
  const a = asAttr(yield* fsc(v.stubs.tree(ctx.k, dir.mnt.root).lookup(dir.ino, name, asJson(credOf(ctx)))));
  if (isDir(a) && v.mounts.covering(dir.mnt.dev, a.ino) !== undefined) throw new SysError(E.EBUSY);
  return a;
}

function* unlinkAt(ctx: SysContext, dirfd: number, path: string): Pending {
  const { w, p } = yield* parentOf(ctx, dirfd, path);
  if (special(p.name)) return -E.EISDIR;
  if (p.trailing) yield* trailingKind(w, p); // "name/" is never unlinked
  writableMount(p.dir);
  yield* fsc(ctx.vfs.stubs.tree(ctx.k, p.dir.mnt.root).unlink(p.dir.ino, p.name, asJson(credOf(ctx))));
  return 0;
}

/** unlink("name/"): EISDIR for a directory (also through a symlink), ENOTDIR otherwise, ENOENT if absent. */
function* trailingKind(w: Walk, p: Parent): Generator<Block, never, unknown> {
  const f = yield* w.child(p.dir, p.name);
  let a = f.attr;
  if (isLink(a)) {
    try {
      a = (yield* w.follow(p.dir, f.node, true)).attr;
    } catch (e) {
      if (e instanceof SysError && e.errno === E.ENOENT) throw new SysError(E.ENOENT);
      throw e;
    }
  }
  throw new SysError(isDir(a) ? E.EISDIR : E.ENOTDIR);
}

const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;

function* renameAt(ctx: SysContext, olddirfd: number, oldpath: string, newdirfd: number, newpath: string, flags: number): Pending {
  if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) !== 0) return -E.EINVAL;
  if ((flags & RENAME_NOREPLACE) !== 0 && (flags & RENAME_EXCHANGE) !== 0) return -E.EINVAL;
  if ((flags & RENAME_WHITEOUT) !== 0 && (flags & RENAME_EXCHANGE) !== 0) return -E.EINVAL;
  if ((flags & RENAME_WHITEOUT) !== 0 && !capable(ctx, Cap.MKNOD)) return -E.EPERM;
  const o = yield* parentOf(ctx, olddirfd, oldpath);
  const n = yield* parentOf(ctx, newdirfd, newpath);
  if (o.p.dir.mnt.dev !== n.p.dir.mnt.dev) return -E.EXDEV;
  if (special(o.p.name)) return -E.EBUSY;
  if (special(n.p.name)) return (flags & RENAME_NOREPLACE) !== 0 ? -E.EEXIST : -E.EBUSY;
  writableMount(o.p.dir);
  const src = yield* notMountPoint(ctx, o.p.dir, o.p.name);
  // A trailing slash on either side requires the source to be a directory.
  if ((o.p.trailing || n.p.trailing) && !isDir(src)) return -E.ENOTDIR;
  let dst: Attr | undefined;
  try {
    dst = yield* notMountPoint(ctx, n.p.dir, n.p.name);
  } catch (e) {
    if (!(e instanceof SysError) || e.errno !== E.ENOENT) throw e;
  }
  if (dst === undefined && (flags & RENAME_EXCHANGE) !== 0) return -E.ENOENT;
  if (dst !== undefined && (flags & RENAME_NOREPLACE) !== 0) return -E.EEXIST;
  if ((flags & RENAME_WHITEOUT) !== 0) return -E.EINVAL; // the servers have no whiteout entries
  // Moving a directory into itself or below it (the chains know where the new parent is).
  if (isDir(src) && (flags & RENAME_EXCHANGE) === 0) {
    for (let d: PNode | undefined = n.p.dir; d !== undefined; d = d.parent) {
      if (d.mnt.dev === o.p.dir.mnt.dev && d.ino === src.ino) return -E.EINVAL;
    }
  }
  yield* fsc(ctx.vfs.stubs.tree(ctx.k, o.p.dir.mnt.root).rename(o.p.dir.ino, o.p.name, n.p.dir.ino, n.p.name, flags & (RENAME_NOREPLACE | RENAME_EXCHANGE), asJson(credOf(ctx))));
  return 0;
}

function* linkAt(ctx: SysContext, olddirfd: number, oldpath: string, newdirfd: number, newpath: string, flags: number): Pending {
  if ((flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) !== 0) return -E.EINVAL;
  const v = ctx.vfs;
  // linkat(fd, "", …, AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH: ENOENT for others, as Linux answers.
  if ((flags & AT_EMPTY_PATH) !== 0 && oldpath === "" && !capable(ctx, Cap.DAC_READ_SEARCH)) return -E.ENOENT;
  const src = yield* v.lookupAt(ctx.k, credOf(ctx), olddirfd, oldpath, (flags & AT_SYMLINK_FOLLOW) !== 0, (flags & AT_EMPTY_PATH) !== 0);
  const { w, p } = yield* parentOf(ctx, newdirfd, newpath);
  if (special(p.name)) return -E.EEXIST;
  if (p.trailing) return (yield* exists(ctx, w, p.dir, p.name)) ? -E.EEXIST : -E.ENOENT;
  if (src.node.mnt.dev !== p.dir.mnt.dev) return -E.EXDEV;
  writableMount(p.dir);
  if (isDir(src.attr)) return -E.EPERM;
  yield* fsc(v.stubs.tree(ctx.k, p.dir.mnt.root).link(src.node.ino, p.dir.ino, p.name, asJson(credOf(ctx))));
  return 0;
}

function* symlinkAt(ctx: SysContext, target: string, dirfd: number, path: string): Pending {
  if (target === "") return -E.ENOENT;
  const { w, p } = yield* parentOf(ctx, dirfd, path);
  if (special(p.name)) return -E.EEXIST;
  if ((p.dir.mnt.flags & 1) !== 0) return (yield* exists(ctx, w, p.dir, p.name)) ? -E.EEXIST : -E.EROFS;
  if (p.trailing) return (yield* exists(ctx, w, p.dir, p.name)) ? -E.EEXIST : -E.ENOENT;
  yield* fsc(ctx.vfs.stubs.tree(ctx.k, p.dir.mnt.root).symlink(p.dir.ino, p.name, target, asJson(credOf(ctx))));
  return 0;
}

/**
 * readlinkat: the link's target (truncated to the buffer, no NUL); for this process's /proc
 * magic links, the path of what they name (the open file's, the working directory's).
 */
function* readlinkAt(ctx: SysContext, dirfd: number, path: string, buf: number, size: number): Pending {
  if ((size | 0) <= 0) return -E.EINVAL;
  const v = ctx.vfs;
  if (path === "" && dirfd === AT_FDCWD) return -E.ENOENT;
  const f = yield* v.lookupAt(ctx.k, credOf(ctx), dirfd, path, false, true);
  if (!isLink(f.attr)) return path === "" ? -E.ENOENT : -E.EINVAL;
  let target: string;
  const nodeless = v.nodelessLink(f.node);
  const magic = nodeless === undefined ? v.magic(f.node) : undefined;
  if (nodeless !== undefined) target = nodeless;
  else if (magic !== undefined) target = magic.node.pathFrom(v.root);
  else target = yield* fsc(v.stubs.tree(ctx.k, f.node.mnt.root).readlink(f.node.ino));
  const b = enc.encode(target);
  const n = Math.min(b.length, size);
  writeGuest(gm(ctx), buf, b.subarray(0, n));
  return n;
}

// ---- the working directory and the root ----

const getcwd: Handler = (ctx, a) => {
  const v = ctx.vfs, m = gm(ctx);
  const b = enc.encode(v.cwd.pathFrom(v.root));
  const size = ulongArg(ctx, 1);
  if (b.length + 1 > size) return -E.ERANGE;
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  writeGuest(m, argAddr(m, 0), out);
  return out.length;
};

/** A directory the caller may search (chdir, fchdir, chroot): ENOTDIR, EACCES. */
function* enterable(ctx: SysContext, node: PNode, attr: Attr): Generator<Block, PNode, unknown> {
  if (!isDir(attr)) throw new SysError(E.ENOTDIR);
  if (!permits(attr, credOf(ctx), MAY_EXEC)) throw new SysError(E.EACCES);
  return node;
}

const chdir: Handler = function* (ctx, a): Pending {
  const v = ctx.vfs;
  const f = yield* v.lookupAt(ctx.k, credOf(ctx), AT_FDCWD, pathArg(ctx, 0), true);
  v.cwd = yield* enterable(ctx, f.node, f.attr);
  return 0;
};

const fchdir: Handler = function* (ctx, a): Pending {
  const v = ctx.vfs;
  const f = v.file(intArg(a, 0));
  if (f.node === undefined) return -E.ENOTDIR;
  v.cwd = yield* enterable(ctx, f.node, yield* v.getattr(ctx.k, f.node));
  return 0;
};

const chroot: Handler = function* (ctx, a): Pending {
  const v = ctx.vfs;
  const f = yield* v.lookupAt(ctx.k, credOf(ctx), AT_FDCWD, pathArg(ctx, 0), true);
  const node = yield* enterable(ctx, f.node, f.attr);
  if (!capable(ctx, Cap.SYS_CHROOT)) return -E.EPERM;
  v.root = node;
  return 0;
};

const umask: Handler = (ctx, a) => {
  const old = ctx.vfs.umask;
  ctx.vfs.umask = a[0] & 0o777;
  return old;
};

// ---- the table ----

const p0 = (ctx: SysContext): string => pathArg(ctx, 0);
const p1 = (ctx: SysContext): string => pathArg(ctx, 1);

export const DIR_CALLS: Record<string, Handler> = {
  getdents64: getdents(true),
  getdents: getdents(false),
  mkdirat: (ctx, a) => mkdirAt(ctx, intArg(a, 0), p1(ctx), a[2]),
  mkdir: (ctx, a) => mkdirAt(ctx, AT_FDCWD, p0(ctx), a[1]),
  rmdir: (ctx) => rmdirAt(ctx, AT_FDCWD, p0(ctx)),
  unlinkat: (ctx, a) => {
    const flags = a[2] >>> 0;
    if ((flags & ~AT_REMOVEDIR) !== 0) return -E.EINVAL;
    return (flags & AT_REMOVEDIR) !== 0 ? rmdirAt(ctx, intArg(a, 0), p1(ctx)) : unlinkAt(ctx, intArg(a, 0), p1(ctx));
  },
  unlink: (ctx) => unlinkAt(ctx, AT_FDCWD, p0(ctx)),
  renameat2: (ctx, a) => renameAt(ctx, intArg(a, 0), p1(ctx), intArg(a, 2), pathArg(ctx, 3), a[4] >>> 0),
  renameat: (ctx, a) => renameAt(ctx, intArg(a, 0), p1(ctx), intArg(a, 2), pathArg(ctx, 3), 0),
  rename: (ctx) => renameAt(ctx, AT_FDCWD, p0(ctx), AT_FDCWD, p1(ctx), 0),
  linkat: (ctx, a) => linkAt(ctx, intArg(a, 0), p1(ctx), intArg(a, 2), pathArg(ctx, 3), a[4] >>> 0),
  link: (ctx) => linkAt(ctx, AT_FDCWD, p0(ctx), AT_FDCWD, p1(ctx), 0),
  symlinkat: (ctx, a) => symlinkAt(ctx, p0(ctx), intArg(a, 1), pathArg(ctx, 2)),
  symlink: (ctx) => symlinkAt(ctx, p0(ctx), AT_FDCWD, p1(ctx)),
  readlinkat: (ctx, a) => readlinkAt(ctx, intArg(a, 0), p1(ctx), argAddr(gm(ctx), 2), a[3] | 0),
  readlink: (ctx, a) => readlinkAt(ctx, AT_FDCWD, p0(ctx), argAddr(gm(ctx), 1), a[2] | 0),
  getcwd, chdir, fchdir, chroot, umask,
  mknodat: (ctx, a) => mknodAt(ctx, intArg(a, 0), p1(ctx), a[2], a[3]),
  mknod: (ctx, a) => mknodAt(ctx, AT_FDCWD, p0(ctx), a[1], a[2]),
};
