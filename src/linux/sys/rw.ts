// Reading, writing and seeking: read/write, pread64/pwrite64, readv/writev, preadv/pwritev(2),
// lseek/_llseek, sendfile/sendfile64, copy_file_range. The data moves through vfs/io.ts; the
// guest buffers are checked as they are copied (a fault after some bytes gives a short count,
// a fault before any is EFAULT, as Linux's copy_to_user/copy_from_user make them).
//
// ppc32's 64-bit offsets: pread64/pwrite64 take an aligned register pair (high word first);
// preadv/pwritev take (pos_l, pos_h) as two longs, low first (Linux's pos_from_hilo, on ppc64
// pos_l alone); _llseek takes (high, low) and stores the result through a pointer.

import { PAGE_SIZE } from "../../machine/memory.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { checkRead, checkSeekable, checkWrite, fileAttr, readFile, writeFile, type Sink, type Source } from "../vfs/io.js";
import { O, type OpenFile } from "../vfs/open-file.js";
import { MAX_RW_COUNT, gm, intArg, isFault, loffArg, longArg, readIovec, ulongArg } from "./fs-common.js";
import { argAddr, readGuest, Struct, SysError, writeGuest, type GuestMem } from "./guest-mem.js";
import { raise } from "./signals.js";
import { SocketFile } from "../net/socket-file.js";
import { SockType } from "../net/abi.js";

const SIGPIPE = 13;

/** Guest memory at `va` as a sink: stores page by page after a fault, to give the exact count. */
export function guestSink(m: GuestMem, va: number): Sink {
  return (off, data) => {
    try {
      writeGuest(m, va + off, data);
      return data.length;
    } catch (e) {
      if (!isFault(e)) throw e;
    }
    let n = 0;
    while (n < data.length) {
      const a = va + off + n;
      const piece = Math.min(data.length - n, PAGE_SIZE - (a % PAGE_SIZE));
      try {
        writeGuest(m, a, data.subarray(n, n + piece));
      } catch (e) {
        if (isFault(e)) return n;
        throw e;
      }
      n += piece;
    }
    return n;
  };
}

/**
 * Touch every page of [va, va + len) for reading, up to the first one the guest cannot read (that
 * one is the copy's EFAULT or short count later): a page being read from a file throws PageWait
 * here, before the call acts.
 */
export function prefault(m: GuestMem, va: number, len: number): void {
  for (let p = va; p < va + len; p = p - (p % PAGE_SIZE) + PAGE_SIZE) {
    try {
      readGuest(m, p, 1);
    } catch (e) {
      if (isFault(e)) return;
      throw e;
    }
  }
}

