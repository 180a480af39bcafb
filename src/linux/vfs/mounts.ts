// The process's cached copy of the name space's mount table (K42's clients cached mount
// information the same way). A walk crosses into a mounted tree when it reaches a directory
// that a mount covers; the cache answers that by (st_dev of the directory's mount, ino), so a
// walk asks no server about mounts.
//
// Freshness: the table is fetched once, then the name space's generation is asked again at
// most once per time slice of the thread (a walk compares the thread's retired-instruction
// count, which advances only at slice ends, with the one of the last check), and at once after
// the process itself changed the table (invalidate()). A mount made by another process becomes
// visible to this one within one time slice.
//
// Each mount point is resolved to its (mount, ino) when the table is fetched, by walking its
// path through the mounts listed before it: a mount over a mount's root stacks on top of it. A
// mount point missing from the tree (an empty root has no /dev or /tmp) is made there first.

import type { Kernel } from "../../kernel/kernel.js";
import type { Handle, Json } from "../../kernel/ppc/values.js";
import type { Block } from "../../kernel/sched/thread.js";
import { NodeType, S_IFMT, asJson, type Attr, type Cred, type Mount } from "../../servers/fs/iface.js";
import { E } from "../errno.js";
import { SysError } from "../sys/guest-mem.js";
import { fsc, type Stubs } from "./fs-call.js";
import { PNode, type MountPoint } from "./pnode.js";

/** The superuser, for resolving mount points (the table is the system's, not the caller's). */
const ROOT_CRED: Cred = { uid: 0, gid: 0, groups: [] };

export class MountTable {
  private generation = -1;
  private checkedAt = -1;
  private list: MountPoint[] = [];
  /** Mounts by the (dev, ino) of the directory they cover. */
  private covers = new Map<number, Map<number, MountPoint>>();
  private top: PNode | undefined;

  constructor(
    private readonly stubs: Stubs,
    /** The name space server's root handle. */
    private readonly ns: Handle,
    /** A number that changes at least once per time slice of the thread (retired instructions). */
    private readonly epoch: () => number,
  ) {}

  /** The process changed the mount table itself: fetch it again before the next walk. */
  invalidate(): void {
    this.checkedAt = -1;
    this.generation = -1;
  }

  /** The table, fresh as described above; the name space's root node. */
  *fresh(k: Kernel): Generator<Block, PNode, unknown> {
    const now = this.epoch();
    if (this.top !== undefined && now === this.checkedAt) return this.top;
    const ns = this.stubs.names(k, this.ns);
    const g = yield* fsc(ns.generation());
    this.checkedAt = now;
    if (g === this.generation && this.top !== undefined) return this.top;
    const r = (yield* fsc(ns.mounts())) as unknown as { generation: number; mounts: Mount[] };
    yield* this.build(k, r.mounts);
    this.generation = r.generation;
    if (this.top === undefined) throw new SysError(E.ENOENT, "the name space has no root mount");
    return this.top;
  }

  /** The mount on top of directory (dev, ino), if any. */
  covering(dev: number, ino: number): MountPoint | undefined {
    return this.covers.get(dev)?.get(ino);
  }

  mounts(): readonly MountPoint[] {
    return this.list;
  }

  private *build(k: Kernel, mounts: readonly Mount[]): Generator<Block, void, unknown> {
    this.list = [];
    this.covers = new Map();
    this.top = undefined;
    for (const [i, m] of mounts.entries()) {
      const rootIno = yield* fsc(this.stubs.tree(k, { server: m.server, xh: m.xh }).root());
      const mp: MountPoint = {
        id: i + 1, dev: m.dev, root: Object.freeze({ server: m.server, xh: m.xh }), rootIno,
        path: m.path, fstype: m.fstype, source: m.source, flags: m.flags,
      };
      this.list.push(mp);
      if (m.path === "/") {
        // A mount of "/" replaces the root (the first one is the name space's root).
        if (this.top === undefined) this.top = new PNode(undefined, "", mp, rootIno);
        else this.cover(this.top.mnt.dev, this.top.ino, mp);
        continue;
      }
      if (this.top === undefined) throw new Error(`mount table: ${m.path} listed before the root`);
      const at = yield* this.locate(k, m.path);
      if (at === undefined) continue; // its mount point is gone: unreachable, as a lazily detached mount
      this.cover(at.mnt.dev, at.ino, mp);
    }
  }

  private cover(dev: number, ino: number, mp: MountPoint): void {
    let m = this.covers.get(dev);
    if (m === undefined) this.covers.set(dev, (m = new Map()));
    m.set(ino, mp);
  }

  /** The directory at canonical path `path`, through the mounts resolved so far. */
  private *locate(k: Kernel, path: string): Generator<Block, PNode | undefined, unknown> {
    let n = this.top;
    if (n === undefined) return undefined;
    for (const name of path.split("/").filter((c) => c !== "")) {
      const fs = this.stubs.tree(k, n.mnt.root);
      let a: Attr;
      try {
        a = (yield* fsc(fs.lookup(n.ino, name, asJson(ROOT_CRED)))) as unknown as Attr;
      } catch (e) {
        if (!(e instanceof SysError)) throw e;
        if (e.errno !== E.ENOENT) return undefined;
        // A mount point the tree does not have (an empty or minimal root): made in the tree, as
        // a container runtime makes its mount points. A tree that refuses (read-only) leaves the
        // mount unreachable.
        try {
          a = (yield* fsc(fs.mkdir(n.ino, name, 0o755, asJson(ROOT_CRED)))) as unknown as Attr;
        } catch (e2) {
          if (e2 instanceof SysError) return undefined;
          throw e2;
        }
      }
      if ((a.mode & S_IFMT) !== NodeType.Dir) return undefined;
      n = new PNode(n, name, n.mnt, a.ino);
      for (let over = this.covering(n.mnt.dev, n.ino); over !== undefined; over = this.covering(n.mnt.dev, n.ino)) {
        n = new PNode(n.parent, n.name, over, over.rootIno);
      }
    }
    return n;
  }
}

/** Json results of the file servers as their declared shapes. */
export const asAttr = (j: Json): Attr => j as unknown as Attr;
