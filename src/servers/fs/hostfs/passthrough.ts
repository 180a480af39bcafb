// A read-write bind mount (-v HOST:GUEST): the host directory itself, changed in place — the
// user asked for that. Every operation is a host call on a path made of names this server saw
// as directories by lstat below the bind's root; before a path is used its directories are
// checked again (lstat: still the same directory, not a symbolic link), so a name the guest
// replaced by a link is never followed. Permission checks are the guest's credentials against
// the host attributes (perm.ts), and the host applies its own for k42's user on top (a refusal
// there is the host's errno).
//
// Inode numbers are the host's (a collision between host devices gets a fresh number).
// Open regular files are host descriptors. Not supported by Node's host calls, and refused
// honestly: mknod of FIFOs, sockets and devices (EPERM), RENAME_EXCHANGE (EINVAL),
// extended attributes (get: ENODATA, set: EOPNOTSUPP).

import {
  closeSync, constants, fstatSync, fsyncSync, ftruncateSync, fchmodSync, lchownSync, linkSync, lstatSync, lutimesSync,
  mkdirSync, openSync, opendirSync, readSync, readlinkSync, renameSync, rmdirSync, statfsSync, symlinkSync, chmodSync,
  truncateSync, unlinkSync, writeSync, realpathSync, type BigIntStats,
} from "node:fs";
import { NodeType, OpenFlag, S_IFMT, type Attr, type Cred, type DirPage, type Dirent, type SetAttr, type StatFs, type Time } from "../iface.js";
import { Errno, fail } from "../errno.js";
import { checkName, checkTarget } from "../names.js";
import type { FileSystemOps, OpenFile } from "../ops.js";
import { RENAME_EXCHANGE, RENAME_NOREPLACE } from "../ops.js";
import { BLKSIZE, Node, PERM_MASK, S_ISGID, S_ISUID, S_ISVTX, S_IXGRP } from "../memfs/node.js";
import { MAY_READ, MAY_WRITE, chgrpOk, chownOk, inGroup, isRoot, mayCreate, mayDelete, mayLink, mayLookup, ownerOrCapable, permission } from "../memfs/perm.js";
import { MAX_FILE_SIZE } from "../memfs/data.js";
import { host, nsTime } from "./host.js";
import { EXT4_SUPER_MAGIC, UPPER_FIRST_INO } from "./hostfs.js";

/** A host node this server has seen: where it was last seen (parent + name). */
interface PNode {
  readonly ino: number;
  readonly key: string;
  /** undefined for the root; a removed node has `gone`. */
  parent: PNode | undefined;
  name: Buffer;
  gone: boolean;
  /** Directories: the listing readdir continues from (refreshed at cookie 0). */
  listing: string[] | undefined;
}

const keyOf = (st: BigIntStats): string => `${st.dev}:${st.ino}`;

export class Passthrough implements FileSystemOps {
  private readonly rootPath: string;
  private readonly root: PNode;
  private readonly byIno = new Map<number, PNode>();
  private readonly byKey = new Map<string, PNode>();
  private nextIno = UPPER_FIRST_INO;

  constructor(root: string, private readonly now: () => Time) {
    this.rootPath = realpathSync(root);
    const st = lstatSync(this.rootPath, { bigint: true });
    if (!st.isDirectory()) throw new Error(`${root} is not a directory`);
    this.root = this.register(st, undefined, Buffer.alloc(0));
  }

  // ---- nodes and paths ----

  private register(st: BigIntStats, parent: PNode | undefined, name: Buffer): PNode {
    const key = keyOf(st);
    const known = this.byKey.get(key);
    if (known !== undefined) {
      if (known !== this.root) {
        known.parent = parent;
        known.name = name;
        known.gone = false;
      }
      return known;
    }
    let ino = Number(st.ino);
    if (!Number.isSafeInteger(ino) || ino <= 0 || this.byIno.has(ino)) {
      while (this.byIno.has(this.nextIno)) this.nextIno++;
      ino = this.nextIno++;
    }
    const n: PNode = { ino, key, parent, name, gone: false, listing: undefined };
    this.byIno.set(ino, n);
    this.byKey.set(key, n);
    return n;
  }

