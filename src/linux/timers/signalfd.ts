// Signal descriptors (fs/signalfd.c): signalfd and signalfd4. A read takes pending signals of
// the descriptor's mask — the reading thread's own first, then its process's (dequeue_signal,
// synchronous faults first, then the lowest number) — and hands each as a 128-byte struct
// signalfd_siginfo in the reader's byte order; at least one (waiting for it unless O_NONBLOCK:
// EAGAIN), then as many more as are pending and fit. A buffer smaller than one record is EINVAL.
// The signals must be blocked to stay pending for the descriptor (else they are delivered as
// usual first), as on Linux. poll: IN while a signal of the mask is pending for the polling
// thread or its process.
//
// A blocked read or a poll waits on the process's signalfd channel (SignalState.signalfd),
// which every send to the process or its threads notifies (send.ts). The mask lives in the
// object; a forked child shares it, and reads and polls there look at the child's own signals
// (Linux's `current`).

import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { Attr } from "../../servers/fs/iface.js";
import { E } from "../errno.js";
import type { LinuxProcess, LinuxThread } from "../process/lprocess.js";
import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import type { LinuxSystem } from "../process/system.js";
import { UNBLOCKABLE } from "../signals/numbers.js";
import { layoutOf, type SigInfo } from "../signals/siginfo.js";
import { Struct, SysError } from "../sys/guest-mem.js";
import { argInt, argPtr, getSigset, readStruct } from "../sys/user.js";
import { untilReady } from "../sys/wait.js";
import { ANON_DEV, ANON_INO } from "../vfs/eventfd.js";
import type { FileObject, Readiness } from "../vfs/file-object.js";
import type { Sink } from "../vfs/io.js";
import { O, type OpenFile } from "../vfs/open-file.js";
import { POLL } from "../vfs/ready.js";
import type { Vfs } from "../vfs/vfs.js";

/** sizeof(struct signalfd_siginfo). */
export const SIGNALFD_SIZE = 128;
const SIGSET_SIZE = 8;

/** The process's signalfd wait channel, made at its first use. */
function channelOf(p: LinuxProcess): number {
  const s = p.task.signals;
  if (s.signalfd === undefined) {
    const k = p.sys.k, channel = k.waits.create();
    s.signalfd = { channel, notify: () => k.waits.notify(channel) };
  }
  return s.signalfd.channel;
}

/** struct signalfd_siginfo of `info`, as signalfd_copyinfo fills it for a reader of this ABI. */
export function signalfdBytes(info: SigInfo, is64: boolean, le: boolean): Uint8Array {
  const s = new Struct(SIGNALFD_SIZE, le);
  s.u32(0, info.signo).i32(4, info.errno).i32(8, info.code);
  /** (long) of a pointer-sized value, widened to the u64 field (sign-extended on ppc32). */
  const long = (v: bigint): bigint => (is64 ? BigInt.asUintN(64, v) : BigInt.asUintN(64, BigInt.asIntN(32, v)));
  const value = info.value ?? 0n;
  // si_int: the int at the start of the sigval union (the high half of a big-endian 64-bit word).
  const sivalInt = Number(BigInt.asIntN(32, is64 && !le ? value >> 32n : value));
  switch (layoutOf(info.signo, info.code)) {
    case "kill":
      s.u32(12, info.pid ?? 0).u32(16, info.uid ?? 0);
      break;
    case "timer":
      s.u32(24, info.tid ?? 0).u32(32, info.overrun ?? 0).i32(44, sivalInt).u64(48, long(value));
      break;
    case "poll":
      s.u32(28, info.band ?? 0).i32(20, info.fd ?? 0);
      break;
    case "fault":
      s.u64(72, long(BigInt(info.addr ?? 0)));
      break;
    case "chld":
      s.u32(12, info.pid ?? 0).u32(16, info.uid ?? 0).i32(40, info.status ?? 0);
      s.u64(56, long(BigInt(info.utime ?? 0))).u64(64, long(BigInt(info.stime ?? 0)));
      break;
    case "rt":
      s.u32(12, info.pid ?? 0).u32(16, info.uid ?? 0).i32(44, sivalInt).u64(48, long(value));
      break;
    case "sys":
      s.u64(88, long(BigInt(info.addr ?? 0))).i32(84, info.syscall ?? 0).u32(96, info.arch ?? 0);
      break;
  }
  return s.b;
}

export class SignalFd implements FileObject {
  readonly kind = "signalfd";
  readonly dev = ANON_DEV;
  readonly ino = ANON_INO;
  private refs = 1;

  constructor(private readonly sys: LinuxSystem, public mask: bigint, private readonly creator: LinuxProcess) {}

