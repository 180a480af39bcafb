// The process's file descriptor table: descriptor → (open file description, FD_CLOEXEC). New
// descriptors take the lowest free number at or above a minimum, below the soft RLIMIT_NOFILE
// (EMFILE past it). The table only maps numbers: releasing a description when its last
// descriptor goes (server close, locks) is the caller's (Vfs.release).

import { E } from "../errno.js";
import type { OpenFile } from "./open-file.js";

export interface FdEntry {
  readonly file: OpenFile;
  cloexec: boolean;
}

/** Linux's hard ceiling on descriptors (fs.nr_open). */
export const NR_OPEN = 1 << 20;

export class FdTable {
  private readonly slots: (FdEntry | undefined)[] = [];
  /** No free descriptor below this one. */
  private lowFree = 0;

  /** `limit()`: the soft RLIMIT_NOFILE now. */
  constructor(private readonly limit: () => number) {}

  get(fd: number): FdEntry | undefined {
    return Number.isInteger(fd) && fd >= 0 ? this.slots[fd] : undefined;
  }

  /** Install `file` at the lowest free descriptor >= min; -EMFILE if none below the limit. */
  alloc(file: OpenFile, cloexec: boolean, min = 0): number {
    const max = Math.min(this.limit(), NR_OPEN);
    let fd = Math.max(min, this.lowFree);
    while (fd < max && this.slots[fd] !== undefined) fd++;
    if (fd >= max) return -E.EMFILE;
    this.slots[fd] = { file, cloexec };
    if (min <= this.lowFree) this.lowFree = fd + 1;
    return fd;
  }

  /** Put `file` at descriptor `fd` (dup2/dup3); returns the description it replaced, if any. */
  put(fd: number, file: OpenFile, cloexec: boolean): OpenFile | undefined {
    const old = this.slots[fd];
    this.slots[fd] = { file, cloexec };
    return old?.file;
  }

  /** Remove descriptor `fd`; its description (undefined if it was not open). */
  remove(fd: number): OpenFile | undefined {
    const e = this.get(fd);
    if (e === undefined) return undefined;
    this.slots[fd] = undefined;
    if (fd < this.lowFree) this.lowFree = fd;
    while (this.slots.length > 0 && this.slots[this.slots.length - 1] === undefined) this.slots.pop();
    return e.file;
  }

  /** Open descriptors in increasing order. */
  *entries(): Generator<[number, FdEntry]> {
    for (let fd = 0; fd < this.slots.length; fd++) {
      const e = this.slots[fd];
      if (e !== undefined) yield [fd, e];
    }
  }

  /** One past the highest open descriptor. */
  get end(): number {
    return this.slots.length;
  }

  /** Whether descriptor number `fd` could exist under the current limit (dup2's EBADF). */
  inRange(fd: number): boolean {
    return Number.isInteger(fd) && fd >= 0 && fd < Math.min(this.limit(), NR_OPEN);
  }
}
