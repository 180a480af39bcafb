// A pseudo file system: FileSystemIface over a tree whose nodes and contents are made on demand
// (procfs, sysfs). The tree says what exists and what a file holds; this engine does the rest
// the interface asks for: permission checks as Linux's generic_permission, "." and "..",
// directory pages with stable cookies, refusals of every change (the trees are read-only), open
// files and reads.
//
// A file's contents are made when it is opened (a snapshot, read by offset), like a seq_file
// filled by its first read. Open files belong to the processor whose dispatcher opened them
// (the snapshot lives in that processor's heap); a read through the same handle on another
// processor, after the caller moved, makes the contents again from the node the handle's
// clientData names (tree.openKey), like a seq_file re-filled by a read at a new position. A
// node no 32-bit key names (tree.openKey gives 0) reads EIO there.

import type { Block, CallContext, Impl, ServerEnv } from "../../kernel/ppc/iface.js";
import { ServerErrno } from "../../kernel/ppc/errors.js";
import type { Handle, Json } from "../../kernel/ppc/values.js";
import {
  FileRights, NodeType, OpenFlag, asJson, type Attr, type Cred, type DirPage, type Dirent, type FileSystemIface, type StatFs, type Time,
} from "../fs/iface.js";
import { EACCES, EBADF, EEXIST, EINVAL, EIO, EISDIR, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, EOPNOTSUPP, EPERM } from "./errno.js";

export type Gen<T> = Generator<Block, T, unknown>;

/** Who asks: the kernel-stamped domain, and the credentials the client passed (if the method has them). */
export interface Caller {
  readonly domain: number;
  readonly cred: Cred | undefined;
}

/** A node as the tree describes it. */
export interface PNode {
  readonly ino: number;
  readonly type: NodeType.Dir | NodeType.Reg | NodeType.Lnk;
  /** Permission bits. */
  readonly perm: number;
  readonly uid: number;
  readonly gid: number;
  readonly nlink: number;
  readonly size: number;
  readonly time: Time;
}

/** One directory entry; `pos` grows along the listing and stays the entry's across calls. */
export interface ListEntry {
  readonly name: string;
  readonly ino: number;
  readonly type: NodeType;
  readonly pos: number;
}

export interface PseudoTree {
  readonly rootIno: number;
  readonly statfs: StatFs;
  /** st_blksize of every node. */
  readonly blksize: number;
  /** The node `ino` as it is now (ENOENT when it went away, e.g. its process exited). */
  node(ino: number, c: Caller): Gen<PNode>;
  /** The directory holding `dir` (the root for the root). */
  parent(dir: PNode, c: Caller): Gen<PNode>;
  /** `name` in `dir` (ENOENT); search permission was checked. */
  lookup(dir: PNode, name: string, c: Caller): Gen<PNode>;
  /** Every entry of `dir` but "." and "..", in ascending pos (all > 2); read permission was checked. */
  list(dir: PNode, c: Caller): Gen<ListEntry[]>;
  readlink(n: PNode, c: Caller): Gen<string>;
  /** What the regular file holds now (may refuse, e.g. EACCES for another user's process). */
  content(n: PNode, c: Caller): Gen<Uint8Array>;
  /** A nonzero 32-bit name of `ino` that keyIno() turns back, or 0 when none fits. */
  openKey(ino: number): number;
  keyIno(key: number): number;
}

/** Refuse with an errno of the file-system interface. */
export function refuse(errno: number, why = ""): never {
  throw new ServerErrno(errno, why);
}

/** The credentials of a call, checked (a malformed one is EINVAL, not a server fault). */
export function credOf(v: Json): Cred {
  if (typeof v !== "object" || v === null || Array.isArray(v)) refuse(EINVAL, "credentials");
  const o = v as { [k: string]: Json };
  const id = (x: Json | undefined): x is number => typeof x === "number" && Number.isInteger(x) && x >= 0 && x <= 0xffffffff;
  const groups = o.groups;
  if (!id(o.uid) || !id(o.gid) || !Array.isArray(groups) || !groups.every(id)) refuse(EINVAL, "credentials");
  return { uid: o.uid, gid: o.gid, groups: groups as number[] };
}

