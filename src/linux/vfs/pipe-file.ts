// Pipes as the process sees them: an open file of kind "pipe" whose object (PipeEnd) is an end
// of a pipe in the pipe server (servers/pipe), reached by PPC through the end's handle. The
// server never waits: when a read finds nothing or a write no room it answers EAGAIN, and the
// end waits on the pipe's wait channel (readers on `rd`, writers on `wr`) through the process's
// Vfs.wait and asks again — unless the open file is O_NONBLOCK, which gets the EAGAIN.
//
// Larger transfers go in pieces of one PPC each (chunkFor: a message's worth when the server
// is on another processor): a read continues while a piece came back full and more is wanted,
// without waiting; a write passes the server the merge of its first piece only (Linux merges
// the head of a write call once), and a blocking write waits for room between pieces. A write
// of at most PIPE_BUF bytes is one piece, hence atomic.
//
// Also here: making an anonymous pipe (pipe/pipe2), opening a FIFO by path (Linux's fifo_open
// with its waits for a partner), and the pipe fcntls.

import type { Kernel } from "../../kernel/kernel.js";
import type { Handle } from "../../kernel/ppc/values.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { Attr, Cred } from "../../servers/fs/iface.js";
import { EndMode, PipeIface, type FifoEnd, type PipeInfo, type PipePair } from "../../servers/pipe/iface.js";
import type { Stub } from "../../kernel/ppc/iface.js";
import { PageWait, pageWait } from "../../kernel/mem/region.js";
import { E } from "../errno.js";
import { SysError } from "../sys/guest-mem.js";
import { untilReady } from "../sys/wait.js";
import { ERESTARTSYS } from "../signals/interruptible.js";
import type { FileObject, Readiness } from "./file-object.js";
import { chunkFor, fsc } from "./fs-call.js";
import type { Sink, Source } from "./io.js";
import { O, type OpenFile } from "./open-file.js";
import { MAY_READ, MAY_WRITE, permits } from "./perm.js";
import type { Found } from "./walk.js";
import type { Vfs } from "./vfs.js";

/** pipefs's device (an anonymous device, 0:12 as on a typical Linux boot). */
export const PIPEFS_DEV = 12;
const PAGE = 4096;

type PipeStub = Stub<typeof PipeIface>;

/** Who made an anonymous pipe and when (its inode's owner and times). */
export interface PipeOwner {
  readonly uid: number;
  readonly gid: number;
  /** [seconds, nanoseconds] since 1970. */
  readonly time: [number, number];
}

/** One open file description's end of a pipe. */
export class PipeEnd implements FileObject {
  readonly kind = "pipe";
  readonly dev = PIPEFS_DEV;
  private stubK: Kernel | undefined = undefined;
  private stubS: PipeStub | undefined = undefined;

  constructor(
    readonly handle: Handle,
    readonly ino: number,
    /** The pipe's wait channels: readers', writers'. */
    readonly rd: number,
    readonly wr: number,
    readonly mode: EndMode,
    /** Owner and times of an anonymous pipe's inode (a FIFO's are its node's). */
    private readonly owner: PipeOwner | undefined,
  ) {}

  /** The stub on the processor the caller runs on now. */
  stub(k: Kernel): PipeStub {
    if (this.stubK !== k || this.stubS === undefined) {
      this.stubK = k;
      this.stubS = k.ppc.stub(PipeIface, this.handle);
    }
    return this.stubS;
  }

  *read(k: Kernel, v: Vfs, f: OpenFile, len: number, sink: Sink): Generator<Block, number, unknown> {
    const s = this.stub(k);
    const chunk = chunkFor(k, this.handle.server);
    let want = Math.min(len, chunk);
    let got = yield* untilReady(k, v.wait, [this.rd], `pipe ${this.ino} data`, () => this.tryRead(s, want, f.nonblock));
    let done = 0;
    for (;;) {
      const n = yield* deliver(sink, done, got);
      done += n;
      // More without waiting while pieces come back full (a pipe read takes what is there).
      if (n < got.length || got.length < want || done >= len) return done;
      want = Math.min(len - done, chunk);
      const more = yield* this.tryRead(s, want, false);
      if (more === undefined || more.length === 0) return done;
      got = more;
    }
  }