  private pnode(ino: number): PNode {
    const n = this.byIno.get(ino);
    if (n === undefined || n.gone) fail(Errno.ENOENT, `no node ${ino}`);
    return n;
  }

  /**
   * The host path of `n`, after checking that each directory on the way is still the directory
   * it was (same host identity, not a link): ENOENT if anything changed.
   */
  private path(n: PNode): Buffer {
    const chain: PNode[] = [];
    for (let p: PNode | undefined = n; p !== undefined && p !== this.root; p = p.parent) {
      if (p.gone) fail(Errno.ENOENT, "removed");
      chain.push(p);
    }
    let path = Buffer.from(this.rootPath);
    for (let i = chain.length - 1; i >= 0; i--) {
      path = Buffer.concat([path, Buffer.from("/"), chain[i].name]);
      if (i > 0) {
        const st = host(() => lstatSync(path, { bigint: true, throwIfNoEntry: false }));
        if (st === undefined || !st.isDirectory() || keyOf(st) !== chain[i].key) fail(Errno.ENOENT, "a directory on the way changed");
      }
    }
    return path;
  }

  private child(dir: PNode, name: string): Buffer {
    return Buffer.concat([this.path(dir), Buffer.from("/"), Buffer.from(name, "latin1")]);
  }

  private lstat(path: Buffer): BigIntStats | undefined {
    return host(() => lstatSync(path, { bigint: true, throwIfNoEntry: false }));
  }

  /** The current host attributes of `n` (ENOENT if its path no longer shows it). */
  private stat(n: PNode): BigIntStats {
    const st = this.lstat(this.path(n));
    if (st === undefined || keyOf(st) !== n.key) fail(Errno.ENOENT, "gone from the host");
    return st;
  }

  private attr(n: PNode, st: BigIntStats): Attr {
    return {
      ino: n.ino, mode: Number(st.mode), nlink: Number(st.nlink), uid: Number(st.uid), gid: Number(st.gid),
      size: Number(st.size), blocks: Number(st.blocks), blksize: Number(st.blksize) || BLKSIZE, rdev: Number(st.rdev),
      atime: nsTime(st.atimeNs), mtime: nsTime(st.mtimeNs), ctime: nsTime(st.ctimeNs), btime: nsTime(st.birthtimeNs),
    };
  }

  /** A memfs node with `st`'s attributes, for the permission checks of perm.ts. */
  private view(n: PNode, st: BigIntStats): Node {
    const v = new Node(n.ino, (Number(st.mode) & S_IFMT) as NodeType, Number(st.mode) & PERM_MASK, Number(st.uid), Number(st.gid), this.now());
    v.nlink = Number(st.nlink);
    return v;
  }

  private dirView(n: PNode): { st: BigIntStats; v: Node } {
    const st = this.stat(n);
    const v = this.view(n, st);
    if (!v.isDir) fail(Errno.ENOTDIR);
    return { st, v };
  }

  /** Entry `name` of `dir` (registered), or undefined. */
  private entry(dir: PNode, name: string): { n: PNode; st: BigIntStats; v: Node } | undefined {
    const path = this.child(dir, name);
    const st = this.lstat(path);
    if (st === undefined) return undefined;
    const n = this.register(st, dir, Buffer.from(name, "latin1"));
    return { n, st, v: this.view(n, st) };
  }

  // ---- the tree ----

  rootIno(): number {
    return this.root.ino;
  }

  statfs(): StatFs {
    const s = host(() => statfsSync(this.rootPath));
    return { type: EXT4_SUPER_MAGIC, bsize: s.bsize, frsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree, namelen: 255, flags: 0 };
  }

  lookup(dir: number, name: string, cred: Cred): Attr {
    checkName(name);
    const d = this.pnode(dir);
    mayLookup(this.dirView(d).v, cred);
    const e = this.entry(d, name);
    if (e === undefined) fail(Errno.ENOENT);
    return this.attr(e.n, e.st);
  }

