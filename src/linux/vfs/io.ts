// Reading and writing open files: through the server's open-file handle in chunks (one PPC per
// chunk; a local call takes large ones), or the console. The guest side is abstract (a sink
// and a source that may fault), so that read/readv/pread/sendfile/copy_file_range share one
// path and a fault after some bytes gives a short count, as Linux's copy_to_user does.
//
// Positions: `at` undefined means the description's position (used and advanced); a number is
// pread/pwrite's offset (the position stays). O_APPEND writes go to the end whatever the
// offset (also for pwrite, as Linux does), and the position becomes the new end.

import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import { PageWait, pageWait } from "../../kernel/mem/region.js";
import type { Attr, WriteResult } from "../../servers/fs/iface.js";
import { E } from "../errno.js";
import { SysError } from "../sys/guest-mem.js";
import { chunkFor, fsc } from "./fs-call.js";
import { O, type OpenFile } from "./open-file.js";
import type { Vfs } from "./vfs.js";

/** Where read bytes go: the count stored (fewer than given when the guest buffer faulted). */
export type Sink = (off: number, data: Uint8Array) => number;

/** Where written bytes come from: up to `len` bytes (fewer when the guest buffer faulted). */
export interface Source {
  (off: number, len: number): Uint8Array;
  /**
   * Bring in the first `len` bytes' pages before anything is written: a guest page being read
   * from a file must make the call wait and run again before it wrote, never after.
   */
  prefault?(len: number): void;
}

/** EBADF/EISDIR unless `f` can be read. */
export function checkRead(f: OpenFile): void {
  if (f.kind === "path" || !f.readable) throw new SysError(E.EBADF);
  if (f.kind === "dir") throw new SysError(E.EISDIR);
}

/** EBADF unless `f` can be written. */
export function checkWrite(f: OpenFile): void {
  if (f.kind === "path" || !f.writable) throw new SysError(E.EBADF);
}

/** ESPIPE for a file without positions (the console, pipes, eventfds); EINVAL for a negative offset. */
export function checkSeekable(f: OpenFile, off: number): void {
  if (f.kind === "console" || f.obj !== undefined) throw new SysError(E.ESPIPE);
  if (off < 0) throw new SysError(E.EINVAL);
}

/**
 * Read up to `len` bytes into `sink` (at sink offsets 0, 1, …): the count read. A server error
 * before any byte is thrown; after some bytes, the count so far is returned.
 */
export function* readFile(k: Kernel, v: Vfs, f: OpenFile, at: number | undefined, len: number, sink: Sink): Generator<Block, number, unknown> {
  if (len === 0) return 0;
  if (f.obj !== undefined) return yield* f.obj.read(k, v, f, len, sink);
  if (f.kind === "console") {
    const r = yield* v.console.read(k, Math.min(len, 1 << 16), f.nonblock, v.interruptible);
    // An error, or ERESTARTSYS: a signal interrupted the wait (delivery makes it EINTR or a restart).
    if (typeof r === "number") throw new SysError(-r);
    if (r.length === 0) return 0;
    // The input is consumed: a buffer page being read from a file is waited for here, and the
    // copy made again (running the call again would lose the input).
    for (;;) {
      try {
        const n = sink(0, r);
        if (n === 0) throw new SysError(E.EFAULT);
        return n;
      } catch (e) {
        if (!(e instanceof PageWait)) throw e;
        yield pageWait(e.obj);
      }
    }
  }
  const h = f.handle;
  if (h === undefined) throw new SysError(E.EBADF);
  const stub = v.stubs.file(k, h);
  const chunk = chunkFor(k, h.server);
  let pos = at ?? f.pos;
  let done = 0;
  while (done < len) {
    const want = Math.min(chunk, len - done);
    let data: Uint8Array;
    try {
      data = yield* fsc(stub.read(pos, want));
    } catch (e) {
      if (done > 0 && e instanceof SysError) break;
      throw e;
    }
    const stored = data.length === 0 ? 0 : sink(done, data);
    done += stored;
    pos += stored;
    if (stored < data.length) {
      if (done === 0) throw new SysError(E.EFAULT);
      break;
    }
    if (data.length < want) break;
  }
  if (at === undefined) f.pos = pos;
  return done;
}

/** Write `len` bytes from `src`: the count written (short only at a fault or an error after progress). */
export function* writeFile(k: Kernel, v: Vfs, f: OpenFile, at: number | undefined, len: number, src: Source, append = false): Generator<Block, number, unknown> {
  if (len === 0) return 0;
  src.prefault?.(len);
  if (f.obj !== undefined) return yield* f.obj.write(k, v, f, len, src);
  if (f.kind === "console") {
    let done = 0;
    while (done < len) {
      const want = Math.min(len - done, 1 << 20);
      const data = src(done, want);
      if (data.length > 0) {
        const n = v.console.write(f.stream ?? 1, data);
        if (n < 0) {
          if (done > 0) return done;
          throw new SysError(-n);
        }
        done += n;
      }
      if (data.length < want) {
        if (done === 0) throw new SysError(E.EFAULT);
        break;
      }
    }
    return done;
  }
  const h = f.handle;
  if (h === undefined) throw new SysError(E.EBADF);
  const stub = v.stubs.file(k, h);
  const chunk = chunkFor(k, h.server);
  const appending = append || (f.flags & O.APPEND) !== 0;
  let pos = at ?? f.pos;
  let done = 0;
  while (done < len) {
    const want = Math.min(chunk, len - done);
    const data = src(done, want);
    if (data.length === 0) {
      if (done === 0) throw new SysError(E.EFAULT);
      break;
    }
    let r: WriteResult;
    try {
      r = (yield* fsc(stub.write(pos, data, appending))) as unknown as WriteResult;
    } catch (e) {
      if (done > 0 && e instanceof SysError) break;
      throw e;
    }
    done += r.n;
    pos = r.end;
    if (r.n < want) break;
  }
  if (at === undefined) f.pos = pos;
  return done;
}

/** The attributes of an open file's node (fstat): through the open file when there is one. */
export function* fileAttr(k: Kernel, v: Vfs, f: OpenFile): Generator<Block, Attr, unknown> {
  if (f.obj !== undefined) return yield* f.obj.attr(k, v, f);
  if (f.handle !== undefined) return (yield* fsc(v.stubs.file(k, f.handle).fgetattr())) as unknown as Attr;
  if (f.node !== undefined) return yield* v.getattr(k, f.node);
  return consoleAttr();
}

/**
 * A console with no device node in the tree (no devfs mounted): a character device 5:1 as
 * /dev/console would be, owned by root.
 */
export function consoleAttr(): Attr {
  const t: [number, number] = [0, 0];
  return { ino: 0, mode: 0o20600, nlink: 1, uid: 0, gid: 0, size: 0, blocks: 0, blksize: 1024, rdev: 5 << 8 | 1, atime: t, mtime: t, ctime: t, btime: t };
}