/** Guest memory at `va` as a source: the readable prefix of the range. */
export function guestSource(m: GuestMem, va: number): Source {
  const src = (off: number, len: number): Uint8Array => {
    try {
      return readGuest(m, va + off, len);
    } catch (e) {
      if (!isFault(e)) throw e;
    }
    const parts: Uint8Array[] = [];
    let n = 0;
    while (n < len) {
      const a = va + off + n;
      const piece = Math.min(len - n, PAGE_SIZE - (a % PAGE_SIZE));
      try {
        parts.push(readGuest(m, a, piece));
      } catch (e) {
        if (isFault(e)) break;
        throw e;
      }
      n += piece;
    }
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  return Object.assign(src, { prefault: (len: number) => prefault(m, va, len) });
}

/**
 * A write's EPIPE also raises SIGPIPE (whose default action ends the process) — but not a
 * datagram or seqpacket socket's: unix_dgram_sendmsg fails with EPIPE and sends no signal.
 */
export function* withSigpipe(ctx: SysContext, f: OpenFile, g: Generator<Block, number, unknown>): Pending {
  try {
    return yield* g;
  } catch (e) {
    const quiet = f.obj instanceof SocketFile && f.obj.sock.type !== SockType.Stream;
    if (e instanceof SysError && e.errno === E.EPIPE && !quiet) raise(ctx, SIGPIPE);
    throw e;
  }
}

const count = (n: number): number => Math.min(n, MAX_RW_COUNT);

const read: Handler = (ctx, a) => {
  const f = ctx.vfs.file(intArg(a, 0));
  checkRead(f);
  const m = gm(ctx);
  return readFile(ctx.k, ctx.vfs, f, undefined, count(ulongArg(ctx, 2)), guestSink(m, argAddr(m, 1)));
};

const write: Handler = (ctx, a) => {
  const f = ctx.vfs.file(intArg(a, 0));
  checkWrite(f);
  const m = gm(ctx);
  return withSigpipe(ctx, f, writeFile(ctx.k, ctx.vfs, f, undefined, count(ulongArg(ctx, 2)), guestSource(m, argAddr(m, 1))));
};

const pread64: Handler = (ctx, a) => {
  const f = ctx.vfs.file(intArg(a, 0));
  checkRead(f);
  const [off] = loffArg(ctx, a, 3);
  checkSeekable(f, off);
  const m = gm(ctx);
  return readFile(ctx.k, ctx.vfs, f, off, count(ulongArg(ctx, 2)), guestSink(m, argAddr(m, 1)));
};

const pwrite64: Handler = (ctx, a) => {
  const f = ctx.vfs.file(intArg(a, 0));
  checkWrite(f);
  const [off] = loffArg(ctx, a, 3);
  checkSeekable(f, off);
  const m = gm(ctx);
  return withSigpipe(ctx, f, writeFile(ctx.k, ctx.vfs, f, off, count(ulongArg(ctx, 2)), guestSource(m, argAddr(m, 1))));
};

/** Read into an iovec: the console is read once and the bytes scattered; files segment by segment. */
function* readv(ctx: SysContext, f: OpenFile, segs: [number, number][], at: number | undefined): Pending {
  const m = gm(ctx);
  const total = segs.reduce((s, [, l]) => s + l, 0);
  if (f.kind === "console" || f.obj !== undefined) {
    // One read of the whole vector's size, then the bytes go to the segments in order (a pipe
    // read into a vector takes what is there once, as into one buffer).
    return yield* readFile(ctx.k, ctx.vfs, f, undefined, total, (off, data) => {
      let stored = 0, base = 0;
      for (const [va, len] of segs) {
        const lo = Math.max(off + stored, base), hi = Math.min(off + data.length, base + len);
        if (lo < hi) {
          const n = guestSink(m, va + (lo - base))(0, data.subarray(lo - off, hi - off));
          stored += n;
          if (n < hi - lo) return stored;
        }
        base += len;
      }
      return stored;
    });
  }
  // The position moves once, at the end: a buffer page being read from a file runs the call
  // again from the start, which must find the position where it was.
  const start = at ?? f.pos;
  let done = 0;
  for (const [va, len] of segs) {
    if (len === 0) continue;
    let n: number;
    try {
      n = yield* readFile(ctx.k, ctx.vfs, f, start + done, len, guestSink(m, va));
    } catch (e) {
      if (done > 0 && e instanceof SysError) break;
      throw e;
    }
    done += n;
    if (n < len) break;
  }
  if (at === undefined) f.pos = start + done;
  return done;
}

/** Write from an iovec: the console gets one write of the gathered bytes; files segment by segment. */
function* writev(ctx: SysContext, f: OpenFile, segs: [number, number][], at: number | undefined, append = false): Pending {
  const m = gm(ctx);
  if (f.kind === "console" || f.obj !== undefined) {
    // One write of the gathered bytes (a vector of at most PIPE_BUF bytes is atomic on a pipe).
    const parts: Uint8Array[] = [];
    let total = 0;
    for (const [va, len] of segs) {
      const b = guestSource(m, va)(0, len);
      parts.push(b);
      total += b.length;
      if (b.length < len) break;
    }
    const all = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
    }
    if (total === 0 && segs.some(([, l]) => l > 0)) return -E.EFAULT;
    return yield* writeFile(ctx.k, ctx.vfs, f, undefined, total, (off, len) => all.subarray(off, off + len));
  }
  // Every buffer's pages are in before anything is written (a wait and run again must not
  // write the first buffers twice).
  for (const [va, len] of segs) prefault(m, va, len);
  let done = 0;
  for (const [va, len] of segs) {
    if (len === 0) continue;
    let n: number;
    try {
      n = yield* writeFile(ctx.k, ctx.vfs, f, at === undefined ? undefined : at + done, len, guestSource(m, va), append);
    } catch (e) {
      if (done > 0 && e instanceof SysError) break;
      throw e;
    }
    done += n;
    if (n < len) break;
  }
  return done;
}

/** The file's size (the position after an appending write). */
function* endOf(ctx: SysContext, f: OpenFile): Generator<Block, number, unknown> {
  return (yield* fileAttr(ctx.k, ctx.vfs, f)).size;
}

function iov(ctx: SysContext, a: number[]): [number, number][] {
  return readIovec(ctx, argAddr(gm(ctx), 1), a[2] | 0);
}

const sysReadv: Handler = (ctx, a) => {
  const f = ctx.vfs.file(intArg(a, 0));
  checkRead(f);
  return readv(ctx, f, iov(ctx, a), undefined);
};

const sysWritev: Handler = (ctx, a) => {
  const f = ctx.vfs.file(intArg(a, 0));
  checkWrite(f);
  return withSigpipe(ctx, f, writev(ctx, f, iov(ctx, a), undefined));
};

