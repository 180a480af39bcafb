// A memory file system: the tree of nodes and the operations that change it, with Linux's
// permission checks, error order and time stamps. tmpfs and devfs are this tree alone; hostfs
// is this tree as the upper layer over a host directory (a LowerLayer): lower nodes are made
// on first lookup (one lstat per name), a directory's host listing is read when it is first
// listed or emptied, and a removed lower name leaves a whiteout. The host is only ever read.
//
// One shared state per file system: every processor's dispatcher calls the same tree (see
// start.ts). Methods run to completion without blocking, so a call never sees another's
// half-made change.

import { NodeType, S_IFMT, type Attr, type Cred, type DirPage, type Dirent, type StatFs, type Time } from "../iface.js";
import { Errno, fail } from "../errno.js";
import { checkName, checkTarget } from "../names.js";
import { RENAME_EXCHANGE, RENAME_NOREPLACE } from "../ops.js";
import { FileData } from "./data.js";
import { childPath, type HostStat, type LowerLayer } from "./lower.js";
import { Node, PERM_MASK, S_ISVTX, type Entry } from "./node.js";
import { MAY_WRITE, isRoot, mayCreate, mayDelete, mayLink, mayLookup, newOwner, permission } from "./perm.js";

export type AtimePolicy = "relatime" | "noatime";

export interface MemTreeOptions {
  /** The guest's realtime clock (stamps). */
  readonly now: () => Time;
  /** statfs f_type. */
  readonly magic: number;
  /** statfs of the file system (counts of blocks and files); flags are added by the tree. */
  readonly statfs: () => Omit<StatFs, "type" | "flags" | "namelen">;
  /** statfs flags besides ST_RDONLY (e.g. ST_NOATIME). */
  readonly flags?: number;
  readonly atime: AtimePolicy;
  /** Refuse every change with EROFS. */
  readonly readonly?: boolean;
  /** The host directory under this tree (hostfs). */
  readonly lower?: LowerLayer;
  /** The root directory's attributes when there is no lower layer. */
  readonly rootPerm?: number;
  readonly rootUid?: number;
  readonly rootGid?: number;
  /** First inode number handed to a node made here (the root of a tree without lower gets 1). */
  readonly firstIno?: number;
}

const DAY = 24 * 60 * 60;

export function timeCmp(a: Time, b: Time): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}

export class MemTree {
  readonly root: Node;
  /** Live nodes by inode number. */
  private readonly byIno = new Map<number, Node>();
  /** Lower nodes by host identity (hard links of the host are one node here too). */
  private readonly byHost = new Map<string, Node>();
  private nextIno: number;
  readonly lower: LowerLayer | undefined;

  constructor(readonly opts: MemTreeOptions) {
    this.lower = opts.lower;
    this.nextIno = opts.firstIno ?? 1;
    if (this.lower !== undefined) {
      const st = this.lower.stat(Buffer.alloc(0));
      if (st === undefined || (st.mode & S_IFMT) !== NodeType.Dir) throw new Error("hostfs: the root is not a directory");
      this.root = this.lowerNode(Buffer.alloc(0), st);
    } else {
      this.root = this.make(NodeType.Dir, opts.rootPerm ?? 0o755, opts.rootUid ?? 0, opts.rootGid ?? 0);
    }
    this.root.parent = this.root;
  }

  now(): Time {
    return this.opts.now();
  }

  // ---- nodes ----

  /** The live node `ino`, or ENOENT. */
  node(ino: number): Node {
    const n = this.byIno.get(ino);
    if (n === undefined) fail(Errno.ENOENT, `no node ${ino}`);
    return n;
  }

  /** The directory `ino` (ENOTDIR if it is something else). */
  dirNode(ino: number): Node {
    const n = this.node(ino);
    if (!n.isDir) fail(Errno.ENOTDIR);
    return n;
  }

  get nodes(): number {
    return this.byIno.size;
  }

  /** Pages (of 4 KiB) the nodes' contents hold, for statfs. */
  get usedBlocks(): number {
    let b = 0;
    for (const n of this.byIno.values()) b += n.blocks;
    return Math.ceil(b / 8);
  }

  /** True if `ino` is a valid inode number no live node has. */
  inoFree(ino: number): boolean {
    return Number.isSafeInteger(ino) && ino > 0 && !this.byIno.has(ino);
  }