/** Linux's generic_permission for `want` (4 read, 2 write, 1 execute/search), with root's overrides. */
export function permitted(n: PNode, cred: Cred, want: 4 | 2 | 1): boolean {
  if (cred.uid === 0) return want !== 1 || n.type === NodeType.Dir || (n.perm & 0o111) !== 0;
  const bits = cred.uid === n.uid ? n.perm >> 6 : cred.gid === n.gid || cred.groups.includes(n.gid) ? n.perm >> 3 : n.perm;
  return (bits & want) !== 0;
}

const MAX_NAME = 255;

interface OpenFile {
  readonly ino: number;
  /** The snapshot; undefined for directories and O_PATH opens. */
  readonly data: Uint8Array | undefined;
  readonly dir: boolean;
  readonly path: boolean;
}

/** One processor's implementation object of a pseudo file system. */
export class PseudoFs implements Impl<typeof FileSystemIface> {
  /** Open files made on this processor, by handle (xh). */
  private readonly opens = new Map<number, OpenFile>();

  constructor(private readonly env: ServerEnv, private readonly tree: PseudoTree) {}

  private attr(n: PNode): Attr {
    return {
      ino: n.ino, mode: n.type | n.perm, nlink: n.nlink, uid: n.uid, gid: n.gid, size: n.size, blocks: 0,
      blksize: this.tree.blksize, rdev: 0, atime: n.time, mtime: n.time, ctime: n.time, btime: n.time,
    };
  }

  private *dirNode(ino: number, c: Caller): Gen<PNode> {
    const d = yield* this.tree.node(ino, c);
    if (d.type !== NodeType.Dir) refuse(ENOTDIR);
    return d;
  }

  /** `name` in `dir` after the search check, or undefined when it does not exist. */
  private *child(dir: number, name: string, c: Caller & { cred: Cred }): Gen<PNode | undefined> {
    const d = yield* this.dirNode(dir, c);
    if (!permitted(d, c.cred, 1)) refuse(EACCES);
    if (name.length === 0 || name.includes("/") || name.includes("\0")) refuse(ENOENT);
    if (name.length > MAX_NAME) refuse(ENAMETOOLONG);
    if (name === ".") return d;
    if (name === "..") return yield* this.tree.parent(d, c);
    try {
      return yield* this.tree.lookup(d, name, c);
    } catch (e) {
      if (e instanceof ServerErrno && e.errno === ENOENT) return undefined;
      throw e;
    }
  }

  /** A change to a directory: EACCES without write permission on it, else EPERM (no such operation here). */
  private *noChange(dir: number, c: Caller & { cred: Cred }): Gen<never> {
    const d = yield* this.dirNode(dir, c);
    refuse(permitted(d, c.cred, 2) ? EPERM : EACCES, "read-only file system tree");
  }

  private caller(ctx: CallContext, cred?: Json): Caller & { cred: Cred } {
    return { domain: ctx.caller, cred: credOf(cred ?? null) };
  }

  root(): number {
    return this.tree.rootIno;
  }

  statfs(): Json {
    return asJson(this.tree.statfs);
  }

  *lookup(dir: number, name: string, cred: Json, ctx: CallContext): Gen<Json> {
    const n = yield* this.child(dir, name, this.caller(ctx, cred));
    if (n === undefined) refuse(ENOENT);
    return asJson(this.attr(n));
  }

  *getattr(ino: number, ctx: CallContext): Gen<Json> {
    return asJson(this.attr(yield* this.tree.node(ino, { domain: ctx.caller, cred: undefined })));
  }

  *setattr(ino: number, _changes: Json, cred: Json, ctx: CallContext): Gen<Json> {
    yield* this.tree.node(ino, this.caller(ctx, cred));
    // chmod, chown, truncate, utimes: nothing here keeps such changes (Linux's proc_setattr
    // refuses mode changes with EPERM; setattr_prepare refuses a non-owner with EPERM).
    refuse(EPERM);
  }

