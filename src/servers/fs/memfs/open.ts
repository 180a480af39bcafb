// Opening a memory file system's nodes (Linux's do_open/may_open order) and the open files
// that result: regular files and directories of the tree, character devices through a device
// table (the memory devices null, zero, full, random, urandom work on any file system, as a
// device node does on Linux), and O_PATH files that only name their node.

import { NodeType, OpenFlag, type Attr, type Cred, type WriteResult } from "../iface.js";
import { Errno, fail } from "../errno.js";
import type { OpenFile } from "../ops.js";
import { killPrivs, truncateFile } from "./attrs.js";
import { MAX_FILE_SIZE, type Backing } from "./data.js";
import type { Node } from "./node.js";
import { MAY_READ, MAY_WRITE, permission } from "./perm.js";
import type { MemTree } from "./tree.js";

/** What an open character device does with reads and writes (its node keeps the attributes). */
export interface DeviceIo {
  read(pos: number, count: number): Uint8Array;
  /** Bytes accepted (or a thrown errno: /dev/full's ENOSPC). */
  write(pos: number, data: Uint8Array): number;
}

/** Character devices by rdev (major << 8 | minor): undefined means no driver here (ENXIO). */
export interface DeviceTable {
  open(rdev: number): DeviceIo | undefined;
}

export const NO_DEVICES: DeviceTable = { open: () => undefined };

/** The access an open asks for, as permission bits (O_ACCMODE 3 asks for both, as Linux does). */
function accessMask(flags: number): number {
  switch (flags & OpenFlag.Access) {
    case OpenFlag.RdOnly:
      return MAY_READ;
    case OpenFlag.WrOnly:
      return MAY_WRITE;
    default:
      return MAY_READ | MAY_WRITE;
  }
}

export function openNode(t: MemTree, ino: number, flags: number, cred: Cred, devices: DeviceTable): OpenFile {
  const n = t.node(ino);
  if ((flags & OpenFlag.Directory) !== 0 && !n.isDir) fail(Errno.ENOTDIR);
  if ((flags & OpenFlag.Path) !== 0) return new HeldFile(t, n);
  let mask = accessMask(flags);
  if ((flags & OpenFlag.Trunc) !== 0) mask |= MAY_WRITE;
  let truncate = (flags & OpenFlag.Trunc) !== 0;
  switch (n.type) {
    case NodeType.Lnk:
      fail(Errno.ELOOP, "open of a symbolic link");
    // falls through (fail never returns)
    case NodeType.Dir:
      if ((mask & MAY_WRITE) !== 0) fail(Errno.EISDIR);
      break;
    case NodeType.Fifo: case NodeType.Sock: case NodeType.Chr: case NodeType.Blk:
      truncate = false;
      break;
    case NodeType.Reg:
      break;
  }
  const fileLike = n.type === NodeType.Reg || n.type === NodeType.Dir;
  if (fileLike && (mask & MAY_WRITE) !== 0) t.writable();
  permission(n, cred, mask);
  const readable = (flags & OpenFlag.Access) === OpenFlag.RdOnly || (flags & OpenFlag.Access) === OpenFlag.RdWr;
  const writable = (flags & OpenFlag.Access) === OpenFlag.WrOnly || (flags & OpenFlag.Access) === OpenFlag.RdWr;
  switch (n.type) {
    case NodeType.Sock:
      fail(Errno.ENXIO, "a socket node cannot be opened");
    // falls through
    case NodeType.Fifo:
      fail(Errno.ENXIO, "FIFOs need the pipe server (not yet built)");
    // falls through
    case NodeType.Blk:
      fail(Errno.ENXIO, "no block devices");
    // falls through
    case NodeType.Chr: {
      const io = devices.open(n.rdev);
      if (io === undefined) fail(Errno.ENXIO, `no driver for device ${n.rdev >> 8}:${n.rdev & 0xff} in the file server`);
      return new DeviceFile(t, n, io);
    }
    default:
      break;
  }
  const f = new NodeFile(t, n, readable, writable, cred);
  if (truncate && n.type === NodeType.Reg) truncateFile(t, n, 0, cred, true);
  return f;
}

