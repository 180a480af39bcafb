// eventfd objects (fs/eventfd.c): a 64-bit counter that reads take and writes add to, with a
// wait channel for both directions. The counter lives in shared memory (one line from the
// creating processor's heap), so that threads and processes on any processor share it without
// a server: every operation is a few words under a lock word, held only inside one synchronous
// section (never across a wait), as kernel/mem/lock.ts's locks are.
//
// Words: LOCK, REFS (open file descriptions in every heap: a description copied into another
// heap — a process forked across workers — adopts the block and counts), LO and HI (the
// counter), CHAN (the wait channel's id). The block and its channel go with the last
// description.
//
// Semantics (Linux 6.1): a read of fewer than 8 bytes is EINVAL; it takes the whole count
// (EFD_SEMAPHORE: 1 of it) and waits while the count is 0, and a buffer that cannot take the 8
// bytes is EFAULT after the count was taken; a write of fewer than 8 bytes is EINVAL (of more,
// the first 8 count: Linux 6.9 made that EINVAL too), of the value 2^64-1 EINVAL, and waits
// while the sum would pass 2^64-2. The 8 bytes are the process's own byte order (a u64 in
// memory). poll: IN while the count is not 0, OUT while another 1 fits.

import type { Kernel } from "../../kernel/kernel.js";
import { acquire, release } from "../../kernel/mem/lock.js";
import { SharedWords } from "../../kernel/shared.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { Attr } from "../../servers/fs/iface.js";
import { E } from "../errno.js";
import { SysError } from "../sys/guest-mem.js";
import { untilReady } from "../sys/wait.js";
import type { FileObject, Readiness } from "./file-object.js";
import type { Sink, Source } from "./io.js";
import type { OpenFile } from "./open-file.js";
import { POLL } from "./ready.js";
import type { Vfs } from "./vfs.js";

const LOCK = 0, REFS = 1, LO = 2, HI = 3, CHAN = 4;
const BYTES = 20;
/** The largest count (ULLONG_MAX - 1). */
export const EVENTFD_MAX = 0xfffffffffffffffen;
const ULLONG_MAX = 0xffffffffffffffffn;
/** anon_inodefs's device (an anonymous device, 0:14 as on a typical Linux boot) and its one inode. */
export const ANON_DEV = 14, ANON_INO = 1;
/** EFD_SEMAPHORE. */
export const EFD_SEMAPHORE = 1;

export class EventFd implements FileObject {
  readonly kind = "eventfd";
  readonly dev = ANON_DEV;
  readonly ino = ANON_INO;
  private readonly channel: number;
  /** The counter's words as the processor the caller runs on sees them (its port charges the accesses). */
  private wk: Kernel;
  private w: SharedWords;

  private constructor(k: Kernel, readonly addr: number, readonly semaphore: boolean, readonly le: boolean) {
    this.wk = k;
    this.w = new SharedWords(k.port, k.trace, addr);
    this.channel = this.w.load(CHAN);
  }

  /** The words, through processor `k`'s port. */
  private on(k: Kernel): this {
    if (this.wk !== k) {
      this.wk = k;
      this.w = new SharedWords(k.port, k.trace, this.addr);
    }
    return this;
  }

  /** A new counter with `initval` (eventfd2). `le`: the process's byte order. */
  static create(k: Kernel, initval: number, semaphore: boolean, le: boolean): EventFd {
    const addr = k.heap.alloc(BYTES);
    const w = new SharedWords(k.port, k.trace, addr);
    w.store(REFS, 1);
    w.store(LO, initval >>> 0);
    w.store(CHAN, k.waits.create());
    return new EventFd(k, addr, semaphore, le);
  }

  /** Another description of the counter at `addr` (made in another heap): it counts until released. */
  static adopt(k: Kernel, addr: number, semaphore: boolean, le: boolean): EventFd {
    new SharedWords(k.port, k.trace, addr).add(REFS, 1);
    return new EventFd(k, addr, semaphore, le);
  }