  /**
   * One read request: the bytes (none at end of file), or undefined when there are none yet —
   * EAGAIN instead when `nonblock`.
   */
  private *tryRead(s: PipeStub, max: number, nonblock: boolean): Generator<Block, Uint8Array | undefined, unknown> {
    try {
      return yield* fsc(s.read(max));
    } catch (e) {
      if (!(e instanceof SysError) || e.errno !== E.EAGAIN || nonblock) throw e;
      return undefined;
    }
  }

  *write(k: Kernel, v: Vfs, f: OpenFile, len: number, src: Source): Generator<Block, number, unknown> {
    const s = this.stub(k);
    const chunk = Math.max(PAGE, chunkFor(k, this.handle.server));
    const packet = (f.flags & O.DIRECT) !== 0;
    let merge = len & (PAGE - 1);
    let done = 0;
    while (done < len) {
      const want = Math.min(chunk, len - done);
      const data = src(done, want);
      if (data.length === 0) {
        if (done === 0) throw new SysError(E.EFAULT);
        break;
      }
      let n: number;
      try {
        n = yield* untilReady(k, v.wait, [this.wr], `pipe ${this.ino} room`, () => {
          const m = merge;
          merge = 0; // only the call's first request may merge
          return this.tryWrite(s, data, m, packet, f.nonblock);
        });
      } catch (e) {
        // After some bytes, a full non-blocking pipe, a broken one or a signal ends the call with
        // its count. (Linux also sends SIGPIPE for the broken pipe then; here only a write that
        // moved no byte does.)
        if (done > 0 && e instanceof SysError && (e.errno === E.EAGAIN || e.errno === E.EPIPE || e.errno === ERESTARTSYS)) break;
        throw e;
      }
      done += n;
      if (data.length < want) break; // the source faulted
      if (n < data.length && f.nonblock) break;
    }
    return done;
  }

  /** One write request: the bytes taken, or undefined when none fit yet — EAGAIN instead when `nonblock`. */
  private *tryWrite(s: PipeStub, data: Uint8Array, merge: number, packet: boolean, nonblock: boolean): Generator<Block, number | undefined, unknown> {
    try {
      return yield* fsc(s.write(data, merge, packet));
    } catch (e) {
      if (!(e instanceof SysError) || e.errno !== E.EAGAIN || nonblock) throw e;
      return undefined;
    }
  }

  *poll(k: Kernel): Generator<Block, Readiness, unknown> {
    const mask = yield* fsc(this.stub(k).poll());
    return { mask, channels: this.mode === EndMode.Read ? [this.rd] : this.mode === EndMode.Write ? [this.wr] : [this.rd, this.wr] };
  }

  *info(k: Kernel): Generator<Block, PipeInfo, unknown> {
    return (yield* fsc(this.stub(k).info())) as unknown as PipeInfo;
  }

  *attr(k: Kernel, v: Vfs, f: OpenFile): Generator<Block, Attr, unknown> {
    if (f.node !== undefined) return yield* v.getattr(k, f.node);
    const o = this.owner ?? { uid: 0, gid: 0, time: [0, 0] };
    return {
      ino: this.ino, mode: 0o010600, nlink: 1, uid: o.uid, gid: o.gid, size: 0, blocks: 0, blksize: PAGE, rdev: 0,
      atime: o.time, mtime: o.time, ctime: o.time, btime: o.time,
    };
  }

  link(): string {
    return `pipe:[${this.ino}]`;
  }

  *available(k: Kernel): Generator<Block, number | undefined, unknown> {
    return (yield* this.info(k)).bytes;
  }

  *release(k: Kernel): Generator<Block, void, unknown> {
    yield* fsc(this.stub(k).close());
  }

  /**
   * Another end like this one for domain `owner` (fork: the child's own end of the same
   * description): it counts as one more reader or writer until the child releases it, so a
   * reader sees end of file only when every process closed its write end.
   */
  *share(k: Kernel, owner: number): Generator<Block, PipeEnd, unknown> {
    const h = yield* fsc(this.stub(k).grant(owner));
    return new PipeEnd(h, this.ino, this.rd, this.wr, this.mode, this.owner);
  }
}