/** Counts an open of `n` (an unlinked node lives until its last close) and keeps its backing open. */
abstract class Held implements OpenFile {
  private closed = false;
  /** The host file kept open for this open file (the one retained, released at close). */
  private readonly backing: Backing | undefined;
  constructor(protected readonly t: MemTree, protected readonly n: Node) {
    const b = n.data?.lower;
    b?.retain(); // may fail (the host refuses): nothing is counted yet
    this.backing = b;
    n.opens++;
  }
  abstract read(pos: number, count: number): Uint8Array;
  abstract write(pos: number, data: Uint8Array, append: boolean): WriteResult;
  getattr(): Attr {
    return this.n.attr();
  }
  truncate(_size: number): Attr {
    return fail(Errno.EINVAL, "not a regular file");
  }
  fsync(): void {}
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.backing?.release();
    this.n.opens--;
    this.t.maybeFree(this.n);
  }
}

/** O_PATH: names the node, no I/O. */
class HeldFile extends Held {
  read(): Uint8Array {
    return fail(Errno.EBADF, "O_PATH file");
  }
  write(): WriteResult {
    return fail(Errno.EBADF, "O_PATH file");
  }
  override truncate(): Attr {
    return fail(Errno.EBADF, "O_PATH file");
  }
}

/** A regular file or a directory of the tree. */
class NodeFile extends Held {
  constructor(t: MemTree, n: Node, private readonly readable: boolean, private readonly writable: boolean, private readonly cred: Cred) {
    super(t, n);
  }

  read(pos: number, count: number): Uint8Array {
    if (!this.readable) fail(Errno.EBADF);
    if (this.n.isDir) fail(Errno.EISDIR);
    if (!Number.isInteger(pos) || pos < 0) fail(Errno.EINVAL, "negative offset");
    const data = this.n.data;
    if (data === undefined) fail(Errno.EINVAL);
    if (count === 0) return new Uint8Array(0);
    const out = data.read(pos, count);
    this.t.accessed(this.n);
    return out;
  }

  write(pos: number, bytes: Uint8Array, append: boolean): WriteResult {
    if (!this.writable) fail(Errno.EBADF);
    const data = this.n.data;
    if (data === undefined) fail(Errno.EISDIR);
    if (!Number.isInteger(pos) || pos < 0) fail(Errno.EINVAL, "negative offset");
    const at = append ? data.size : pos;
    if (bytes.length === 0) return { n: 0, end: pos };
    if (at >= MAX_FILE_SIZE) fail(Errno.EFBIG);
    const chunk = at + bytes.length > MAX_FILE_SIZE ? bytes.subarray(0, MAX_FILE_SIZE - at) : bytes;
    this.t.writable();
    killPrivs(this.n, this.cred);
    data.write(at, chunk);
    this.t.changed(this.n, true);
    return { n: chunk.length, end: at + chunk.length };
  }

  override truncate(size: number): Attr {
    if (!this.writable) fail(Errno.EBADF);
    if (this.n.type !== NodeType.Reg) fail(Errno.EINVAL, "not a regular file");
    this.t.writable();
    truncateFile(this.t, this.n, size, this.cred, true);
    return this.n.attr();
  }
}

/** An open character device: its driver does the I/O, its node keeps the attributes. */
class DeviceFile extends Held {
  constructor(t: MemTree, n: Node, private readonly io: DeviceIo) {
    super(t, n);
  }
  read(pos: number, count: number): Uint8Array {
    return this.io.read(pos, count);
  }
  write(pos: number, data: Uint8Array): WriteResult {
    const n = this.io.write(pos, data);
    return { n, end: pos + n };
  }
}