/** preadv/pwritev's offset: (pos_l, pos_h) — pos_l alone on ppc64. */
function hilo(ctx: SysContext, a: number[]): number {
  return ctx.image.is64 ? longArg(ctx, 3) : (a[4] | 0) * 0x100000000 + (a[3] >>> 0);
}

const RWF_HIPRI = 1, RWF_DSYNC = 2, RWF_SYNC = 4, RWF_NOWAIT = 8, RWF_APPEND = 0x10;
const RWF_SUPPORTED = RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND;

function vectored(write: boolean, withFlags: boolean): Handler {
  return (ctx, a) => {
    const f = ctx.vfs.file(intArg(a, 0));
    const off = hilo(ctx, a);
    const flags = withFlags ? a[5] >>> 0 : 0;
    if ((flags & ~RWF_SUPPORTED) !== 0) return -E.EOPNOTSUPP;
    if (write) checkWrite(f);
    else checkRead(f);
    // preadv2/pwritev2 with offset -1 use (and advance) the file position.
    const at = withFlags && off === -1 ? undefined : off;
    if (at !== undefined) checkSeekable(f, at);
    const segs = iov(ctx, a);
    // RWF_DSYNC/RWF_SYNC: every server writes through; RWF_HIPRI and RWF_NOWAIT: nothing waits on a queue here.
    return write ? withSigpipe(ctx, f, writev(ctx, f, segs, at, (flags & RWF_APPEND) !== 0)) : readv(ctx, f, segs, at);
  };
}

const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;

/** The new position of a seek (without setting it): EINVAL for a bad whence or a negative result. */
function* seek(ctx: SysContext, f: OpenFile, off: number, whence: number): Generator<Block, number, unknown> {
  if (f.kind === "path") throw new SysError(E.EBADF);
  if (f.kind === "console" || f.obj !== undefined) throw new SysError(E.ESPIPE);
  if (whence < SEEK_SET || whence > SEEK_HOLE) throw new SysError(E.EINVAL);
  if (f.kind === "dir") {
    // A directory's position is a readdir cookie: set (rewinddir, seekdir: the next getdents
    // reads the directory again), or read back.
    if (whence === SEEK_SET && off >= 0) {
      f.dirCache = undefined;
      return off;
    }
    if (whence === SEEK_CUR && off === 0) return f.pos;
    throw new SysError(E.EINVAL);
  }
  let pos: number;
  switch (whence) {
    case SEEK_SET: pos = off; break;
    case SEEK_CUR: pos = f.pos + off; break;
    case SEEK_END: pos = (yield* endOf(ctx, f)) + off; break;
    default: {
      // No holes are known: data runs from any offset to the end, the one hole is the end.
      const size = yield* endOf(ctx, f);
      if (off < 0 || off >= size) throw new SysError(E.ENXIO);
      pos = whence === SEEK_DATA ? off : size;
    }
  }
  if (pos < 0) throw new SysError(E.EINVAL);
  return pos;
}

const lseek: Handler = function* (ctx, a): Pending {
  const f = ctx.vfs.file(intArg(a, 0));
  const pos = yield* seek(ctx, f, longArg(ctx, 1), a[2] >>> 0);
  // ppc32's off_t is 32 bits: a position beyond it is EOVERFLOW (and the position stays).
  if (!ctx.image.is64 && pos > 0x7fffffff) return -E.EOVERFLOW;
  f.pos = pos;
  return pos;
};

/** _llseek(fd, offset_high, offset_low, loff_t *result, whence) (ppc32). */
const llseek: Handler = function* (ctx, a): Pending {
  const f = ctx.vfs.file(intArg(a, 0));
  const m = gm(ctx);
  const result = argAddr(m, 3);
  prefault(m, result, 8); // a page being read waits now, before the seek
  const pos = yield* seek(ctx, f, (a[1] | 0) * 0x100000000 + (a[2] >>> 0), a[4] >>> 0);
  // Linux moves the position first: a bad result pointer is EFAULT after the seek happened.
  f.pos = pos;
  writeGuest(m, result, new Struct(8, m.le).i64(0, pos).b);
  return 0;
};

/**
 * sendfile(out, in, off*, count): in at *off (updated) or at its position; the offset pointer
 * is a long on ppc64 and for sendfile64, an off_t (32 bits) for ppc32's sendfile.
 */