/** Store `data` at sink offset `off`; a guest page being read in is waited for and the copy made again (the bytes are consumed). */
function* deliver(sink: Sink, off: number, data: Uint8Array): Generator<Block, number, unknown> {
  if (data.length === 0) return 0;
  for (;;) {
    try {
      const n = sink(off, data);
      if (n === 0 && off === 0) throw new SysError(E.EFAULT);
      return n;
    } catch (e) {
      if (!(e instanceof PageWait)) throw e;
      yield pageWait(e.obj);
    }
  }
}

/** The pipe server's root, or ENOSYS (a runner without one). */
function pipeRoot(v: Vfs): Handle {
  const h = v.pipeServer;
  if (h === undefined) throw new SysError(E.ENOSYS, "no pipe server in this run");
  return h;
}

/** pipe2's work: a new pipe's read and write open files (flags: O_NONBLOCK and O_DIRECT kept on both). */
export function* makePipe(k: Kernel, v: Vfs, flags: number, owner: PipeOwner): Generator<Block, [OpenFile, OpenFile], unknown> {
  const p = (yield* fsc(k.ppc.stub(PipeIface, pipeRoot(v)).create())) as unknown as PipePair;
  const keep = flags & (O.NONBLOCK | O.DIRECT);
  const r = v.newFile("pipe", O.RDONLY | keep, undefined, undefined, undefined, new PipeEnd(p.read, p.ino, p.rd, p.wr, EndMode.Read, owner));
  const w = v.newFile("pipe", O.WRONLY | keep, undefined, undefined, undefined, new PipeEnd(p.write, p.ino, p.rd, p.wr, EndMode.Write, owner));
  return [r, w];
}

/**
 * Open the FIFO `found` (Linux's may_open for a FIFO, then fifo_open): permission for the access
 * mode, then an end of the FIFO's pipe. A blocking reader waits for a writer and a blocking
 * writer for a reader (any that came and went will do); a non-blocking writer without a reader
 * is ENXIO; O_RDWR never waits. `keep` is what F_GETFL will show.
 */
export function* openFifo(k: Kernel, v: Vfs, cred: Cred, found: Found, flags: number, keep: number): Generator<Block, OpenFile, unknown> {
  const acc = flags & O.ACCMODE;
  const need = acc === O.RDONLY ? MAY_READ : acc === O.WRONLY ? MAY_WRITE : MAY_READ | MAY_WRITE;
  if (!permits(found.attr, cred, need)) throw new SysError(E.EACCES);
  if (acc === 3) throw new SysError(E.EINVAL); // neither read nor write: fifo_open refuses it
  const mode = acc === O.RDONLY ? EndMode.Read : acc === O.WRONLY ? EndMode.Write : EndMode.Both;
  const key = `${found.node.mnt.root.server}:${found.node.ino}`;
  const nonblock = (flags & O.NONBLOCK) !== 0;
  const r = (yield* fsc(k.ppc.stub(PipeIface, pipeRoot(v)).openFifo(key, mode, nonblock))) as unknown as FifoEnd;
  const end = new PipeEnd(r.end, found.node.ino, r.rd, r.wr, mode, undefined);
  if (r.partner !== undefined) {
    const counter = r.partner;
    const s = end.stub(k);
    let ok = false;
    try {
      yield* untilReady(k, v.wait, [r.rd], `FIFO ${key} ${mode === EndMode.Read ? "writer" : "reader"}`, function* () {
        return (yield* fsc(s.partner(counter))) ? true : undefined;
      });
      ok = true;
    } finally {
      if (!ok) yield* end.release(k);
    }
  }
  return v.newFile("pipe", keep, found.node, undefined, undefined, end);
}

const F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;

/** F_GETPIPE_SZ and F_SETPIPE_SZ(arg) on `f`: EBADF unless it is a pipe. */
export function* pipeFcntl(k: Kernel, f: OpenFile, cmd: number, arg: number, privileged: boolean): Generator<Block, number, unknown> {
  const end = f.obj;
  if (!(end instanceof PipeEnd)) return -E.EBADF;
  if (cmd === F_GETPIPE_SZ) return (yield* end.info(k)).size;
  if (cmd !== F_SETPIPE_SZ) return -E.EINVAL;
  return yield* fsc(end.stub(k).setSize(arg >>> 0, privileged));
}
