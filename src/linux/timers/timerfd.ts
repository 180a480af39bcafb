// Timer descriptors (fs/timerfd.c): timerfd_create, timerfd_settime, timerfd_gettime and ppc32's
// *_time64 forms. The object counts expirations; a read of 8 bytes or more takes the count as
// a u64 in the process's byte order (waiting while it is 0, unless O_NONBLOCK: EAGAIN), and a
// smaller read is EINVAL. poll: IN while the count is not 0.
//
// As Linux, a periodic timer is not run again after it fires until someone looks (a read or
// timerfd_gettime): the look moves the expiry past now and counts the periods it skipped. The
// expiry is kept by a kernel thread of the creating processor that sleeps until it and then
// notifies the object's wait channel (poll, select, blocked reads subscribe to it).
//
// A forked child shares the open file description, so it shares this object (processes of a
// run all live on one processor for now); the object goes with its last description.

import type { Kernel } from "../../kernel/kernel.js";
import type { Block, Thread } from "../../kernel/sched/thread.js";
import type { Attr } from "../../servers/fs/iface.js";
import { E } from "../errno.js";
import type { GuestTime } from "../process/guest-time.js";
import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { SysError } from "../sys/guest-mem.js";
import { CLOCK, putTimespec, readTimespec, timespecAbi, validTimespec, type TimespecAbi } from "../sys/time.js";
import { argInt, argPtr } from "../sys/user.js";
import { untilReady } from "../sys/wait.js";
import { Cap } from "../task/credentials.js";
import { ANON_DEV, ANON_INO } from "../vfs/eventfd.js";
import type { FileObject, Readiness } from "../vfs/file-object.js";
import type { Sink } from "../vfs/io.js";
import { O, type OpenFile } from "../vfs/open-file.js";
import { POLL } from "../vfs/ready.js";
import type { Vfs } from "../vfs/vfs.js";

const TFD_TIMER_ABSTIME = 1, TFD_TIMER_CANCEL_ON_SET = 2;

export class TimerFd implements FileObject {
  readonly kind = "timerfd";
  readonly dev = ANON_DEV;
  readonly ino = ANON_INO;
  private readonly channel: number;
  /** Descriptions sharing the object (fork). */
  private refs = 1;
  /** The next expiry on the clock's time line, undefined when disarmed. */
  private expiry: bigint | undefined;
  private interval = 0n;
  /** Expirations not yet read. */
  private ticks = 0n;
  /** Fired and not yet looked at (a periodic timer waits for the look to run again). */
  private expired = false;
  private runner: Thread | undefined;
  private stopped = false;

  constructor(private readonly k: Kernel, private readonly time: GuestTime, readonly realtime: boolean, private readonly le: boolean) {
    this.channel = k.waits.create();
  }

  private now(): bigint {
    return this.realtime ? this.time.realtimeNs() : this.time.monotonicNs();
  }

  /** An expiry the clock has passed counts now, before its kernel thread runs (hrtimer_start of a past time fires at once). */
  private due(): void {
    if (this.expiry !== undefined && !this.expired && this.now() >= this.expiry) this.trigger();
  }

  /** timerfd_triggered: one more expiration; a one-shot timer is over. */
  private trigger(): void {
    this.ticks++;
    this.expired = true;
    if (this.interval === 0n) this.expiry = undefined;
    this.k.waits.notify(this.channel);
  }

  /** The look at a fired periodic timer: count the periods it skipped, and run it again (timerfd_read's forward). */
  private catchUp(): void {
    this.due();
    if (!this.expired || this.interval === 0n || this.expiry === undefined) return;
    this.expired = false;
    const now = this.now();
    if (now >= this.expiry) {
      const n = (now - this.expiry) / this.interval + 1n;
      this.expiry += n * this.interval;
      this.ticks += n - 1n;
    }
    this.wakeRunner();
  }

  private wakeRunner(): void {
    if (this.runner === undefined) this.runner = this.k.sched.spawn("timerfd", this.run(), undefined, { daemon: true });
    else this.k.sched.wake(this.runner);
  }

  private *run(): Generator<Block, void, unknown> {
    while (!this.stopped) {
      if (this.expiry === undefined || this.expired) {
        yield { kind: "event", what: "a timerfd to be armed or read" };
        continue;
      }
      const now = this.now();
      if (now < this.expiry) {
        const left = this.expiry - now;
        yield { kind: "sleep", until: Number(this.time.monotonicNs() + (left > 10n ** 17n ? 10n ** 17n : left)) };
        continue;
      }
      this.trigger();
    }
  }

  /** timerfd_settime: the old setting, then the new one armed (the count starts again). */
  set(value: bigint, interval: bigint, abs: boolean): { value: bigint; interval: bigint } {
    const old = this.get();
    this.ticks = 0n;
    this.expired = false;
    this.interval = interval;
    this.expiry = value === 0n ? undefined : abs ? value : this.now() + value;
    if (value === 0n) this.interval = 0n;
    this.due();
    this.wakeRunner();
    return old;
  }

  /** timerfd_gettime: the time to the next expiry (0 when disarmed or over) and the period. */
  get(): { value: bigint; interval: bigint } {
    this.catchUp();
    if (this.expiry === undefined) return { value: 0n, interval: this.interval };
    const left = this.expiry - this.now();
    return { value: left > 0n ? left : 0n, interval: this.interval };
  }