function sendfile(wide: boolean): Handler {
  return function* (ctx, a): Pending {
    const v = ctx.vfs, m = gm(ctx);
    const out = v.file(intArg(a, 0)), inp = v.file(intArg(a, 1));
    const offp = argAddr(m, 2);
    checkRead(inp);
    checkWrite(out);
    if (inp.kind === "console" || inp.obj !== undefined) return -E.EINVAL; // Linux needs an input it can splice from (no pipe, no terminal)
    if ((out.flags & O.APPEND) !== 0) return -E.EINVAL;
    const w = wide ? 8 : 4;
    let at: number | undefined;
    if (offp !== 0) {
      const s = new Struct(readGuest(m, offp, w), m.le);
      at = w === 8 ? s.getI64(0) : s.getI32(0);
      if (at < 0) return -E.EINVAL;
    }
    const n = count(ulongArg(ctx, 3));
    const done = yield* copyData(ctx, inp, at, out, undefined, n);
    if (offp !== 0 && at !== undefined) {
      const s = new Struct(w, m.le);
      if (w === 8) s.i64(0, at + done);
      else s.i32(0, at + done);
      writeGuest(m, offp, s.b);
    }
    return done;
  };
}

/** Move `n` bytes from `inp` (at `inAt` or its position) to `out` (at `outAt` or its position). */
function* copyData(ctx: SysContext, inp: OpenFile, inAt: number | undefined, out: OpenFile, outAt: number | undefined, n: number): Pending {
  const v = ctx.vfs;
  let done = 0;
  let ip = inAt ?? inp.pos, op = outAt ?? out.pos;
  const CH = 1 << 20;
  while (done < n) {
    const want = Math.min(CH, n - done);
    const parts: Uint8Array[] = [];
    const got = yield* readFile(ctx.k, v, inp, ip, want, (_off, data) => {
      parts.push(data.slice());
      return data.length;
    });
    if (got === 0) break;
    const buf = parts.length === 1 ? parts[0] : concat(parts, got);
    let put: number;
    try {
      put = yield* withSigpipe(ctx, out, writeFile(ctx.k, v, out, out.kind === "console" ? undefined : op, got, (off, len) => buf.subarray(off, off + len)));
    } catch (e) {
      if (done > 0 && e instanceof SysError) break;
      throw e;
    }
    done += put;
    ip += put;
    op += put;
    if (put < got || got < want) break;
  }
  if (inAt === undefined) inp.pos = ip;
  if (outAt === undefined && out.kind !== "console") out.pos = op;
  return done;
}

function concat(parts: Uint8Array[], n: number): Uint8Array {
  const b = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    b.set(p, o);
    o += p.length;
  }
  return b;
}

/** copy_file_range(fd_in, loff_t *off_in, fd_out, loff_t *off_out, len, flags). */
const copyFileRange: Handler = function* (ctx, a): Pending {
  const v = ctx.vfs, m = gm(ctx);
  if (a[5] !== 0) return -E.EINVAL;
  const inp = v.file(intArg(a, 0)), out = v.file(intArg(a, 2));
  checkRead(inp);
  checkWrite(out);
  if ((out.flags & O.APPEND) !== 0) return -E.EBADF;
  if (inp.kind !== "file" || out.kind !== "file") return inp.kind === "dir" || out.kind === "dir" ? -E.EISDIR : -E.EINVAL;
  const ina = yield* fileAttr(ctx.k, v, inp), outa = yield* fileAttr(ctx.k, v, out);
  if ((ina.mode & 0o170000) !== 0o100000 || (outa.mode & 0o170000) !== 0o100000) return -E.EINVAL;
  const offIn = argAddr(m, 1), offOut = argAddr(m, 3);
  const get = (p: number): number | undefined => (p === 0 ? undefined : new Struct(readGuest(m, p, 8), m.le).getI64(0));
  const inAt = get(offIn), outAt = get(offOut);
  if ((inAt ?? 0) < 0 || (outAt ?? 0) < 0) return -E.EINVAL;
  const n = count(ulongArg(ctx, 4));
  const ip = inAt ?? inp.pos, op = outAt ?? out.pos;
  // The same file with overlapping ranges is refused (Linux: generic_copy_file_checks).
  if (inp.key === out.key && ip < op + n && op < ip + n) return -E.EINVAL;
  const done = yield* copyData(ctx, inp, inAt, out, outAt, n);
  if (inAt !== undefined) writeGuest(m, offIn, new Struct(8, m.le).i64(0, inAt + done).b);
  if (outAt !== undefined) writeGuest(m, offOut, new Struct(8, m.le).i64(0, outAt + done).b);
  return done;
};

export const RW_CALLS: Record<string, Handler> = {
  read, write, pread64, pwrite64, readv: sysReadv, writev: sysWritev,
  preadv: vectored(false, false), pwritev: vectored(true, false),
  preadv2: vectored(false, true), pwritev2: vectored(true, true),
  // ppc32's sendfile takes an off_t pointer (32 bits); sendfile64 and ppc64's sendfile a 64-bit one.
  lseek, _llseek: llseek, sendfile: (ctx, a) => sendfile(ctx.image.is64)(ctx, a), sendfile64: sendfile(true),
  copy_file_range: copyFileRange,
};
