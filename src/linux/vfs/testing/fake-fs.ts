// A small in-memory file server and name space for the personality's unit tests (the walker,
// descriptors, locks) — tests only: the real servers are src/servers/fs. Just enough of the
// FileSystem contract: a tree with directories, files, symlinks; lookup refuses search without
// an x bit for non-root; open files through handles.

import type { Kernel } from "../../../kernel/kernel.js";
import { Rights } from "../../../kernel/ppc/iface.js";
import type { Impl } from "../../../kernel/ppc/iface.js";
import { ServerErrno } from "../../../kernel/ppc/errors.js";
import type { Handle, Json } from "../../../kernel/ppc/values.js";
import type { CallContext, ServerEnv } from "../../../kernel/ppc/iface.js";
import { FileSystemIface, NameSpaceIface, NodeType, S_IFMT, type Attr, type Cred, type Mount } from "../../../servers/fs/iface.js";

interface Node {
  ino: number;
  mode: number;
  uid: number;
  children?: Map<string, number>;
  target?: string;
  data?: Uint8Array;
  nlink: number;
}

const ENOENT = 2, EEXIST = 17, ENOTDIR = 20, EISDIR = 21, EACCES = 13, ENOTEMPTY = 39, EINVAL = 22, ENODATA = 61;

/** One in-memory tree (shared by every processor's dispatcher in a deterministic test). */
export class FakeTree {
  readonly nodes = new Map<number, Node>();
  private next = 2;
  readonly opens = new Map<number, { ino: number; flags: number }>();
  nextOpen = 1;

  constructor() {
    this.nodes.set(1, { ino: 1, mode: NodeType.Dir | 0o755, uid: 0, children: new Map(), nlink: 2 });
  }

  node(ino: number): Node {
    const n = this.nodes.get(ino);
    if (n === undefined) throw new ServerErrno(ENOENT);
    return n;
  }

  add(dir: number, name: string, mode: number, extra: Partial<Node> = {}): number {
    const d = this.node(dir);
    if (d.children === undefined) throw new ServerErrno(ENOTDIR);
    if (d.children.has(name)) throw new ServerErrno(EEXIST);
    const ino = this.next++;
    this.nodes.set(ino, { ino, mode, uid: 0, nlink: 1, ...((mode & S_IFMT) === NodeType.Dir ? { children: new Map() } : {}), ...extra });
    d.children.set(name, ino);
    return ino;
  }

  /** Build paths for tests: mkdirs("a/b"), file("a/f", "text"), link("a/l", "target"). */
  mkdirs(path: string, mode = 0o755): number {
    let cur = 1;
    for (const c of path.split("/").filter((x) => x !== "")) {
      const d = this.node(cur);
      cur = d.children?.get(c) ?? this.add(cur, c, NodeType.Dir | mode);
    }
    return cur;
  }

  file(path: string, text: string): number {
    const i = path.lastIndexOf("/");
    return this.add(this.mkdirs(path.slice(0, Math.max(i, 0))), path.slice(i + 1), NodeType.Reg | 0o644, { data: new TextEncoder().encode(text) });
  }

  link(path: string, target: string): number {
    const i = path.lastIndexOf("/");
    return this.add(this.mkdirs(path.slice(0, Math.max(i, 0))), path.slice(i + 1), NodeType.Lnk | 0o777, { target });
  }

  attr(n: Node): Attr {
    const t: [number, number] = [1_700_000_000, 0];
    const size = n.data?.length ?? n.target?.length ?? 0;
    return { ino: n.ino, mode: n.mode, nlink: n.nlink, uid: n.uid, gid: 0, size, blocks: Math.ceil(size / 512), blksize: 4096, rdev: 0, atime: t, mtime: t, ctime: t, btime: [0, 0] };
  }
}

const cred = (j: Json): Cred => j as unknown as Cred;
const out = (a: Attr): Json => a as unknown as Json;