  getattr(ino: number): Attr {
    const n = this.pnode(ino);
    return this.attr(n, this.stat(n));
  }

  setattr(ino: number, set: SetAttr, cred: Cred): Attr {
    const n = this.pnode(ino);
    const st = this.stat(n);
    const v = this.view(n, st);
    const path = this.path(n);
    if (set.size !== undefined) {
      if (v.isDir) fail(Errno.EISDIR);
      if (v.type !== NodeType.Reg) fail(Errno.EINVAL);
      permission(v, cred, MAY_WRITE);
      if (set.size < 0) fail(Errno.EINVAL);
      if (set.size > MAX_FILE_SIZE) fail(Errno.EFBIG);
    }
    if (set.uid !== undefined && !chownOk(v, cred, set.uid)) fail(Errno.EPERM);
    if (set.gid !== undefined && !chgrpOk(v, cred, set.gid)) fail(Errno.EPERM);
    if (set.mode !== undefined) {
      if (v.type === NodeType.Lnk) fail(Errno.EOPNOTSUPP);
      if (!ownerOrCapable(v, cred)) fail(Errno.EPERM);
    }
    const times = [set.atime, set.mtime].filter((x) => x !== undefined);
    if (times.some((x) => x !== "now")) {
      if (!ownerOrCapable(v, cred)) fail(Errno.EPERM);
    } else if (times.length > 0 && !ownerOrCapable(v, cred)) permission(v, cred, MAY_WRITE);
    if (set.size !== undefined) {
      const size = set.size;
      host(() => truncateSync(path, size));
      this.killPrivs(path, v, cred);
    }
    if (set.uid !== undefined || set.gid !== undefined) {
      const uid = set.uid ?? v.uid, gid = set.gid ?? v.gid;
      host(() => lchownSync(path, uid, gid));
    }
    if (set.mode !== undefined) {
      let perm = set.mode & PERM_MASK;
      if (!isRoot(cred) && !inGroup(cred, set.gid ?? v.gid)) perm &= ~S_ISGID;
      host(() => chmodSync(path, perm));
    }
    if (times.length > 0) {
      const now = this.now();
      const cur = this.stat(n);
      const pick = (x: Time | "now" | undefined, old: bigint): number => {
        const t = x === undefined ? nsTime(old) : x === "now" ? now : x;
        return t[0] + t[1] / 1e9;
      };
      host(() => lutimesSync(path, pick(set.atime, cur.atimeNs), pick(set.mtime, cur.mtimeNs)));
    }
    return this.attr(n, this.stat(n));
  }

  private killPrivs(path: Buffer, v: Node, cred: Cred): void {
    if (v.type !== NodeType.Reg || isRoot(cred)) return;
    let perm = v.perm & ~S_ISUID;
    if ((perm & (S_ISGID | S_IXGRP)) === (S_ISGID | S_IXGRP)) perm &= ~S_ISGID;
    if (perm !== v.perm) host(() => chmodSync(path, perm));
  }

  readlink(ino: number): string {
    const n = this.pnode(ino);
    return host(() => readlinkSync(this.path(n), { encoding: "buffer" })).toString("latin1");
  }

  readdir(dir: number, cookie: number, max: number): DirPage {
    const d = this.pnode(dir);
    this.dirView(d);
    if (!Number.isInteger(cookie) || cookie < 0) fail(Errno.EINVAL);
    const path = this.path(d);
    if (cookie === 0 || d.listing === undefined) {
      const names: string[] = [];
      host(() => {
        const h = opendirSync(path, { encoding: "buffer" as BufferEncoding, bufferSize: 256 });
        try {
          for (let e = h.readSync(); e !== null; e = h.readSync()) names.push((e.name as unknown as Buffer).toString("latin1"));
        } finally {
          h.closeSync();
        }
      });
      d.listing = names;
    }
    const out: Dirent[] = [];
    if (cookie === 0 && out.length < max) out.push([".", d.ino, NodeType.Dir, 1]);
    if (cookie <= 1 && out.length < max) out.push(["..", d.parent?.ino ?? d.ino, NodeType.Dir, 2]);
    const list = d.listing;
    let i = Math.max(cookie, 2) - 2;
    for (; i < list.length && out.length < max; i++) {
      const e = this.entry(d, list[i]);
      if (e !== undefined) out.push([list[i], e.n.ino, Number(e.st.mode) & S_IFMT, i + 3]);
    }
    return { entries: out, eof: i >= list.length };
  }

