// A test stand-in for the file-descriptor layer's mmap hook (SysContext.mapSource): the bring-up
// runner's descriptors are host files, so a mapping reads and writes the host file through a
// pager of its own (its own host descriptor, so the guest may close its one after mmap, as
// programs do). Regular files map their pages; /dev/zero is anonymous memory; anything else
// (directories, the standard streams) cannot be mapped. The integrator replaces this with the
// real file servers' pager (a PPC to the file's server) when the descriptor table lands.

import { accessSync, closeSync, constants as fsc, fstatSync, openSync, readSync, writeSync } from "node:fs";
import type { Pager } from "../../kernel/mem/pager.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { FileTable } from "../bringup/files.js";
import type { MapSource } from "../sys/map-source.js";
import { E } from "../errno.js";

/**
 * A host file as a pager: reads and writes at offsets, on a descriptor of its own — read-write
 * when the host lets us (the cache serves every later mapping of the file, writable ones too,
 * whatever the descriptor that made it), else read-only (writes then fail with EROFS).
 */
export class HostPager implements Pager {
  private fd: number | undefined;
  private readonly writable: boolean;
  constructor(path: string) {
    let writable = true;
    try {
      accessSync(path, fsc.W_OK);
    } catch {
      writable = false; // a host file we may not write: mappings of it can only be read
    }
    this.writable = writable;
    this.fd = openSync(path, writable ? "r+" : "r");
  }
  private own(): number {
    if (this.fd === undefined) throw new Error("host pager used after release");
    return this.fd;
  }
  *pageIn(offset: number, length: number): Generator<Block, Uint8Array | number, unknown> {
    const b = new Uint8Array(length);
    return b.subarray(0, readSync(this.own(), b, 0, length, offset));
  }
  *pageOut(offset: number, bytes: Uint8Array): Generator<Block, number, unknown> {
    if (!this.writable) return E.EROFS;
    writeSync(this.own(), bytes, 0, bytes.length, offset);
    return 0;
  }
  release(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** What descriptor `fd` of the bring-up runner maps. */
export function hostMapSource(files: FileTable, fd: number): MapSource | number {
  if (!files.has(fd)) return -E.EBADF;
  const f = files.hostFile(fd);
  if (f === undefined) return { readable: true, writable: true, maps: "none" }; // a standard stream
  const acc = f.flags & 3;
  const readable = acc !== 1, writable = acc !== 0;
  const st = fstatSync(f.hostFd);
  if (st.isFile()) {
    return {
      readable, writable,
      maps: { file: { key: [st.dev, st.ino], label: { dev: st.dev, ino: st.ino, path: f.path }, size: st.size, pager: () => new HostPager(f.path) } },
    };
  }
  if (st.isCharacterDevice() && f.path === "/dev/zero") return { readable, writable, maps: "anonymous" };
  return { readable, writable, maps: "none" };
}
