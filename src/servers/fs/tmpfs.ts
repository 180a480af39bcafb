// tmpfs: a memory file system with no lower layer (/tmp, /dev/shm), and devpts's placeholder.
// Its root is world-writable and sticky, as /tmp and /dev/shm are; statfs says TMPFS_MAGIC
// with the size it was given (Linux's default: half of memory) in pages.

import type { Time } from "./iface.js";
import { MemFs } from "./memfs/memfs.js";
import type { DeviceTable } from "./memfs/open.js";
import { PAGE } from "./memfs/data.js";
import { MemTree } from "./memfs/tree.js";
import { ST_NODEV, ST_NOSUID, ST_RELATIME } from "./ops.js";

export const TMPFS_MAGIC = 0x01021994;
export const DEVPTS_SUPER_MAGIC = 0x1cd1;

export interface TmpfsOptions {
  readonly now: () => Time;
  /** The size statfs reports (bytes); also the most the file system holds (ENOSPC past it is not enforced). */
  readonly bytes: number;
  readonly devices: DeviceTable;
  /** Root directory mode (default 01777). */
  readonly rootPerm?: number;
  readonly magic?: number;
  /** Extra statfs flags (default nosuid, nodev). */
  readonly flags?: number;
}

export function createTmpfs(o: TmpfsOptions): MemFs {
  const blocks = Math.floor(o.bytes / PAGE);
  const tree: MemTree = new MemTree({
    now: o.now,
    magic: o.magic ?? TMPFS_MAGIC,
    atime: "relatime",
    flags: (o.flags ?? (ST_NOSUID | ST_NODEV)) | ST_RELATIME,
    rootPerm: o.rootPerm ?? 0o1777,
    statfs: () => {
      const used = tree.usedBlocks;
      const files = Math.max(blocks, 1024);
      return { bsize: PAGE, frsize: PAGE, blocks, bfree: Math.max(0, blocks - used), bavail: Math.max(0, blocks - used), files, ffree: Math.max(0, files - tree.nodes) };
    },
  });
  return new MemFs(tree, o.devices);
}