  /** The checks of a new name (lookup, EEXIST, may_create); the parent's path. */
  private prepareCreate(dir: number, name: string, cred: Cred): { d: PNode; path: Buffer; v: Node } {
    checkName(name);
    const d = this.pnode(dir);
    const { v } = this.dirView(d);
    mayLookup(v, cred);
    if (this.entry(d, name) !== undefined) fail(Errno.EEXIST);
    mayCreate(v, cred);
    return { d, path: this.child(d, name), v };
  }

  private made(d: PNode, name: string): Attr {
    const e = this.entry(d, name);
    if (e === undefined) fail(Errno.ENOENT, "vanished after creation");
    return this.attr(e.n, e.st);
  }

  create(dir: number, name: string, mode: number, exclusive: boolean, cred: Cred): Attr {
    checkName(name);
    const d = this.pnode(dir);
    mayLookup(this.dirView(d).v, cred);
    const e = this.entry(d, name);
    if (e !== undefined) {
      if (exclusive) fail(Errno.EEXIST);
      if (e.v.isDir) fail(Errno.EISDIR);
      return this.attr(e.n, e.st);
    }
    const p = this.prepareCreate(dir, name, cred);
    const fd = host(() => openSync(p.path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, mode & PERM_MASK));
    closeSync(fd);
    return this.made(d, name);
  }

  mkdir(dir: number, name: string, mode: number, cred: Cred): Attr {
    const p = this.prepareCreate(dir, name, cred);
    host(() => mkdirSync(p.path, mode & (0o777 | S_ISVTX)));
    return this.made(p.d, name);
  }

  mknod(dir: number, name: string, mode: number, _rdev: number, cred: Cred): Attr {
    const type = mode & S_IFMT;
    if (type === NodeType.Dir) fail(Errno.EPERM);
    if (type !== 0 && type !== NodeType.Reg) {
      if (type !== NodeType.Fifo && type !== NodeType.Sock && type !== NodeType.Chr && type !== NodeType.Blk) fail(Errno.EINVAL);
      this.prepareCreate(dir, name, cred);
      return fail(Errno.EPERM, "the host pass-through cannot make FIFOs, sockets or devices");
    }
    return this.create(dir, name, mode, true, cred);
  }

  symlink(dir: number, name: string, target: string, cred: Cred): Attr {
    checkTarget(target);
    const p = this.prepareCreate(dir, name, cred);
    host(() => symlinkSync(Buffer.from(target, "latin1"), p.path));
    return this.made(p.d, name);
  }

  link(ino: number, dir: number, name: string, cred: Cred): Attr {
    checkName(name);
    const n = this.pnode(ino);
    const st = this.stat(n);
    const v = this.view(n, st);
    const d = this.pnode(dir);
    const dv = this.dirView(d).v;
    mayLookup(dv, cred);
    if (this.entry(d, name) !== undefined) fail(Errno.EEXIST);
    if (!mayLink(v, cred)) fail(Errno.EPERM);
    mayCreate(dv, cred);
    if (v.isDir) fail(Errno.EPERM);
    const from = this.path(n);
    host(() => linkSync(from, this.child(d, name)));
    return this.made(d, name);
  }

  unlink(dir: number, name: string, cred: Cred): void {
    checkName(name);
    const d = this.pnode(dir);
    const dv = this.dirView(d).v;
    mayLookup(dv, cred);
    const e = this.entry(d, name);
    if (e === undefined) fail(Errno.ENOENT);
    mayDelete(dv, e.v, false, cred);
    host(() => unlinkSync(this.child(d, name)));
    if (Number(e.st.nlink) <= 1) e.n.gone = true;
  }

