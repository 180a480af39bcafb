// Where a walk arrived: a chain of (mount, ino, name) links from the name space's root, each
// node naming its parent. The chain is what the process holds for its root, its working
// directory and every open file: ".." is the node's parent (the real parent, also across a
// mount: the root of a mounted tree names the mount point's parent), getcwd reads the names
// back up the chain, and openat relative to a directory descriptor continues from its node
// without walking any path string again. Immutable; chains share their common prefix.
//
// Known limit: a chain remembers names as they were walked. If a directory on the chain is
// renamed or moved afterwards, ".." and getcwd still follow the old chain (Linux follows the
// dentry's current parent).

import type { Handle } from "../../kernel/ppc/values.js";

/** One entry of the process's cached mount table. Immutable. */
export interface MountPoint {
  /** 1-based position in the name space's table (statx's stx_mnt_id, /proc's mount ids). */
  readonly id: number;
  /** st_dev of every node of this mount. */
  readonly dev: number;
  /** The file-system server's root handle. */
  readonly root: Handle;
  /** The ino of the server's root directory. */
  readonly rootIno: number;
  readonly path: string;
  readonly fstype: string;
  readonly source: string;
  /** MS_RDONLY 1, MS_NOSUID 2, MS_NODEV 4, MS_NOEXEC 8. */
  readonly flags: number;
}

export const MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8;

export class PNode {
  readonly depth: number;
  constructor(
    /** The directory this node was reached from (undefined: the name space's root). */
    readonly parent: PNode | undefined,
    /** Its name in the parent ("" for the name space's root). */
    readonly name: string,
    readonly mnt: MountPoint,
    readonly ino: number,
  ) {
    this.depth = parent === undefined ? 0 : parent.depth + 1;
  }

  /** Same file-system node (whatever the chain that reached it). */
  same(o: PNode): boolean {
    return o.ino === this.ino && o.mnt.dev === this.mnt.dev;
  }

  /** Is `anc` this node or one of its ancestors (by node identity)? */
  under(anc: PNode): boolean {
    for (let n: PNode | undefined = this; n !== undefined; n = n.parent) if (n.same(anc)) return true;
    return false;
  }

  /**
   * The path of this node as a process with root `root` sees it: "/a/b", "/" for the root
   * itself; outside the root, "(unreachable)" and the path from the name space's root, as
   * Linux's getcwd reports it.
   */
  pathFrom(root: PNode): string {
    const names: string[] = [];
    let n: PNode | undefined = this;
    while (n !== undefined && !n.same(root)) {
      if (n.parent !== undefined) names.push(n.name);
      n = n.parent;
    }
    const p = "/" + names.reverse().join("/");
    return n === undefined ? `(unreachable)${p}` : p;
  }
}
