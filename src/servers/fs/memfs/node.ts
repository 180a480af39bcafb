// The nodes of a memory file system (tmpfs, devfs, and hostfs's upper layer over the host's
// lower one): directories, regular files, symbolic links, device, FIFO and socket nodes, with
// the attributes stat reports. A node lives while a directory entry names it (nlink > 0) or
// an open file holds it (opens > 0); the tree frees it when both are gone.

import { NodeType, type Attr, type Time } from "../iface.js";
import type { FileData } from "./data.js";

export const S_ISUID = 0o4000;
export const S_ISGID = 0o2000;
export const S_ISVTX = 0o1000;
export const S_IXGRP = 0o010;
/** Permission and special bits of st_mode. */
export const PERM_MASK = 0o7777;
/** tmpfs counts 20 bytes of directory size per entry ("." and ".." included). */
export const BOGO_DIRENT_SIZE = 20;
export const BLKSIZE = 4096;

/** Where a node of hostfs came from in the host tree (its lower layer). */
export interface LowerRef {
  /** Host path relative to the layer's root directory (components checked to be directories). */
  readonly path: Buffer;
  /** The host's size and blocks, shown while the node's contents are the host's. */
  readonly size: number;
  readonly blocks: number;
}

export class Node {
  nlink: number;
  atime: Time;
  mtime: Time;
  ctime: Time;
  btime: Time;
  rdev = 0;
  /** Extended attributes (user.* and trusted.*), by full name. */
  xattrs: Map<string, Uint8Array> | undefined = undefined;
  /** Regular files: the contents. */
  data: FileData | undefined = undefined;
  /** Symbolic links: the contents, verbatim (a wire string: one character per byte). */
  target: string | undefined = undefined;
  /** Directories: the entries. */
  readonly dir: Dir | undefined;
  /** Directories: the directory that holds this one (the root: itself). */
  parent: Node | undefined = undefined;
  /** Open files of this node (a node unlinked while open lives until the last close). */
  opens = 0;
  /** hostfs: the host node this one shows (undefined for nodes made in the upper layer). */
  lower: LowerRef | undefined = undefined;
  /** hostfs: the host node's identity (device and inode) for lower nodes. */
  hostKey: string | undefined = undefined;
  /** hostfs: the attributes belong to the upper layer (made there, or copied up). */
  copied: boolean;

  constructor(
    readonly ino: number,
    readonly type: NodeType,
    /** Permission and special bits (07777). */
    public perm: number,
    public uid: number,
    public gid: number,
    now: Time,
  ) {
    this.nlink = type === NodeType.Dir ? 2 : 1;
    this.atime = now;
    this.mtime = now;
    this.ctime = now;
    this.btime = now;
    this.dir = type === NodeType.Dir ? new Dir() : undefined;
    this.copied = true;
  }

  get isDir(): boolean {
    return this.type === NodeType.Dir;
  }

  get size(): number {
    switch (this.type) {
      case NodeType.Reg:
        return this.data?.size ?? 0;
      case NodeType.Lnk:
        return this.target?.length ?? this.lower?.size ?? 0;
      case NodeType.Dir:
        return this.lower?.size ?? BOGO_DIRENT_SIZE * (2 + (this.dir?.count ?? 0));
      default:
        return 0;
    }
  }

  get blocks(): number {
    if (this.type === NodeType.Reg) return this.data?.blocks ?? 0;
    return this.lower?.blocks ?? 0;
  }

  attr(): Attr {
    return {
      ino: this.ino, mode: this.type | this.perm, nlink: this.nlink, uid: this.uid, gid: this.gid,
      size: this.size, blocks: this.blocks, blksize: BLKSIZE, rdev: this.rdev,
      atime: this.atime, mtime: this.mtime, ctime: this.ctime, btime: this.btime,
    };
  }
}

/**
 * One entry of a directory. `node` is undefined for a lower-layer entry known by name only
 * (from the host's listing) until someone asks for it. `pos` orders the listing (0: not placed
 * yet, a lookup in a directory whose host listing was not read); `shadows` says the lower
 * layer has an entry of this name in this directory (removing this one needs a whiteout).
 */
export interface Entry {
  readonly name: string;
  node: Node | undefined;
  pos: number;
  shadows: boolean;
  live: boolean;
}

/** Cookies 1 and 2 continue after "." and ".."; entries' positions start after them. */
export const FIRST_POS = 3;

/**
 * A directory's entries, by name and in listing order. Positions only grow, and a removed
 * entry's position is never given again, so a listing continued from any cookie sees every
 * entry that was there throughout exactly once, whatever was added or removed meanwhile
 * (entries added meanwhile appear at the end).
 */
export class Dir {
  readonly entries = new Map<string, Entry>();
  /** Placed entries by increasing position; removed ones stay (live false) until compaction. */
  private order: Entry[] = [];
  private dead = 0;
  private nextPos = FIRST_POS;
  /** hostfs: the host directory whose entries merge into this one (undefined: none, or opaque). */
  lowerPath: Buffer | undefined = undefined;
  /** hostfs: the host listing was read (always true without a lower directory). */
  loaded = true;
  /** hostfs: names of the lower directory that were removed in the upper layer. */
  readonly whiteouts = new Set<string>();

  get count(): number {
    return this.entries.size;
  }

  get(name: string): Entry | undefined {
    return this.entries.get(name);
  }

  /** Add an entry at the end of the listing. */
  add(name: string, node: Node | undefined, shadows: boolean): Entry {
    const e: Entry = { name, node, pos: 0, shadows, live: true };
    this.entries.set(name, e);
    this.place(e);
    return e;
  }

  /** Add an entry without a place in the listing yet (a lookup before the host listing). */
  addUnplaced(name: string, node: Node | undefined, shadows: boolean): Entry {
    const e: Entry = { name, node, pos: 0, shadows, live: true };
    this.entries.set(name, e);
    return e;
  }

  /** Give an unplaced entry the next position. */
  place(e: Entry): void {
    if (e.pos !== 0) return;
    e.pos = this.nextPos++;
    this.order.push(e);
  }

  remove(name: string): Entry | undefined {
    const e = this.entries.get(name);
    if (e === undefined) return undefined;
    this.entries.delete(name);
    e.live = false;
    if (e.pos !== 0 && ++this.dead > 32 && this.dead > this.order.length / 2) {
      this.order = this.order.filter((x) => x.live);
      this.dead = 0;
    }
    return e;
  }

  /** Up to `max` live placed entries with a position after `cookie`, in order. */
  after(cookie: number, max: number): Entry[] {
    let lo = 0, hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.order[mid].pos <= cookie) lo = mid + 1;
      else hi = mid;
    }
    const out: Entry[] = [];
    for (let i = lo; i < this.order.length && out.length < max; i++) {
      const e = this.order[i];
      if (e.live) out.push(e);
    }
    return out;
  }
}