  /** A fresh inode number no live node has. */
  freshIno(): number {
    while (this.byIno.has(this.nextIno)) this.nextIno++;
    return this.nextIno++;
  }

  /** Make a node of the upper layer (not yet in any directory). */
  make(type: NodeType, perm: number, uid: number, gid: number, ino = this.freshIno()): Node {
    if (this.byIno.has(ino)) throw new Error(`inode ${ino} is taken`);
    const n = new Node(ino, type, perm & PERM_MASK, uid, gid, this.now());
    if (type === NodeType.Reg) n.data = new FileData();
    this.byIno.set(ino, n);
    return n;
  }

  /** The node showing host node `st` at lower path `path` (made once per host node). */
  lowerNode(path: Buffer, st: HostStat): Node {
    const known = this.byHost.get(st.key);
    if (known !== undefined) return known;
    const lower = this.lower;
    if (lower === undefined) throw new Error("no lower layer");
    const ino = Number.isSafeInteger(st.ino) && st.ino > 0 && !this.byIno.has(st.ino) ? st.ino : this.freshIno();
    const type = (st.mode & S_IFMT) as NodeType;
    const n = new Node(ino, type, st.mode & PERM_MASK, st.uid, st.gid, st.mtime);
    n.atime = st.atime;
    n.ctime = st.ctime;
    n.btime = st.btime;
    n.nlink = st.nlink;
    n.rdev = st.rdev;
    n.lower = { path, size: st.size, blocks: st.blocks };
    n.copied = false;
    n.hostKey = st.key;
    if (type === NodeType.Reg) n.data = new FileData(lower.backing(path, st), st.size);
    if (n.dir !== undefined) {
      n.dir.lowerPath = path;
      n.dir.loaded = false;
    }
    this.byIno.set(ino, n);
    this.byHost.set(st.key, n);
    return n;
  }

  /** Forget a node nobody names or holds any more. */
  maybeFree(n: Node): void {
    if (n.nlink > 0 || n.opens > 0) return;
    if (this.byIno.get(n.ino) === n) this.byIno.delete(n.ino);
    if (n.hostKey !== undefined && this.byHost.get(n.hostKey) === n) this.byHost.delete(n.hostKey);
    n.data?.clear();
  }

  /** Metadata of a lower node now belongs to the upper layer (copy-up of attributes). */
  touchMeta(n: Node): void {
    n.copied = true;
  }

  /** ctime (and optionally mtime) to now: a change of the node. */
  changed(n: Node, modified: boolean): void {
    const t = this.now();
    n.ctime = t;
    if (modified) n.mtime = t;
    n.copied = true;
  }

  /** An access (read, listing), under the tree's atime policy (Linux relatime's rule). */
  accessed(n: Node): void {
    if (this.opts.atime === "noatime" || this.opts.readonly === true) return;
    const t = this.now();
    if (timeCmp(n.mtime, n.atime) >= 0 || timeCmp(n.ctime, n.atime) >= 0 || t[0] - n.atime[0] >= DAY) {
      n.atime = t;
      n.copied = true;
    }
  }

  writable(): void {
    if (this.opts.readonly === true) fail(Errno.EROFS);
  }

  get readonly(): boolean {
    return this.opts.readonly === true;
  }

  // ---- directories ----

  /** The live entry `name` of directory `d` with its node, or undefined. */
  find(d: Node, name: string): Entry | undefined {
    const dir = d.dir;
    if (dir === undefined) fail(Errno.ENOTDIR);
    const e = dir.get(name);
    if (e !== undefined) return this.resolve(d, e);
    if (dir.loaded || dir.lowerPath === undefined || dir.whiteouts.has(name) || this.lower === undefined) return undefined;
    const st = this.lower.stat(childPath(dir.lowerPath, name));
    if (st === undefined) return undefined;
    const n = this.lowerNode(childPath(dir.lowerPath, name), st);
    if (n.isDir) n.parent = d;
    return dir.addUnplaced(name, n, true);
  }

