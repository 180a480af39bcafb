// hostfs: a host directory as a file system. The guest root: the host directory is the lower
// layer and a memory tree the copy-on-write upper layer, so the host tree is never changed
// (tree.ts says how lookups, listings and whiteouts work; data.ts how file contents are copied
// up by page on the first write; overlay.ts how --overlay keeps the upper layer on disk).
// Read-only bind mounts (-v HOST:GUEST:ro) are the same with every change refused (EROFS).
//
// Attributes of lower nodes are the host's (inode numbers too, so `ls -i` agrees with
// qemu-user); nodes made in the upper layer get inode numbers from 0xC0000000 up, skipping any
// in use (a host inode number that collides with one already handed out gets a fresh number).
// Times follow noatime: reading a lower file does not copy its attributes up.

import { realpathSync, statfsSync } from "node:fs";
import type { Time } from "../iface.js";
import { MemFs } from "../memfs/memfs.js";
import type { DeviceTable } from "../memfs/open.js";
import { MemTree } from "../memfs/tree.js";
import { ST_NOATIME } from "../ops.js";
import { HostDir, isHostDir, realpathAllowingMissing } from "./host.js";
import { OverlayStore } from "./overlay.js";
import { FileServersError } from "../errno.js";

export const EXT4_SUPER_MAGIC = 0xef53;
/** First inode number of upper-layer nodes (below 2^32: ppc32 programs without LFS stat them). */
export const UPPER_FIRST_INO = 0xc0000000;

export interface HostFsOptions {
  /** The host directory. */
  readonly root: string;
  readonly now: () => Time;
  readonly devices: DeviceTable;
  /** Refuse every change (EROFS): a read-only bind mount. */
  readonly readonly?: boolean;
  /** Keep the upper layer in this host directory (--overlay). */
  readonly overlay?: string;
}

export class HostFs extends MemFs {
  constructor(tree: MemTree, devices: DeviceTable, private readonly store: OverlayStore | undefined) {
    super(tree, devices);
  }

  /** Write the upper layer to the --overlay directory (no-op without one). */
  flush(): void {
    this.store?.flush(this.tree);
  }
}

export function createHostFs(o: HostFsOptions): HostFs {
  const root = realpathSync(o.root);
  if (!isHostDir(root)) throw new FileServersError(`${o.root} is not a directory`);
  const lower = new HostDir(root);
  const tree = new MemTree({
    now: o.now,
    magic: EXT4_SUPER_MAGIC,
    atime: "noatime",
    flags: ST_NOATIME,
    readonly: o.readonly === true,
    lower,
    firstIno: UPPER_FIRST_INO,
    statfs: () => {
      const s = statfsSync(root);
      return { bsize: s.bsize, frsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree };
    },
  });
  let store: OverlayStore | undefined;
  if (o.overlay !== undefined) {
    if (o.readonly === true) throw new FileServersError("a read-only host file system has no upper layer to keep");
    const dir = realpathAllowingMissing(o.overlay);
    if (dir === root || dir.startsWith(root.endsWith("/") ? root : `${root}/`)) {
      throw new FileServersError(`the overlay directory ${o.overlay} is inside the root ${o.root}: the guest would see and change it`);
    }
    store = new OverlayStore(dir);
    store.load(tree);
  }
  return new HostFs(tree, o.devices, store);
}
