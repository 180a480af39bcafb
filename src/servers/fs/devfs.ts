// devfs: /dev as a devtmpfs, a memory file system holding the device nodes a Linux program
// expects (null, zero, full, random, urandom, tty, console, ptmx), the links to the process's
// descriptors (fd, stdin, stdout, stderr → /proc/self/fd/…), and the directories pts/ and shm/
// (mount points for devpts and a tmpfs). Root may add nodes, as on devtmpfs. The memory
// devices are driven here (devices.ts); tty and console by the personality.

import { NodeType, type Time } from "./iface.js";
import { DEV_CONSOLE, DEV_FULL, DEV_NULL, DEV_PTMX, DEV_RANDOM, DEV_TTY, DEV_URANDOM, DEV_ZERO } from "./devices.js";
import { MemFs } from "./memfs/memfs.js";
import type { DeviceTable } from "./memfs/open.js";
import { PAGE } from "./memfs/data.js";
import { MemTree } from "./memfs/tree.js";
import type { Node } from "./memfs/node.js";
import { ST_NOSUID, ST_RELATIME } from "./ops.js";
import { TMPFS_MAGIC } from "./tmpfs.js";

/** The group of terminal devices (Debian's "tty"). */
export const TTY_GID = 5;

interface DevNode {
  name: string;
  rdev: number;
  perm: number;
  gid?: number;
}

const DEVICES: readonly DevNode[] = [
  { name: "null", rdev: DEV_NULL, perm: 0o666 },
  { name: "zero", rdev: DEV_ZERO, perm: 0o666 },
  { name: "full", rdev: DEV_FULL, perm: 0o666 },
  { name: "random", rdev: DEV_RANDOM, perm: 0o666 },
  { name: "urandom", rdev: DEV_URANDOM, perm: 0o666 },
  { name: "tty", rdev: DEV_TTY, perm: 0o666, gid: TTY_GID },
  { name: "console", rdev: DEV_CONSOLE, perm: 0o600 },
  { name: "ptmx", rdev: DEV_PTMX, perm: 0o666 },
];

const LINKS: readonly [string, string][] = [
  ["fd", "/proc/self/fd"],
  ["stdin", "/proc/self/fd/0"],
  ["stdout", "/proc/self/fd/1"],
  ["stderr", "/proc/self/fd/2"],
];

export interface DevfsOptions {
  readonly now: () => Time;
  readonly devices: DeviceTable;
}

export function createDevfs(o: DevfsOptions): MemFs {
  const tree = new MemTree({
    now: o.now,
    magic: TMPFS_MAGIC,
    atime: "relatime",
    flags: ST_NOSUID | ST_RELATIME,
    rootPerm: 0o755,
    statfs: () => ({ bsize: PAGE, frsize: PAGE, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0 }),
  });
  const root = tree.root;
  const add = (name: string, n: Node): void => {
    tree.insert(root, name, n);
    if (n.isDir) root.nlink++;
  };
  for (const d of DEVICES) {
    const n = tree.make(NodeType.Chr, d.perm, 0, d.gid ?? 0);
    n.rdev = d.rdev;
    add(d.name, n);
  }
  for (const [name, target] of LINKS) {
    const n = tree.make(NodeType.Lnk, 0o777, 0, 0);
    n.target = target;
    add(name, n);
  }
  add("pts", tree.make(NodeType.Dir, 0o755, 0, 0));
  add("shm", tree.make(NodeType.Dir, 0o1777, 0, 0));
  return new MemFs(tree, o.devices);
}