/** The FileSystem implementation over a FakeTree (one object per processor, same tree). */
export function fakeFs(tree: FakeTree, env: ServerEnv): Impl<typeof FileSystemIface> {
  const dirOf = (ino: number): Map<string, number> => {
    const d = tree.node(ino);
    if (d.children === undefined) throw new ServerErrno(ENOTDIR);
    return d.children;
  };
  return {
    root: () => 1,
    statfs: () => ({ type: 0x01021994, bsize: 4096, blocks: 100, bfree: 50, bavail: 50, files: 10, ffree: 5, namelen: 255, frsize: 4096, flags: 0 }),
    lookup: (dir: number, name: string, c: Json) => {
      const d = tree.node(dir);
      if (d.children === undefined) throw new ServerErrno(ENOTDIR);
      if (cred(c).uid !== 0 && (d.mode & 0o111) === 0) throw new ServerErrno(EACCES);
      const ino = d.children.get(name);
      if (ino === undefined) throw new ServerErrno(ENOENT);
      return out(tree.attr(tree.node(ino)));
    },
    getattr: (ino: number) => out(tree.attr(tree.node(ino))),
    setattr: (ino: number, ch: Json) => {
      const n = tree.node(ino);
      const c = ch as { mode?: number; size?: number };
      if (c.mode !== undefined) n.mode = (n.mode & S_IFMT) | c.mode;
      if (c.size !== undefined) {
        const d = new Uint8Array(c.size);
        d.set((n.data ?? new Uint8Array(0)).subarray(0, c.size));
        n.data = d;
      }
      return out(tree.attr(n));
    },
    readlink: (ino: number) => {
      const t = tree.node(ino).target;
      if (t === undefined) throw new ServerErrno(EINVAL);
      return t;
    },
    readdir: (dir: number, cookie: number, max: number) => {
      const names = [".", "..", ...dirOf(dir).keys()];
      const entries = names.slice(cookie, cookie + max).map((name, i) => {
        const ino = name === "." || name === ".." ? dir : dirOf(dir).get(name) ?? 0;
        return [name, ino, tree.node(ino).mode & S_IFMT, cookie + i + 1];
      });
      return { entries, eof: cookie + max >= names.length } as unknown as Json;
    },
    create: (dir: number, name: string, mode: number, excl: boolean) => {
      const existing = dirOf(dir).get(name);
      if (existing !== undefined) {
        if (excl) throw new ServerErrno(EEXIST);
        return out(tree.attr(tree.node(existing)));
      }
      return out(tree.attr(tree.node(tree.add(dir, name, NodeType.Reg | mode, { data: new Uint8Array(0) }))));
    },
    mkdir: (dir: number, name: string, mode: number) => out(tree.attr(tree.node(tree.add(dir, name, NodeType.Dir | mode)))),
    mknod: (dir: number, name: string, mode: number) => out(tree.attr(tree.node(tree.add(dir, name, mode)))),
    symlink: (dir: number, name: string, target: string) => out(tree.attr(tree.node(tree.add(dir, name, NodeType.Lnk | 0o777, { target })))),
    link: (ino: number, dir: number, name: string) => {
      const d = dirOf(dir);
      if (d.has(name)) throw new ServerErrno(EEXIST);
      d.set(name, ino);
      tree.node(ino).nlink++;
      return out(tree.attr(tree.node(ino)));
    },
    unlink: (dir: number, name: string) => {
      const d = dirOf(dir);
      const ino = d.get(name);
      if (ino === undefined) throw new ServerErrno(ENOENT);
      if (tree.node(ino).children !== undefined) throw new ServerErrno(EISDIR);
      d.delete(name);
      tree.node(ino).nlink--;
    },
    rmdir: (dir: number, name: string) => {
      const d = dirOf(dir);
      const ino = d.get(name);
      if (ino === undefined) throw new ServerErrno(ENOENT);
      const n = tree.node(ino);
      if (n.children === undefined) throw new ServerErrno(ENOTDIR);
      if (n.children.size > 0) throw new ServerErrno(ENOTEMPTY);
      d.delete(name);
    },
    rename: (od: number, on: string, nd: number, nn: string) => {
      const ino = dirOf(od).get(on);
      if (ino === undefined) throw new ServerErrno(ENOENT);
      dirOf(od).delete(on);
      dirOf(nd).set(nn, ino);
    },
    open: (ino: number, flags: number, _c: Json, ctx: CallContext) => {
      const n = tree.node(ino);
      if ((flags & 0o1000) !== 0) n.data = new Uint8Array(0);
      const no = tree.nextOpen++;
      tree.opens.set(no, { ino, flags });
      const acc = flags & 3;
      const rights = Rights.Close | (acc !== 1 ? Rights.Read : 0) | (acc !== 0 ? Rights.Write : 0);
      return env.createHandle(ctx.caller, rights, 0, no);
    },
    getxattr: () => {
      throw new ServerErrno(ENODATA);
    },
    listxattr: () => [],
    setxattr: () => {
      throw new ServerErrno(95);
    },
    removexattr: () => {
      throw new ServerErrno(ENODATA);
    },
    read: (off: number, count: number, ctx: CallContext) => {
      const o = tree.opens.get(ctx.clientData);
      if (o === undefined) throw new ServerErrno(9);
      return (tree.node(o.ino).data ?? new Uint8Array(0)).slice(off, off + count);
    },
    write: (off: number, data: Uint8Array, append: boolean, ctx: CallContext) => {
      const o = tree.opens.get(ctx.clientData);
      if (o === undefined) throw new ServerErrno(9);
      const n = tree.node(o.ino);
      const old = n.data ?? new Uint8Array(0);
      const at = append ? old.length : off;
      const d = new Uint8Array(Math.max(old.length, at + data.length));
      d.set(old);
      d.set(data, at);
      n.data = d;
      return { n: data.length, end: at + data.length };
    },
    fgetattr: (ctx: CallContext) => {
      const o = tree.opens.get(ctx.clientData);
      if (o === undefined) throw new ServerErrno(9);
      return out(tree.attr(tree.node(o.ino)));
    },
    fsync: () => undefined,
    ftruncate: (size: number, ctx: CallContext) => {
      const o = tree.opens.get(ctx.clientData);
      if (o === undefined) throw new ServerErrno(9);
      const n = tree.node(o.ino);
      const d = new Uint8Array(size);
      d.set((n.data ?? new Uint8Array(0)).subarray(0, size));
      n.data = d;
      return out(tree.attr(n));
    },
    close: (ctx: CallContext) => {
      tree.opens.delete(ctx.clientData);
      env.revoke(ctx.handle);
    },
    share: () => {
      throw new ServerErrno(38); // ENOSYS: the fake's tests never fork
    },
  };
}