  /** Make sure `e` has its node (an entry of the host listing gets it by lstat). */
  private resolve(d: Node, e: Entry): Entry | undefined {
    if (e.node !== undefined) return e;
    const dir = d.dir;
    if (dir === undefined || dir.lowerPath === undefined || this.lower === undefined) throw new Error("entry without a node outside a lower directory");
    const path = childPath(dir.lowerPath, e.name);
    const st = this.lower.stat(path);
    if (st === undefined) {
      // The host entry went away after the listing: it is gone here too.
      dir.remove(e.name);
      return undefined;
    }
    const n = this.lowerNode(path, st);
    if (n.isDir) n.parent = d;
    e.node = n;
    return e;
  }

  /** Read a lower directory's host listing into its entries (once). */
  load(d: Node): void {
    const dir = d.dir;
    if (dir === undefined || dir.loaded) return;
    dir.loaded = true;
    if (dir.lowerPath === undefined || this.lower === undefined) return;
    const pending = [...dir.entries.values()].filter((e) => e.pos === 0);
    for (const name of this.lower.list(dir.lowerPath)) {
      if (dir.whiteouts.has(name)) continue;
      const e = dir.get(name);
      if (e === undefined) dir.add(name, undefined, true);
      else dir.place(e);
    }
    for (const e of pending) if (e.live) dir.place(e);
  }

  /** Add `name` → `n` to directory `d` (the name is free; a whiteout of it is consumed). */
  insert(d: Node, name: string, n: Node, shadows = false): void {
    const dir = d.dir;
    if (dir === undefined) throw new Error("insert into a non-directory");
    const sh = shadows || dir.whiteouts.delete(name);
    if (dir.loaded) dir.add(name, n, sh);
    else dir.addUnplaced(name, n, sh);
    if (n.isDir) n.parent = d;
  }

  /** Remove entry `name` of `d`, leaving a whiteout where a lower entry shows through. */
  detach(d: Node, name: string): void {
    const dir = d.dir;
    if (dir === undefined) throw new Error("detach from a non-directory");
    const e = dir.remove(name);
    if (e !== undefined && e.shadows) dir.whiteouts.add(name);
  }

  /** True when directory `d` has no entries (lower ones included). */
  isEmpty(d: Node): boolean {
    this.load(d);
    const dir = d.dir;
    if (dir === undefined) return true;
    for (const e of dir.entries.values()) if (this.resolve(d, e) !== undefined) return false;
    return true;
  }

  // ---- the operations ----

  statfs(): StatFs {
    const s = this.opts.statfs();
    return { ...s, type: this.opts.magic, namelen: 255, flags: (this.opts.flags ?? 0) | (this.readonly ? 1 : 0) };
  }

  lookup(dirIno: number, name: string, cred: Cred): Attr {
    checkName(name);
    const d = this.node(dirIno);
    mayLookup(d, cred);
    const e = this.find(d, name);
    if (e?.node === undefined) fail(Errno.ENOENT);
    return e.node.attr();
  }

  readlink(ino: number): string {
    const n = this.node(ino);
    if (n.type !== NodeType.Lnk) fail(Errno.EINVAL, "not a symbolic link");
    if (n.target === undefined && n.lower !== undefined && this.lower !== undefined) n.target = this.lower.readlink(n.lower.path);
    this.accessed(n);
    return n.target ?? "";
  }

  readdir(dirIno: number, cookie: number, max: number): DirPage {
    const d = this.dirNode(dirIno);
    if (!Number.isInteger(cookie) || cookie < 0) fail(Errno.EINVAL, "bad cookie");
    const dir = d.dir;
    if (dir === undefined) fail(Errno.ENOTDIR);
    if (d.nlink === 0) fail(Errno.ENOENT, "the directory was removed"); // IS_DEADDIR
    this.load(d);
    const out: Dirent[] = [];
    if (cookie === 0 && out.length < max) out.push([".", d.ino, NodeType.Dir, 1]);
    if (cookie <= 1 && out.length < max) out.push(["..", (d.parent ?? d).ino, NodeType.Dir, 2]);
    let from = Math.max(cookie, 2);
    let eof = false;
    while (out.length < max) {
      const batch = dir.after(from, max - out.length);
      if (batch.length === 0) {
        eof = true;
        break;
      }
      for (const e of batch) {
        from = e.pos;
        const r = this.resolve(d, e);
        if (r?.node !== undefined) out.push([e.name, r.node.ino, r.node.type, e.pos]);
      }
    }
    if (!eof) eof = dir.after(from, 1).length === 0;
    this.accessed(d);
    return { entries: out, eof };
  }