  rmdir(dir: number, name: string, cred: Cred): void {
    checkName(name);
    const d = this.pnode(dir);
    const dv = this.dirView(d).v;
    mayLookup(dv, cred);
    const e = this.entry(d, name);
    if (e === undefined) fail(Errno.ENOENT);
    mayDelete(dv, e.v, true, cred);
    host(() => rmdirSync(this.child(d, name)));
    e.n.gone = true;
  }

  rename(olddir: number, oldname: string, newdir: number, newname: string, flags: number, cred: Cred): void {
    if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) !== 0 || flags === (RENAME_NOREPLACE | RENAME_EXCHANGE)) fail(Errno.EINVAL);
    checkName(oldname);
    checkName(newname);
    const od = this.pnode(olddir), nd = this.pnode(newdir);
    const odv = this.dirView(od).v, ndv = this.dirView(nd).v;
    mayLookup(odv, cred);
    mayLookup(ndv, cred);
    const src = this.entry(od, oldname);
    if (src === undefined) fail(Errno.ENOENT);
    const tgt = this.entry(nd, newname);
    if ((flags & RENAME_EXCHANGE) !== 0) {
      if (tgt === undefined) fail(Errno.ENOENT);
      fail(Errno.EINVAL, "RENAME_EXCHANGE is not available on the host pass-through");
    }
    if ((flags & RENAME_NOREPLACE) !== 0 && tgt !== undefined) fail(Errno.EEXIST);
    if (src.v.isDir && this.isAncestor(src.n, nd)) fail(Errno.EINVAL);
    if (tgt !== undefined && tgt.v.isDir && this.isAncestor(tgt.n, od)) fail(Errno.ENOTEMPTY);
    if (tgt !== undefined && tgt.n === src.n) return;
    mayDelete(odv, src.v, src.v.isDir, cred);
    if (tgt === undefined) mayCreate(ndv, cred);
    else mayDelete(ndv, tgt.v, src.v.isDir, cred);
    if (od !== nd && src.v.isDir) permission(src.v, cred, MAY_WRITE);
    const from = this.child(od, oldname), to = this.child(nd, newname);
    host(() => renameSync(from, to));
    if (tgt !== undefined && (tgt.v.isDir || Number(tgt.st.nlink) <= 1)) tgt.n.gone = true;
    src.n.parent = nd;
    src.n.name = Buffer.from(newname, "latin1");
  }

  private isAncestor(a: PNode, b: PNode): boolean {
    for (let n: PNode | undefined = b; n !== undefined; n = n.parent) if (n === a) return true;
    return false;
  }

  open(ino: number, flags: number, cred: Cred): OpenFile {
    const n = this.pnode(ino);
    const st = this.stat(n);
    const v = this.view(n, st);
    if ((flags & OpenFlag.Directory) !== 0 && !v.isDir) fail(Errno.ENOTDIR);
    if ((flags & OpenFlag.Path) !== 0 || v.isDir) {
      if ((flags & OpenFlag.Path) === 0) {
        if ((flags & OpenFlag.Access) !== OpenFlag.RdOnly || (flags & OpenFlag.Trunc) !== 0) fail(Errno.EISDIR);
        permission(v, cred, MAY_READ);
      }
      return new PathFile(this, n);
    }
    const acc = flags & OpenFlag.Access;
    let mask = acc === OpenFlag.RdOnly ? MAY_READ : acc === OpenFlag.WrOnly ? MAY_WRITE : MAY_READ | MAY_WRITE;
    if ((flags & OpenFlag.Trunc) !== 0) mask |= MAY_WRITE;
    if (v.type === NodeType.Lnk) fail(Errno.ELOOP);
    permission(v, cred, mask);
    if (v.type !== NodeType.Reg) fail(Errno.ENXIO, "only regular files and directories of a host bind can be opened");
    const hostAcc = acc === OpenFlag.RdOnly ? constants.O_RDONLY : acc === OpenFlag.WrOnly ? constants.O_WRONLY : constants.O_RDWR;
    const path = this.path(n);
    const fd = host(() => openSync(path, hostAcc | constants.O_NOFOLLOW | constants.O_NONBLOCK));
    const f = new HostOpenFile(this, n, fd, acc !== OpenFlag.WrOnly, acc !== OpenFlag.RdOnly, cred);
    if ((flags & OpenFlag.Trunc) !== 0) f.truncate(0);
    return f;
  }

  /** Attributes of an open node (fstat when a descriptor is held). */
  attrOf(n: PNode, fd: number | undefined): Attr {
    if (fd === undefined) return this.getattr(n.ino);
    return this.attr(n, fstatSync(fd, { bigint: true }));
  }

  getxattr(ino: number): Uint8Array {
    this.pnode(ino);
    return fail(Errno.ENODATA, "host extended attributes are not read by the pass-through");
  }
  listxattr(ino: number): string[] {
    this.pnode(ino);
    return [];
  }
  setxattr(ino: number): void {
    this.pnode(ino);
    fail(Errno.EOPNOTSUPP, "extended attributes are not written to the host");
  }
  removexattr(ino: number): void {
    this.pnode(ino);
    fail(Errno.EOPNOTSUPP, "extended attributes are not written to the host");
  }

  /** Clear set-ID bits on a write by non-root (file_remove_privs). */
  removePrivs(fd: number, cred: Cred): void {
    if (isRoot(cred)) return;
    const st = fstatSync(fd);
    let perm = st.mode & PERM_MASK;
    const was = perm;
    perm &= ~S_ISUID;
    if ((perm & (S_ISGID | S_IXGRP)) === (S_ISGID | S_IXGRP)) perm &= ~S_ISGID;
    if (perm !== was) host(() => fchmodSync(fd, perm));
  }
}