  *readlink(ino: number, ctx: CallContext): Gen<string> {
    const c: Caller = { domain: ctx.caller, cred: undefined };
    const n = yield* this.tree.node(ino, c);
    if (n.type !== NodeType.Lnk) refuse(EINVAL);
    return yield* this.tree.readlink(n, c);
  }

  *readdir(dir: number, cookie: number, max: number, cred: Json, ctx: CallContext): Gen<Json> {
    const c = this.caller(ctx, cred);
    const d = yield* this.dirNode(dir, c);
    if (!permitted(d, c.cred, 4)) refuse(EACCES);
    if (max === 0 || !Number.isInteger(cookie) || cookie < 0) refuse(EINVAL);
    const up = yield* this.tree.parent(d, c);
    const all: ListEntry[] = [
      { name: ".", ino: d.ino, type: NodeType.Dir, pos: 1 },
      { name: "..", ino: up.ino, type: NodeType.Dir, pos: 2 },
      ...(yield* this.tree.list(d, c)),
    ];
    const rest = all.filter((e) => e.pos > cookie);
    const entries: Dirent[] = rest.slice(0, max).map((e) => [e.name, e.ino, e.type, e.pos]);
    return asJson({ entries, eof: rest.length <= max } satisfies DirPage);
  }

  *create(dir: number, name: string, _mode: number, exclusive: boolean, cred: Json, ctx: CallContext): Gen<Json> {
    const c = this.caller(ctx, cred);
    const n = yield* this.child(dir, name, c);
    if (n === undefined) refuse(EACCES, "no new files here"); // vfs_create without ->create
    if (exclusive) refuse(EEXIST);
    if (n.type === NodeType.Dir) refuse(EISDIR);
    return asJson(this.attr(n));
  }

  private *make(dir: number, name: string, cred: Json, ctx: CallContext): Gen<Json> {
    const c = this.caller(ctx, cred);
    if ((yield* this.child(dir, name, c)) !== undefined) refuse(EEXIST);
    return yield* this.noChange(dir, c);
  }

  mkdir(dir: number, name: string, _mode: number, cred: Json, ctx: CallContext): Gen<Json> {
    return this.make(dir, name, cred, ctx);
  }

  mknod(dir: number, name: string, _mode: number, _rdev: number, cred: Json, ctx: CallContext): Gen<Json> {
    return this.make(dir, name, cred, ctx);
  }

  symlink(dir: number, name: string, _target: string, cred: Json, ctx: CallContext): Gen<Json> {
    return this.make(dir, name, cred, ctx);
  }

  *link(ino: number, dir: number, name: string, cred: Json, ctx: CallContext): Gen<Json> {
    yield* this.tree.node(ino, this.caller(ctx, cred));
    return yield* this.make(dir, name, cred, ctx);
  }

  private *remove(dir: number, name: string, cred: Json, ctx: CallContext): Gen<void> {
    const c = this.caller(ctx, cred);
    if ((yield* this.child(dir, name, c)) === undefined) refuse(ENOENT);
    yield* this.noChange(dir, c);
  }

  unlink(dir: number, name: string, cred: Json, ctx: CallContext): Gen<void> {
    return this.remove(dir, name, cred, ctx);
  }

  rmdir(dir: number, name: string, cred: Json, ctx: CallContext): Gen<void> {
    return this.remove(dir, name, cred, ctx);
  }

  *rename(olddir: number, oldname: string, _newdir: number, _newname: string, _flags: number, cred: Json, ctx: CallContext): Gen<void> {
    yield* this.remove(olddir, oldname, cred, ctx);
  }