  /** A new node `name` in `d`: the common steps of create, mkdir, mknod and symlink. */
  private prepareCreate(dirIno: number, name: string, cred: Cred): Node {
    checkName(name);
    const d = this.node(dirIno);
    mayLookup(d, cred);
    if (this.find(d, name) !== undefined) fail(Errno.EEXIST);
    this.writable();
    mayCreate(d, cred);
    return d;
  }

  private finishCreate(d: Node, name: string, n: Node): Attr {
    this.insert(d, name, n);
    if (n.isDir) d.nlink++;
    this.changed(d, true);
    return n.attr();
  }

  create(dirIno: number, name: string, mode: number, exclusive: boolean, cred: Cred): Attr {
    checkName(name);
    const d0 = this.node(dirIno);
    mayLookup(d0, cred);
    const e = this.find(d0, name);
    if (e?.node !== undefined) {
      if (exclusive) fail(Errno.EEXIST);
      if (e.node.isDir) fail(Errno.EISDIR);
      return e.node.attr();
    }
    const d = this.prepareCreate(dirIno, name, cred);
    const o = newOwner(d, cred, false, mode & PERM_MASK);
    return this.finishCreate(d, name, this.make(NodeType.Reg, o.perm, o.uid, o.gid));
  }

  mkdir(dirIno: number, name: string, mode: number, cred: Cred): Attr {
    const d = this.prepareCreate(dirIno, name, cred);
    const o = newOwner(d, cred, true, mode & (0o777 | S_ISVTX));
    return this.finishCreate(d, name, this.make(NodeType.Dir, o.perm, o.uid, o.gid));
  }

  mknod(dirIno: number, name: string, mode: number, rdev: number, cred: Cred): Attr {
    let type = (mode & S_IFMT) as NodeType;
    switch (type as number) {
      case 0:
        type = NodeType.Reg;
        break;
      case NodeType.Reg: case NodeType.Chr: case NodeType.Blk: case NodeType.Fifo: case NodeType.Sock:
        break;
      case NodeType.Dir:
        fail(Errno.EPERM, "mknod of a directory");
      // falls through (fail never returns)
      default:
        fail(Errno.EINVAL, "mknod type");
    }
    const d = this.prepareCreate(dirIno, name, cred);
    const device = type === NodeType.Chr || type === NodeType.Blk;
    if (device && !isRoot(cred)) fail(Errno.EPERM, "mknod of a device needs CAP_MKNOD");
    const o = newOwner(d, cred, false, mode & PERM_MASK);
    const n = this.make(type, o.perm, o.uid, o.gid);
    if (device) n.rdev = rdev;
    return this.finishCreate(d, name, n);
  }

  symlink(dirIno: number, name: string, target: string, cred: Cred): Attr {
    checkTarget(target);
    const d = this.prepareCreate(dirIno, name, cred);
    const o = newOwner(d, cred, false, 0o777);
    const n = this.make(NodeType.Lnk, 0o777, o.uid, o.gid);
    n.target = target;
    return this.finishCreate(d, name, n);
  }

  link(ino: number, dirIno: number, name: string, cred: Cred): Attr {
    checkName(name);
    const n = this.node(ino);
    const d = this.node(dirIno);
    mayLookup(d, cred);
    if (this.find(d, name) !== undefined) fail(Errno.EEXIST);
    this.writable();
    if (!mayLink(n, cred)) fail(Errno.EPERM, "protected_hardlinks");
    mayCreate(d, cred);
    if (n.isDir) fail(Errno.EPERM, "hard link to a directory");
    if (n.nlink === 0) fail(Errno.ENOENT, "the node was removed");
    this.insert(d, name, n);
    n.nlink++;
    this.changed(n, false);
    this.changed(d, true);
    return n.attr();
  }

  unlink(dirIno: number, name: string, cred: Cred): void {
    checkName(name);
    const d = this.node(dirIno);
    mayLookup(d, cred);
    this.writable();
    const e = this.find(d, name);
    if (e?.node === undefined) fail(Errno.ENOENT);
    const n = e.node;
    mayDelete(d, n, false, cred);
    this.detach(d, name);
    n.nlink--;
    this.changed(n, false);
    this.changed(d, true);
    this.maybeFree(n);
  }

