// What a memory file system asks of a lower layer (hostfs's host directory): attributes of one
// name, a directory's names in the host's own order, a symbolic link's contents, and a file's
// bytes by offset. Paths are relative to the layer's root and made of names the tree has
// already seen as directories there; the layer never follows a symbolic link.

import type { Time } from "../iface.js";
import type { Backing } from "./data.js";

/** The host's attributes of one node (lstat). */
export interface HostStat {
  /** Identity of the host node: device and inode (hard links share it). */
  readonly key: string;
  readonly ino: number;
  readonly mode: number;
  readonly nlink: number;
  readonly uid: number;
  readonly gid: number;
  readonly rdev: number;
  readonly size: number;
  readonly blocks: number;
  readonly atime: Time;
  readonly mtime: Time;
  readonly ctime: Time;
  readonly btime: Time;
}

export interface LowerLayer {
  /** lstat of `path`; undefined when there is no such node. */
  stat(path: Buffer): HostStat | undefined;
  /** The names in directory `path`, in the host's order ("." and ".." left out). */
  list(path: Buffer): string[];
  /** The contents of symbolic link `path`, verbatim (a wire string). */
  readlink(path: Buffer): string;
  /** The bytes of regular file `path`, read by offset when asked. */
  backing(path: Buffer, st: HostStat): Backing;
}

/** `parent/name` as a lower path ("" is the layer's root). */
export function childPath(parent: Buffer, name: string): Buffer {
  const n = Buffer.from(name, "latin1");
  return parent.length === 0 ? n : Buffer.concat([parent, Buffer.from("/"), n]);
}
