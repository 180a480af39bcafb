// One pipe as Linux 6.1's fs/pipe.c keeps it: a ring of page-sized buffers (slots), at most
// `slots` of them in use (16 by default: 65536 bytes), and the counts of open readers and
// writers. The byte arithmetic is Linux's, because programs can see it: a write first puts its
// first (length mod 4096) bytes into the last buffer when they fit after what that buffer
// holds, then fills fresh buffers a page at a time; a pipe is full when
// every slot is in use, whatever the buffers hold. So a pipe filled with 1-byte writes holds
// 65536 bytes, one filled with 1000-byte writes 64000 (four per page), and a write of at most
// PIPE_BUF (4096) bytes goes into one buffer or waits: writes up to PIPE_BUF are atomic.
// Packet mode (O_DIRECT on the writing file): every write (each page of a larger one) is a
// buffer of its own that is never merged into, and a read takes at most one packet, dropping
// what of it does not fit.
//
// Nothing here waits: an operation that would have to is answered "empty" or "full", and the
// caller (the Linux personality, through the server) waits on the pipe's wait channels and
// asks again. Per machine in the deterministic mode (shared by every processor's dispatcher,
// which run one at a time), on the pipe server's processor in the parallel mode.

import { PipeErrno, refuse } from "./errno.js";

export const PAGE = 4096;
/** Writes of at most this many bytes are atomic. */
export const PIPE_BUF = 4096;
/** A new pipe's slots (65536 bytes). */
export const DEFAULT_SLOTS = 16;
/** /proc/sys/fs/pipe-max-size: the largest size an unprivileged F_SETPIPE_SZ may set. */
export const PIPE_MAX_SIZE = 1 << 20;

/** poll bits (asm-generic/poll.h, which PowerPC uses). */
export const PollBits = {
  IN: 0x1, PRI: 0x2, OUT: 0x4, ERR: 0x8, HUP: 0x10, NVAL: 0x20, RDNORM: 0x40, RDBAND: 0x80, WRNORM: 0x100, WRBAND: 0x200,
} as const;

interface Buffer {
  readonly page: Uint8Array;
  offset: number;
  len: number;
  /** Written in packet mode: never merged into, read one packet at a time. */
  readonly packet: boolean;
}

/** What a read found when it took no byte: nothing yet (writers remain). */
export const EMPTY = "empty";
/** What a write found when it put no byte: no free slot and no room to merge. */
export const FULL = "full";

/** Linux's round_pipe_size: a power of two of at least a page, 0 past 2^31 (EINVAL). */
export function roundPipeSize(size: number): number {
  if (size > 2 ** 31) return 0;
  if (size < PAGE) return PAGE;
  return 2 ** Math.ceil(Math.log2(size));
}

export class Pipe {
  /** Buffers in use, oldest (the tail) first. */
  private readonly ring: Buffer[] = [];
  /** Slots that may be in use (pipe->max_usage). */
  slots = DEFAULT_SLOTS;
  readers = 0;
  writers = 0;
  /** Opens for reading and writing so far (a FIFO's opener waits for the other count to move). */
  rCounter = 0;
  wCounter = 0;

  constructor(
    /** Inode number (pipefs's for an anonymous pipe; the FIFO node's otherwise). */
    readonly ino: number,
    /** Wait channels: readers wait on `rd` (data, the last writer gone, a partner), writers on `wr` (room, the last reader gone). */
    readonly rd: number,
    readonly wr: number,
  ) {}

  /** Bytes in the pipe (FIONREAD). */
  get bytes(): number {
    let n = 0;
    for (const b of this.ring) n += b.len;
    return n;
  }

  get full(): boolean {
    return this.ring.length >= this.slots;
  }

  /** Buffers in use. */
  get used(): number {
    return this.ring.length;
  }

  /**
   * pipe_read without the wait: up to `max` bytes (max >= 1); an empty array at end of file (no
   * writers left); EMPTY when there is nothing yet.
   */
  read(max: number): Uint8Array | typeof EMPTY {
    const parts: Uint8Array[] = [];
    let total = max, got = 0;
    while (this.ring.length > 0) {
      const b = this.ring[0];
      const chars = Math.min(b.len, total);
      parts.push(b.page.slice(b.offset, b.offset + chars));
      got += chars;
      b.offset += chars;
      b.len -= chars;
      if (b.packet) {
        total = chars; // the rest of the packet is dropped
        b.len = 0;
      }
      if (b.len === 0) this.ring.shift();
      total -= chars;
      if (total === 0) break;
    }
    if (got > 0) return concat(parts, got);
    return this.writers === 0 ? new Uint8Array(0) : EMPTY;
  }

  /**
   * pipe_write without the wait: the bytes of `data` taken now (data non-empty). `merge`: how
   * many of its first bytes may go into the last buffer (on a write call's first request, the
   * call's length mod 4096; later ones 0). "epipe" when no reader is left (before any byte);
   * FULL when no byte fits now.
   */
  write(data: Uint8Array, merge: number, packet: boolean): number | "epipe" | typeof FULL {
    if (this.readers === 0) return "epipe";
    const total = data.length;
    let done = 0;
    if (merge !== 0 && this.ring.length > 0) {
      const last = this.ring[this.ring.length - 1];
      const at = last.offset + last.len;
      if (!last.packet && at + merge <= PAGE) {
        last.page.set(data.subarray(0, merge), at);
        last.len += merge;
        done = merge;
        if (done === total) return done;
      }
    }
    while (!this.full) {
      const n = Math.min(PAGE, total - done);
      const page = new Uint8Array(PAGE);
      page.set(data.subarray(done, done + n));
      this.ring.push({ page, offset: 0, len: n, packet });
      done += n;
      if (done === total) return done;
    }
    return done > 0 ? done : FULL;
  }

  /**
   * pipe_poll for an open file that reads and/or writes the pipe; `version` is the file's
   * f_version (a FIFO opened for reading without a writer: no POLLHUP until one came).
   */
  poll(reads: boolean, writes: boolean, version: number): number {
    let mask = 0;
    if (reads) {
      if (this.ring.length > 0) mask |= PollBits.IN | PollBits.RDNORM;
      if (this.writers === 0 && version !== this.wCounter) mask |= PollBits.HUP;
    }
    if (writes) {
      if (!this.full) mask |= PollBits.OUT | PollBits.WRNORM;
      if (this.readers === 0) mask |= PollBits.ERR;
    }
    return mask;
  }

  /**
   * F_SETPIPE_SZ (pipe_set_size): `arg` rounded to a power-of-two number of pages; EINVAL past
   * 2^31, EPERM to grow past PIPE_MAX_SIZE without CAP_SYS_RESOURCE, EBUSY below the buffers in
   * use. The new size in bytes.
   */
  setSize(arg: number, privileged: boolean): number {
    const size = roundPipeSize(arg);
    const slots = size / PAGE;
    if (slots === 0) refuse(PipeErrno.EINVAL, "pipe size past 2^31");
    if (slots > this.slots && size > PIPE_MAX_SIZE && !privileged) refuse(PipeErrno.EPERM, "pipe size past pipe-max-size");
    if (slots < this.ring.length) refuse(PipeErrno.EBUSY, "fewer slots than buffers in use");
    this.slots = slots;
    return slots * PAGE;
  }

  /** No open end is left: the pipe (and a FIFO's unread bytes) can go. */
  get unused(): boolean {
    return this.readers === 0 && this.writers === 0;
  }
}

function concat(parts: Uint8Array[], n: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