  rmdir(dirIno: number, name: string, cred: Cred): void {
    checkName(name);
    const d = this.node(dirIno);
    mayLookup(d, cred);
    this.writable();
    const e = this.find(d, name);
    if (e?.node === undefined) fail(Errno.ENOENT);
    const n = e.node;
    mayDelete(d, n, true, cred);
    if (!this.isEmpty(n)) fail(Errno.ENOTEMPTY);
    this.detach(d, name);
    n.nlink = 0;
    d.nlink--;
    this.changed(n, false);
    this.changed(d, true);
    this.maybeFree(n);
  }

  rename(odIno: number, oname: string, ndIno: number, nname: string, flags: number, cred: Cred): void {
    if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) !== 0 || flags === (RENAME_NOREPLACE | RENAME_EXCHANGE)) fail(Errno.EINVAL, "rename flags");
    const exchange = (flags & RENAME_EXCHANGE) !== 0;
    checkName(oname);
    checkName(nname);
    const od = this.node(odIno);
    const nd = this.node(ndIno);
    mayLookup(od, cred);
    mayLookup(nd, cred);
    this.writable();
    const oe = this.find(od, oname);
    if (oe?.node === undefined) fail(Errno.ENOENT);
    const ne = this.find(nd, nname);
    if (exchange && ne === undefined) fail(Errno.ENOENT);
    if ((flags & RENAME_NOREPLACE) !== 0 && ne !== undefined) fail(Errno.EEXIST);
    const src = oe.node;
    const tgt = ne?.node;
    // A directory cannot move below itself; a directory cannot be replaced by its own descendant.
    if (src.isDir && this.isAncestor(src, nd)) fail(Errno.EINVAL, "a directory cannot move into itself");
    if (tgt !== undefined && tgt.isDir && this.isAncestor(tgt, od)) fail(exchange ? Errno.EINVAL : Errno.ENOTEMPTY);
    if (src === tgt) return; // two names of one node: nothing to do (Linux)
    mayDelete(od, src, src.isDir, cred);
    if (tgt === undefined) mayCreate(nd, cred);
    else mayDelete(nd, tgt, exchange ? tgt.isDir : src.isDir, cred);
    if (od !== nd) {
      // A directory moving elsewhere has its ".." rewritten: it must be writable.
      if (src.isDir) permission(src, cred, MAY_WRITE);
      if (exchange && tgt !== undefined && tgt.isDir) permission(tgt, cred, MAY_WRITE);
    }
    if (exchange && tgt !== undefined && ne !== undefined) {
      this.exchange(od, oe, nd, ne, src, tgt);
      return;
    }
    if (tgt !== undefined && tgt.isDir && !this.isEmpty(tgt)) fail(Errno.ENOTEMPTY);
    // Invoke: nothing below fails.
    if (tgt !== undefined) {
      this.detach(nd, nname);
      if (tgt.isDir) {
        tgt.nlink = 0;
        nd.nlink--;
      } else tgt.nlink--;
      this.changed(tgt, false);
    }
    this.detach(od, oname);
    this.insert(nd, nname, src, ne?.shadows ?? false);
    if (src.isDir && od !== nd) {
      od.nlink--;
      nd.nlink++;
    }
    this.changed(src, false);
    this.changed(od, true);
    this.changed(nd, true);
    if (tgt !== undefined) this.maybeFree(tgt);
  }

  /** RENAME_EXCHANGE: the two entries swap nodes (each keeps its place in its listing). */
  private exchange(od: Node, oe: Entry, nd: Node, ne: Entry, src: Node, tgt: Node): void {
    oe.node = tgt;
    ne.node = src;
    if (src.isDir) src.parent = nd;
    if (tgt.isDir) tgt.parent = od;
    if (od !== nd && src.isDir !== tgt.isDir) {
      const delta = src.isDir ? 1 : -1;
      od.nlink -= delta;
      nd.nlink += delta;
    }
    this.changed(src, false);
    this.changed(tgt, false);
    this.changed(od, true);
    this.changed(nd, true);
  }

  /** True if directory `a` is `b` or one of `b`'s ancestors. */
  private isAncestor(a: Node, b: Node): boolean {
    for (let n: Node = b; ; ) {
      if (n === a) return true;
      const p = n.parent;
      if (p === undefined || p === n) return false;
      n = p;
    }
  }
}