  *read(k: Kernel, v: Vfs, f: OpenFile, len: number, sink: Sink): Generator<Block, number, unknown> {
    if (len < 8) throw new SysError(E.EINVAL);
    const got = yield* untilReady(k, v.wait, [this.channel], "timerfd expirations", function* (this: TimerFd) {
      this.catchUp();
      if (this.ticks === 0n) {
        if (f.nonblock) throw new SysError(E.EAGAIN);
        return undefined;
      }
      const n = this.ticks;
      this.ticks = 0n;
      return n;
    }.bind(this));
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, got, this.le);
    if (sink(0, b) < 8) throw new SysError(E.EFAULT);
    return 8;
  }

  // eslint-disable-next-line require-yield
  *write(): Generator<Block, number, unknown> {
    throw new SysError(E.EINVAL); // a timerfd has no write
  }

  *poll(): Generator<Block, Readiness, unknown> {
    this.due();
    return { mask: this.ticks > 0n ? POLL.IN : 0, channels: [this.channel] };
  }

  *attr(): Generator<Block, Attr, unknown> {
    const t: [number, number] = [0, 0];
    return { ino: ANON_INO, mode: 0o600, nlink: 1, uid: 0, gid: 0, size: 0, blocks: 0, blksize: 4096, rdev: 0, atime: t, mtime: t, ctime: t, btime: t };
  }

  link(): string {
    return "anon_inode:[timerfd]";
  }

  *available(): Generator<Block, number | undefined, unknown> {
    return undefined;
  }

  *share(): Generator<Block, TimerFd, unknown> {
    this.refs++;
    return this;
  }

  *release(k: Kernel): Generator<Block, void, unknown> {
    if (--this.refs > 0) return;
    this.stopped = true;
    if (this.runner !== undefined) this.k.sched.wake(this.runner);
    k.waits.destroy(this.channel);
  }
}

/** timerfd_create(clockid, flags). */
function* timerfdCreate(ctx: SysContext): Pending {
  const clock = argInt(ctx, 0), flags = argInt(ctx, 1);
  if ((flags & ~(O.CLOEXEC | O.NONBLOCK)) !== 0) return -E.EINVAL;
  let realtime: boolean;
  switch (clock) {
    case CLOCK.REALTIME: realtime = true; break;
    case CLOCK.MONOTONIC: case CLOCK.BOOTTIME: realtime = false; break;
    case CLOCK.REALTIME_ALARM: case CLOCK.BOOTTIME_ALARM:
      if (!ctx.task.creds.capable(Cap.WAKE_ALARM)) return -E.EPERM;
      realtime = clock === CLOCK.REALTIME_ALARM;
      break;
    default:
      return -E.EINVAL;
  }
  const v = ctx.vfs;
  const obj = new TimerFd(ctx.k, ctx.time, realtime, ctx.image.le);
  const f = v.newFile("timerfd", O.RDWR | (flags & O.NONBLOCK), undefined, undefined, undefined, obj);
  const fd = v.fds.alloc(f, (flags & O.CLOEXEC) !== 0);
  if (fd < 0) yield* v.release(ctx.k, f);
  return fd;
}

/** The timerfd behind descriptor `fd`: EBADF for no descriptor, EINVAL for another kind of file. */
function timerfdOf(ctx: SysContext, fd: number): TimerFd {
  const e = ctx.vfs.fds.get(fd);
  if (e === undefined) throw new SysError(E.EBADF);
  if (!(e.file.obj instanceof TimerFd)) throw new SysError(E.EINVAL);
  return e.file.obj;
}

const itsSize = (abi: TimespecAbi): number => (abi === "old32" ? 8 : 16);

/** timerfd_settime(fd, flags, new, old). */
const timerfdSettime = (abi?: TimespecAbi): Handler => (ctx) => {
  const a = abi ?? timespecAbi(ctx);
  const fd = argInt(ctx, 0), flags = argInt(ctx, 1), np = argPtr(ctx, 2), op = argPtr(ctx, 3);
  const interval = validTimespec(readTimespec(ctx, np, a)), value = validTimespec(readTimespec(ctx, np + itsSize(a), a));
  if ((flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) !== 0) return -E.EINVAL;
  if (interval === undefined || value === undefined) return -E.EINVAL;
  const t = timerfdOf(ctx, fd);
  // TFD_TIMER_CANCEL_ON_SET is accepted; the guest's clock is stepped only by the guest itself, and
  // a step does not cancel the timer yet (Linux would make the next read ECANCELED).
  const old = t.set(value, interval, (flags & TFD_TIMER_ABSTIME) !== 0);
  if (op !== 0) {
    putTimespec(ctx, op, old.interval, a);
    putTimespec(ctx, op + itsSize(a), old.value, a);
  }
  return 0;
};

/** timerfd_gettime(fd, curr). */
const timerfdGettime = (abi?: TimespecAbi): Handler => (ctx) => {
  const a = abi ?? timespecAbi(ctx);
  const t = timerfdOf(ctx, argInt(ctx, 0));
  const cur = t.get(), p = argPtr(ctx, 1);
  putTimespec(ctx, p, cur.interval, a);
  putTimespec(ctx, p + itsSize(a), cur.value, a);
  return 0;
};

export const TIMERFD_CALLS: Record<string, Handler> = {
  timerfd_create: timerfdCreate,
  timerfd_settime: timerfdSettime(),
  timerfd_gettime: timerfdGettime(),
  timerfd_settime64: timerfdSettime("time64"),
  timerfd_gettime64: timerfdGettime("time64"),
};
