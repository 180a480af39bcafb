// Process descriptors (kernel/pid.c, kernel/signal.c): pidfd_open gives a descriptor that names
// one process — not its number, which may later be another's — and pidfd_send_signal signals
// through it; waitid(P_PIDFD) waits for it (process/sys-proc.ts asks `pidfdTarget`). The
// descriptor polls readable once the process has exited (a zombie or reaped: Linux's
// thread_group_exited), through a wait channel the process notifies at its end.
//
// pidfd_open(pid, flags): flags PIDFD_NONBLOCK (O_NONBLOCK) only (EINVAL); pid <= 0 EINVAL; no such
// process ESRCH; a thread that does not lead its process ENOENT (as Linux 6.18 answers; older
// kernels EINVAL; PIDFD_THREAD is not built). The
// descriptor is always close-on-exec (anon_inode:[pidfd]); read and write are EINVAL.
// pidfd_send_signal(pidfd, sig, info, flags): flags 0 or PIDFD_SIGNAL_THREAD_GROUP (the same);
// the thread and process-group scopes are EINVAL, logged. A descriptor that is not a pidfd is
// EBADF; with `info`, its si_signo must be `sig` (EINVAL) and only a process's own leader thread
// may give si_code >= 0 or SI_TKILL (EPERM); without, kill's siginfo. Then kill's rules: ESRCH
// once reaped, EINVAL for a bad signal, the credential check (EPERM).

import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { Attr } from "../../servers/fs/iface.js";
import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { guestMem } from "../process/syscalls.js";
import type { LinuxProcess } from "../process/lprocess.js";
import { mayKill } from "../process/sys-proc.js";
import { E } from "../errno.js";
import { readGuest, Struct, SysError } from "../sys/guest-mem.js";
import { argInt, argPtr } from "../sys/user.js";
import { fsc } from "../vfs/fs-call.js";
import { ANON_DEV, ANON_INO } from "../vfs/eventfd.js";
import type { FileObject, Readiness } from "../vfs/file-object.js";
import { O } from "../vfs/open-file.js";
import { POLL } from "../vfs/ready.js";
import { NSIG } from "./numbers.js";
import { SI, SIGINFO_SIZE, fromProcess, parseSiginfo } from "./siginfo.js";

const PIDFD_NONBLOCK = O.NONBLOCK;
const PIDFD_SIGNAL_THREAD = 1, PIDFD_SIGNAL_THREAD_GROUP = 2, PIDFD_SIGNAL_PROCESS_GROUP = 4;

/** The open file of a process descriptor: the process it names, and its own wait channel. */
export class PidFd implements FileObject {
  readonly kind = "pidfd";
  readonly dev = ANON_DEV;
  readonly ino = ANON_INO;

  private constructor(
    readonly pid: number,
    /** The process (kept after it ends: the descriptor still names it); undefined: opened on a zombie. */
    readonly proc: LinuxProcess | undefined,
    /** Notified when the process exits (registered in the process's exitWatch). */
    readonly channel: number,
  ) {}

  /** A descriptor's object for process `pid` (`p`: alive when opened; undefined: a zombie), watching its exit. */
  static watch(k: Kernel, pid: number, p: LinuxProcess | undefined): PidFd {
    const ch = k.waits.create();
    p?.exitWatch.add(ch);
    return new PidFd(pid, p, ch);
  }

  /** The process has exited (thread_group_exited). */
  get exited(): boolean {
    return this.proc === undefined || this.proc.ended;
  }

  *read(): Generator<Block, number, unknown> {
    throw new SysError(E.EINVAL);
  }

  *write(): Generator<Block, number, unknown> {
    throw new SysError(E.EINVAL);
  }

  /** pidfd_poll: readable once the process has exited. */
  *poll(): Generator<Block, Readiness, unknown> {
    return { mask: this.exited ? POLL.IN | POLL.RDNORM : 0, channels: [this.channel] };
  }

  *attr(): Generator<Block, Attr, unknown> {
    const t: [number, number] = [0, 0];
    return { ino: ANON_INO, mode: 0o600, nlink: 1, uid: 0, gid: 0, size: 0, blocks: 0, blksize: 4096, rdev: 0, atime: t, mtime: t, ctime: t, btime: t };
  }

  link(): string {
    return "anon_inode:[pidfd]";
  }

  *available(): Generator<Block, number | undefined, unknown> {
    return undefined;
  }

  *release(k: Kernel): Generator<Block, void, unknown> {
    this.proc?.exitWatch.delete(this.channel);
    k.waits.destroy(this.channel);
  }

  *share(k: Kernel): Generator<Block, PidFd, unknown> {
    return PidFd.watch(k, this.pid, this.proc);
  }
}