/** The fake name space's state: the mounts listed now, every tree's mount, the generation (a test may change them), calls counted. */
export interface FakeNames {
  mounts: Mount[];
  all: Mount[];
  generation: number;
  generationCalls: number;
  mountsCalls: number;
}

export const fakeNames = (): FakeNames => ({ mounts: [], all: [], generation: 1, generationCalls: 0, mountsCalls: 0 });

/**
 * Register fake servers for these trees and a name space listing the first `boot` of them
 * (call on every processor); `names` shows the name space's state to the test.
 */
export function startFake(k: Kernel, trees: { path: string; tree: FakeTree; fstype?: string; flags?: number }[], names = fakeNames(), boot = trees.length): Handle {
  names.all = trees.map((t, i) => {
    const domain = 0x20000 + i;
    const s = k.ppc.serve(FileSystemIface, domain, (env) => fakeFs(t.tree, env), { root: { owner: domain, ownerRights: Rights.All, otherRights: Rights.None } });
    const r = s.root;
    if (r === undefined) throw new Error("no root");
    return { path: t.path, server: r.server, xh: r.xh, fstype: t.fstype ?? "tmpfs", source: "fake", flags: t.flags ?? 0, dev: 0x40 + i };
  });
  names.mounts = names.all.slice(0, boot);
  const ns = k.ppc.serve(NameSpaceIface, 0x20fff, () => ({
    mounts: () => {
      names.mountsCalls++;
      return { generation: names.generation, mounts: names.mounts as unknown as Json };
    },
    generation: () => {
      names.generationCalls++;
      return names.generation;
    },
    mount: () => undefined,
  }), { root: { owner: 0, ownerRights: Rights.All, otherRights: Rights.None } });
  if (ns.root === undefined) throw new Error("no ns root");
  return ns.root;
}