  /** The thread making the call now (`current`), or the creator's first thread outside a call. */
  private reader(): LinuxThread | undefined {
    return this.sys.current() ?? this.creator.leader() ?? [...this.creator.threads.values()][0];
  }

  /** Take the first pending signal of the mask: the thread's own, then the process's. */
  private take(t: LinuxThread): SigInfo | undefined {
    for (const from of [t.sig.pending, t.proc.task.signals.shared]) {
      const sig = from.next(~this.mask);
      if (sig !== 0) return from.take(sig);
    }
    return undefined;
  }

  *read(k: Kernel, v: Vfs, f: OpenFile, len: number, sink: Sink): Generator<Block, number, unknown> {
    const count = Math.floor(len / SIGNALFD_SIZE);
    if (count === 0) throw new SysError(E.EINVAL);
    const t = this.reader();
    if (t === undefined) throw new SysError(E.EAGAIN);
    const first = yield* untilReady(k, v.wait, [channelOf(t.proc)], "a signal for signalfd", function* (this: SignalFd) {
      const info = this.take(t);
      if (info === undefined && f.nonblock) throw new SysError(E.EAGAIN);
      return info;
    }.bind(this));
    const is64 = t.proc.image.is64, le = t.proc.image.le;
    let done = 0;
    for (let info: SigInfo | undefined = first; info !== undefined; info = done < count ? this.take(t) : undefined) {
      // A record that cannot be copied: EFAULT if it was the first, else what was read so far (the signal is lost, as on Linux).
      if (sink(done * SIGNALFD_SIZE, signalfdBytes(info, is64, le)) < SIGNALFD_SIZE) {
        if (done === 0) throw new SysError(E.EFAULT);
        break;
      }
      done++;
    }
    return done * SIGNALFD_SIZE;
  }

  // eslint-disable-next-line require-yield
  *write(): Generator<Block, number, unknown> {
    throw new SysError(E.EINVAL); // a signalfd has no write
  }

  *poll(): Generator<Block, Readiness, unknown> {
    const t = this.reader();
    if (t === undefined) return { mask: 0, channels: [] };
    const pending = (t.sig.pending.set | t.proc.task.signals.shared.set) & this.mask;
    return { mask: pending !== 0n ? POLL.IN : 0, channels: [channelOf(t.proc)] };
  }

  *attr(): Generator<Block, Attr, unknown> {
    const z: [number, number] = [0, 0];
    return { ino: ANON_INO, mode: 0o600, nlink: 1, uid: 0, gid: 0, size: 0, blocks: 0, blksize: 4096, rdev: 0, atime: z, mtime: z, ctime: z, btime: z };
  }

  link(): string {
    return "anon_inode:[signalfd]";
  }

  *available(): Generator<Block, number | undefined, unknown> {
    return undefined;
  }

  *share(): Generator<Block, SignalFd, unknown> {
    this.refs++;
    return this;
  }

  *release(): Generator<Block, void, unknown> {
    this.refs--;
  }
}

/** signalfd4(fd, mask, sizemask, flags): a new descriptor (fd -1) or a new mask for an existing one. */
function* doSignalfd(ctx: SysContext, flags: number): Pending {
  const fd = argInt(ctx, 0), maskp = argPtr(ctx, 1);
  if ((flags & ~(O.CLOEXEC | O.NONBLOCK)) !== 0) return -E.EINVAL;
  if (argPtr(ctx, 2) !== SIGSET_SIZE) return -E.EINVAL;
  const mask = getSigset(readStruct(ctx, maskp, SIGSET_SIZE), 0, ctx.image.is64) & ~UNBLOCKABLE;
  const v = ctx.vfs, p = ctx.thread.proc;
  if (fd !== -1) {
    const e = v.fds.get(fd);
    if (e === undefined) return -E.EBADF;
    if (!(e.file.obj instanceof SignalFd)) return -E.EINVAL;
    e.file.obj.mask = mask;
    p.task.signals.signalfd?.notify(); // pollers look again with the new mask
    return fd;
  }
  const obj = new SignalFd(p.sys, mask, p);
  const f = v.newFile("signalfd", O.RDWR | (flags & O.NONBLOCK), undefined, undefined, undefined, obj);
  const n = v.fds.alloc(f, (flags & O.CLOEXEC) !== 0);
  if (n < 0) yield* v.release(ctx.k, f);
  return n;
}

export const SIGNALFD_CALLS: Record<string, Handler> = {
  signalfd: (ctx) => doSignalfd(ctx, 0),
  signalfd4: (ctx) => doSignalfd(ctx, argInt(ctx, 3)),
};