  /** The count now (under the lock). */
  private count(): bigint {
    acquire(this.w, LOCK);
    try {
      return this.get();
    } finally {
      release(this.w, LOCK);
    }
  }

  private get(): bigint {
    return (BigInt(this.w.load(HI) >>> 0) << 32n) | BigInt(this.w.load(LO) >>> 0);
  }

  private set(v: bigint): void {
    this.w.store(LO, Number(v & 0xffffffffn) | 0);
    this.w.store(HI, Number(v >> 32n) | 0);
  }

  /** Change the count with `f` under the lock (f answers the new count, or undefined: no change). */
  private update<T>(f: (v: bigint) => { next: bigint; out: T } | undefined): T | undefined {
    acquire(this.w, LOCK);
    let r: { next: bigint; out: T } | undefined;
    try {
      r = f(this.get());
      if (r !== undefined) this.set(r.next);
    } finally {
      release(this.w, LOCK);
    }
    return r?.out;
  }

  *read(k: Kernel, v: Vfs, f: OpenFile, len: number, sink: Sink): Generator<Block, number, unknown> {
    if (len < 8) throw new SysError(E.EINVAL);
    this.on(k);
    const got = yield* untilReady(k, v.wait, [this.channel], "eventfd count", function* (this: EventFd) {
      const r = this.update((c) => (c === 0n ? undefined : { next: this.semaphore ? c - 1n : 0n, out: this.semaphore ? 1n : c }));
      if (r === undefined && f.nonblock) throw new SysError(E.EAGAIN);
      return r;
    }.bind(this));
    k.waits.notify(this.channel);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, got, this.le);
    // The count is taken: a buffer that cannot take it is EFAULT all the same (as Linux).
    if (sink(0, b) < 8) throw new SysError(E.EFAULT);
    return 8;
  }

  *write(k: Kernel, v: Vfs, f: OpenFile, len: number, src: Source): Generator<Block, number, unknown> {
    if (len < 8) throw new SysError(E.EINVAL);
    const b = src(0, 8);
    if (b.length < 8) throw new SysError(E.EFAULT);
    const add = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, this.le);
    if (add === ULLONG_MAX) throw new SysError(E.EINVAL);
    this.on(k);
    yield* untilReady(k, v.wait, [this.channel], "eventfd room", function* (this: EventFd) {
      const r = this.update((c) => (ULLONG_MAX - c > add ? { next: c + add, out: true } : undefined));
      if (r === undefined && f.nonblock) throw new SysError(E.EAGAIN);
      return r;
    }.bind(this));
    k.waits.notify(this.channel);
    return 8;
  }

  *poll(k: Kernel): Generator<Block, Readiness, unknown> {
    const c = this.on(k).count();
    let mask = 0;
    if (c > 0n) mask |= POLL.IN;
    if (c === ULLONG_MAX) mask |= POLL.ERR;
    if (ULLONG_MAX - 1n > c) mask |= POLL.OUT;
    return { mask, channels: [this.channel] };
  }

  *attr(): Generator<Block, Attr, unknown> {
    const t: [number, number] = [0, 0];
    return { ino: ANON_INO, mode: 0o600, nlink: 1, uid: 0, gid: 0, size: 0, blocks: 0, blksize: 4096, rdev: 0, atime: t, mtime: t, ctime: t, btime: t };
  }

  link(): string {
    return "anon_inode:[eventfd]";
  }

  *available(): Generator<Block, number | undefined, unknown> {
    return undefined; // eventfd has no FIONREAD: ENOTTY
  }

  /** fork: the child's own object on the same counter (one more reference to the block). */
  *share(k: Kernel): Generator<Block, EventFd, unknown> {
    return EventFd.adopt(k, this.addr, this.semaphore, this.le);
  }

  *release(k: Kernel): Generator<Block, void, unknown> {
    if (this.on(k).w.add(REFS, -1) !== 1) return;
    k.waits.destroy(this.channel);
    k.heap.release(this.addr, BYTES);
  }
}