/** A PPC to ProcessLinux: its answer, or the errno it refused with (negated). */
function* ask<T>(call: Generator<Block, unknown, unknown>): Generator<Block, T | number, unknown> {
  try {
    return (yield* fsc(call)) as T;
  } catch (e) {
    if (e instanceof SysError) return -e.errno;
    throw e;
  }
}

/** pidfd_open(pid, flags). */
const pidfdOpen: Handler = (ctx) => {
  const pid = argInt(ctx, 0), flags = argInt(ctx, 1) >>> 0;
  if ((flags & ~PIDFD_NONBLOCK) !== 0) return -E.EINVAL;
  if (pid <= 0) return -E.EINVAL;
  return (function* (): Pending {
    const sys = ctx.thread.proc.sys;
    const group = yield* ask<number>(sys.pids.groupOf(pid));
    if (group < 0) return group;
    if (group !== pid) return -E.ENOENT; // a thread that is not its process's leader (Linux 6.18; EINVAL before)
    // A zombie has left the personality's table (the pid server still has it): its descriptor says "exited".
    const p = sys.procs.get(pid);
    const v = ctx.vfs;
    const f = v.newFile("pidfd", O.RDWR | (flags & PIDFD_NONBLOCK), undefined, undefined, undefined, PidFd.watch(ctx.k, pid, p));
    const fd = v.fds.alloc(f, true);
    if (fd < 0) yield* v.release(ctx.k, f);
    return fd;
  })();
};

/** The process descriptor `fd` names and whether it is O_NONBLOCK: EBADF when not a pidfd. */
export function pidfdTarget(ctx: SysContext, fd: number): { readonly pidfd: PidFd; readonly nonblock: boolean } {
  const f = ctx.vfs.file(fd);
  if (!(f.obj instanceof PidFd)) throw new SysError(E.EBADF);
  return { pidfd: f.obj, nonblock: f.nonblock };
}

/** pidfd_send_signal(pidfd, sig, info, flags). */
const pidfdSendSignal: Handler = (ctx) => {
  const fd = argInt(ctx, 0), sig = argInt(ctx, 1), infop = argPtr(ctx, 2), flags = argInt(ctx, 3) >>> 0;
  if ((flags & ~(PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP | PIDFD_SIGNAL_PROCESS_GROUP)) !== 0) return -E.EINVAL;
  if ((flags & (flags - 1)) !== 0) return -E.EINVAL; // one scope at most
  const { pidfd } = pidfdTarget(ctx, fd);
  const p = pidfd.proc;
  if ((flags & (PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_PROCESS_GROUP)) !== 0) {
    ctx.log("pidfd_send_signal: PIDFD_SIGNAL_THREAD and PIDFD_SIGNAL_PROCESS_GROUP are not built: EINVAL");
    return -E.EINVAL;
  }
  let info = fromProcess(sig, SI.USER, ctx.thread.proc.pid, ctx.task.creds.uid);
  if (infop !== 0) {
    const raw = readGuest(guestMem(ctx), infop, SIGINFO_SIZE);
    if (new Struct(raw, ctx.image.le).getI32(0) !== sig) return -E.EINVAL;
    info = parseSiginfo(raw, sig, ctx.image.is64, ctx.image.le);
    // Only to oneself (the caller is the process's leader thread) may a caller give the kernel's or kill's codes.
    const self = ctx.thread.proc === p && ctx.thread.tid === pidfd.pid;
    if (!self && (info.code >= 0 || info.code === SI.TKILL)) return -E.EPERM;
  }
  return (function* (): Pending {
    const sys = ctx.thread.proc.sys;
    if (p === undefined || p.ended) {
      // A zombie takes the signal and nothing happens; once reaped, it is gone.
      const group = yield* ask<number>(sys.pids.groupOf(pidfd.pid));
      if (group < 0) return -E.ESRCH;
      return sig < 0 || sig > NSIG ? -E.EINVAL : 0;
    }
    if (sig < 0 || sig > NSIG) return -E.EINVAL;
    if (info.code <= 0 && !mayKill(ctx, p)) return -E.EPERM;
    if (sig === 0) return 0;
    return sys.signal(p, sig, info) === "overflow" ? -E.EAGAIN : 0;
  })();
};

export const PIDFD_CALLS: Record<string, Handler> = {
  pidfd_open: pidfdOpen,
  pidfd_send_signal: pidfdSendSignal,
};

export const PIDFD_PARTIAL: Readonly<Record<string, string>> = {
  pidfd_open: "PIDFD_THREAD EINVAL; poll never adds EPOLLHUP once the process is reaped",
  pidfd_send_signal: "PIDFD_SIGNAL_THREAD and PIDFD_SIGNAL_PROCESS_GROUP EINVAL",
};
