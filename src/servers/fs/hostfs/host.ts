// The host directory under hostfs, read-only: lstat of one name, a directory's names in the
// host's own order (opendir, which does not sort), symbolic links' contents, and files' bytes
// by offset. Every path is the layer's root plus components the tree saw as directories by
// lstat; no call follows a symbolic link at the last component (lstat, readlink,
// O_NOFOLLOW), so a host link inside the tree pointing outside it is only ever read as a link.

import { closeSync, constants, lstatSync, opendirSync, openSync, readSync, readlinkSync, realpathSync, type BigIntStats } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Time } from "../iface.js";
import { fail } from "../errno.js";
import type { Backing } from "../memfs/data.js";
import type { HostStat, LowerLayer } from "../memfs/lower.js";
import { hostErrno } from "./host-errors.js";

/** Run a host call; a host system error becomes the guest's errno (a ServerErrno). */
export function host<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    const n = hostErrno(e);
    if (n === undefined) throw e;
    return fail(n, (e as Error).message);
  }
}

const BILLION = 1_000_000_000n;

export function nsTime(ns: bigint): Time {
  let s = ns / BILLION;
  let r = ns % BILLION;
  if (r < 0n) {
    r += BILLION;
    s -= 1n;
  }
  return [Number(s), Number(r)];
}

export function hostStat(st: BigIntStats): HostStat {
  const ino = st.ino <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(st.ino) : -1;
  return {
    key: `${st.dev}:${st.ino}`, ino, mode: Number(st.mode), nlink: Number(st.nlink), uid: Number(st.uid), gid: Number(st.gid),
    rdev: Number(st.rdev), size: Number(st.size), blocks: Number(st.blocks),
    atime: nsTime(st.atimeNs), mtime: nsTime(st.mtimeNs), ctime: nsTime(st.ctimeNs), btime: nsTime(st.birthtimeNs),
  };
}

export class HostDir implements LowerLayer {
  private readonly rootBuf: Buffer;

  /** `root`: an absolute host path with no symbolic link in it (realpath'd by the caller). */
  constructor(readonly root: string) {
    this.rootBuf = Buffer.from(root);
  }

  /** The host path of layer path `p`. */
  abs(p: Buffer): Buffer {
    return p.length === 0 ? this.rootBuf : Buffer.concat([this.rootBuf, Buffer.from("/"), p]);
  }

  stat(p: Buffer): HostStat | undefined {
    const st = host(() => lstatSync(this.abs(p), { bigint: true, throwIfNoEntry: false }));
    return st === undefined ? undefined : hostStat(st);
  }

  list(p: Buffer): string[] {
    const names: string[] = [];
    host(() => {
      const d = opendirSync(this.abs(p), { encoding: "buffer" as BufferEncoding, bufferSize: 256 });
      try {
        for (let e = d.readSync(); e !== null; e = d.readSync()) names.push((e.name as unknown as Buffer).toString("latin1"));
      } finally {
        d.closeSync();
      }
    });
    return names;
  }

  readlink(p: Buffer): string {
    return host(() => readlinkSync(this.abs(p), { encoding: "buffer" })).toString("latin1");
  }

  backing(p: Buffer, st: HostStat): Backing {
    return new HostFile(this.abs(p), st.blocks);
  }
}

/**
 * A host file read by offset. Its descriptor is held while any open file of the guest uses it
 * (retain/release); a read without one opens and closes the file around it.
 */
export class HostFile implements Backing {
  private fd = -1;
  private users = 0;

  constructor(private readonly path: Buffer, readonly hostBlocks: number) {}

  private open(): number {
    const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
    // O_NOATIME keeps even the host's access time as it was; the host allows it only to the
    // file's owner (or root), so without it otherwise.
    try {
      return openSync(this.path, flags | constants.O_NOATIME);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EPERM") return host(() => { throw e; });
    }
    return host(() => openSync(this.path, flags));
  }

  read(pos: number, dst: Uint8Array, off: number, len: number): number {
    if (this.fd >= 0) return host(() => readSync(this.fd, dst, off, len, pos));
    const fd = this.open();
    try {
      return host(() => readSync(fd, dst, off, len, pos));
    } finally {
      closeSync(fd);
    }
  }

  retain(): void {
    if (this.users++ === 0) {
      try {
        this.fd = this.open();
      } catch (e) {
        this.users--;
        throw e;
      }
    }
  }

  release(): void {
    if (this.users === 0) return;
    if (--this.users === 0 && this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}

/** EACCES-free check that a host path is a directory we can list (for start-up errors). */
export function isHostDir(path: string): boolean {
  const st = lstatSync(path, { throwIfNoEntry: false });
  return st !== undefined && st.isDirectory();
}


/** The realpath of `p`, or of its nearest existing ancestor joined with the rest. */
export function realpathAllowingMissing(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    const parent = dirname(abs);
    if (parent === abs) return abs;
    return join(realpathAllowingMissing(parent), basename(abs));
  }
}