  *open(ino: number, flags: number, cred: Json, ctx: CallContext): Gen<Handle> {
    const c = this.caller(ctx, cred);
    const n = yield* this.tree.node(ino, c);
    const path = (flags & OpenFlag.Path) !== 0;
    const access = flags & OpenFlag.Access;
    let data: Uint8Array | undefined;
    if (!path) {
      if (n.type === NodeType.Lnk) refuse(ELOOP);
      if (n.type === NodeType.Dir && access !== OpenFlag.RdOnly) refuse(EISDIR);
      if ((flags & OpenFlag.Directory) !== 0 && n.type !== NodeType.Dir) refuse(ENOTDIR);
      if (access !== OpenFlag.WrOnly && !permitted(n, c.cred, 4)) refuse(EACCES);
      if (access !== OpenFlag.RdOnly) {
        if (!permitted(n, c.cred, 2)) refuse(EACCES);
        // Linux lets root open a few of these for writing (comm, cpuN/online, hostname);
        // changing the system through them is not built: the open is refused.
        refuse(EACCES, "pseudo files are read-only here");
      }
      if (n.type === NodeType.Reg) data = yield* this.tree.content(n, c);
    }
    const rights = path ? FileRights.Close : FileRights.Read | FileRights.Close;
    const h = this.env.createHandle(ctx.caller, rights, 0, this.tree.openKey(ino));
    this.opens.set(h.xh, { ino, data, dir: n.type === NodeType.Dir, path });
    return h;
  }

  /** The open file behind the call's handle, made again here if it was opened on another processor. */
  private *openFile(ctx: CallContext): Gen<OpenFile> {
    const f = this.opens.get(ctx.handle.xh);
    if (f !== undefined) return f;
    if (ctx.clientData === 0) refuse(EIO, "an open file of another processor that cannot be made again here");
    const c: Caller = { domain: ctx.caller, cred: undefined };
    const n = yield* this.tree.node(this.tree.keyIno(ctx.clientData), c);
    const data = n.type === NodeType.Reg ? yield* this.tree.content(n, c) : undefined;
    const g: OpenFile = { ino: n.ino, data, dir: n.type === NodeType.Dir, path: false };
    this.opens.set(ctx.handle.xh, g);
    return g;
  }

  *read(offset: number, count: number, ctx: CallContext): Gen<Uint8Array> {
    const f = yield* this.openFile(ctx);
    if (f.path) refuse(EBADF);
    if (f.dir) refuse(EISDIR);
    if (!Number.isInteger(offset) || offset < 0) refuse(EINVAL);
    const data = f.data ?? new Uint8Array(0);
    return data.subarray(Math.min(offset, data.length), Math.min(offset + count, data.length));
  }

  write(): Json {
    refuse(EBADF); // no handle of these servers carries the write right
  }

  *fgetattr(ctx: CallContext): Gen<Json> {
    const f = yield* this.openFile(ctx);
    return asJson(this.attr(yield* this.tree.node(f.ino, { domain: ctx.caller, cred: undefined })));
  }

  fsync(): void {
    refuse(EINVAL); // Linux: no fsync for proc and sysfs files
  }

  close(ctx: CallContext): void {
    this.opens.delete(ctx.handle.xh);
    this.env.revoke(ctx.handle);
  }

  /** Another handle on the open file for `domain` (a forked process): the same snapshot. */
  *share(domain: number, ctx: CallContext): Gen<Handle> {
    const f = yield* this.openFile(ctx);
    const h = this.env.createHandle(domain, ctx.rights, 0, ctx.clientData);
    this.opens.set(h.xh, f);
    return h;
  }

  ftruncate(): Json {
    refuse(EBADF); // like write: no handle of these servers carries the write right
  }

  *getxattr(ino: number, _name: string, ctx: CallContext): Gen<Uint8Array> {
    yield* this.tree.node(ino, { domain: ctx.caller, cred: undefined });
    refuse(EOPNOTSUPP);
  }

  *listxattr(ino: number, ctx: CallContext): Gen<Json> {
    yield* this.tree.node(ino, { domain: ctx.caller, cred: undefined });
    return [];
  }

  *setxattr(ino: number, _name: string, _value: Uint8Array, _flags: number, cred: Json, ctx: CallContext): Gen<void> {
    yield* this.tree.node(ino, this.caller(ctx, cred));
    refuse(EOPNOTSUPP);
  }

  *removexattr(ino: number, _name: string, cred: Json, ctx: CallContext): Gen<void> {
    yield* this.tree.node(ino, this.caller(ctx, cred));
    refuse(EOPNOTSUPP);
  }
}