class PathFile implements OpenFile {
  constructor(private readonly fs: Passthrough, private readonly n: PNode) {}
  read(): Uint8Array {
    return fail(Errno.EISDIR);
  }
  write(): never {
    return fail(Errno.EBADF);
  }
  getattr(): Attr {
    return this.fs.attrOf(this.n, undefined);
  }
  truncate(): Attr {
    return fail(Errno.EINVAL);
  }
  fsync(): void {}
  close(): void {}
}

class HostOpenFile implements OpenFile {
  private fd: number;
  constructor(
    private readonly fs: Passthrough, private readonly n: PNode, fd: number,
    private readonly readable: boolean, private readonly writable: boolean, private readonly cred: Cred,
  ) {
    this.fd = fd;
  }
  read(pos: number, count: number): Uint8Array {
    if (!this.readable) fail(Errno.EBADF);
    if (!Number.isInteger(pos) || pos < 0) fail(Errno.EINVAL);
    const out = new Uint8Array(count);
    let done = 0;
    while (done < count) {
      const n = host(() => readSync(this.fd, out, done, count - done, pos + done));
      if (n === 0) break;
      done += n;
    }
    return out.subarray(0, done);
  }
  write(pos: number, data: Uint8Array, append: boolean): { n: number; end: number } {
    if (!this.writable) fail(Errno.EBADF);
    if (!Number.isInteger(pos) || pos < 0) fail(Errno.EINVAL);
    const at = append ? Number(fstatSync(this.fd, { bigint: true }).size) : pos;
    if (data.length === 0) return { n: 0, end: pos };
    if (at >= MAX_FILE_SIZE) fail(Errno.EFBIG);
    this.fs.removePrivs(this.fd, this.cred);
    let done = 0;
    while (done < data.length) done += host(() => writeSync(this.fd, data, done, data.length - done, at + done));
    return { n: done, end: at + done };
  }
  getattr(): Attr {
    return this.fs.attrOf(this.n, this.fd);
  }
  truncate(size: number): Attr {
    if (!this.writable) fail(Errno.EBADF);
    if (!Number.isInteger(size) || size < 0) fail(Errno.EINVAL);
    if (size > MAX_FILE_SIZE) fail(Errno.EFBIG);
    host(() => ftruncateSync(this.fd, size));
    this.fs.removePrivs(this.fd, this.cred);
    return this.getattr();
  }
  fsync(): void {
    host(() => fsyncSync(this.fd));
  }
  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}
