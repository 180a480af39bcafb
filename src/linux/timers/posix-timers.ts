// POSIX timers (kernel/time/posix-timers.c, posix-cpu-timers.c): timer_create, timer_settime,
// timer_gettime, timer_getoverrun, timer_delete, and ppc32's *_time64 forms.
//
// A timer on a clock (REALTIME, MONOTONIC, BOOTTIME, TAI and the alarm clocks) has a kernel
// thread of the process's home processor that sleeps until the expiry (as ITIMER_REAL's does,
// signals/itimers.ts) and then queues the timer's one siginfo (SI_TIMER, si_timerid,
// si_overrun, si_value) to the process, or with SIGEV_THREAD_ID to one thread. A timer on a
// CPU-time clock is checked each time a thread of its process returns to user mode (as the
// CPU itimers are). SIGEV_NONE timers never fire: timer_gettime alone says where they are.
//
// Overruns as Linux counts them: a periodic timer whose signal is queued does not run again
// until the signal is taken (by a handler, sigwaitinfo, signalfd); taking it moves the expiry
// past now, and the periods skipped are the signal's si_overrun and what timer_getoverrun
// answers afterwards (posixtimer_rearm). SigPending calls back here through the siginfo's
// `taken` hook.

import type { Block, Thread } from "../../kernel/sched/thread.js";
import { E } from "../errno.js";
import type { LinuxProcess } from "../process/lprocess.js";
import type { Handler, SysContext } from "../process/syscalls.js";
import { sendSigqueue, type Scope } from "../signals/send.js";
import { SI, type SigInfo } from "../signals/siginfo.js";
import { Cap } from "../task/credentials.js";
import { CLOCK, NS, putTimespec, readTimespec, timespecAbi, validTimespec, type TimespecAbi } from "../sys/time.js";
import { argInt, argPtr, putI32, readStruct } from "../sys/user.js";
import { NSIG } from "../task/signal-state.js";
import { cpuClock, sampleCpu } from "./cpu-clocks.js";
import { SIGEV_NONE, SIGEV_SIGNAL, SIGEV_THREAD, SIGEV_THREAD_ID, type PosixTimer, type PosixTimerTable, type TimeLine } from "./timer-table.js";

const SIGALRM = 14;
const TIMER_ABSTIME = 1;
const INT_MAX = 0x7fffffff;
/** sizeof(sigevent_t), as the kernel copies it (64 bytes on every ABI). */
const SIGEVENT_SIZE = 64;

const tableOf = (p: LinuxProcess): PosixTimerTable => p.task.signals.itimers.posix;

/** The time line of clock `id` for a timer, an errno, or undefined for no such clock. */
function lineOf(ctx: SysContext, id: number): TimeLine | number | undefined {
  switch (id) {
    case CLOCK.REALTIME: return "real";
    case CLOCK.TAI: return "tai";
    case CLOCK.MONOTONIC: case CLOCK.BOOTTIME: return "mono";
    case CLOCK.REALTIME_ALARM: return ctx.task.creds.capable(Cap.WAKE_ALARM) ? "real" : E.EPERM;
    case CLOCK.BOOTTIME_ALARM: return ctx.task.creds.capable(Cap.WAKE_ALARM) ? "mono" : E.EPERM;
    // These clocks exist but have no timers (no timer_create in their k_clock).
    case CLOCK.MONOTONIC_RAW: case CLOCK.REALTIME_COARSE: case CLOCK.MONOTONIC_COARSE: return E.EOPNOTSUPP;
    default:
      if (id === CLOCK.PROCESS_CPUTIME_ID || id === CLOCK.THREAD_CPUTIME_ID || id < 0) return (id & 3) === 3 && id < 0 ? undefined : "cpu";
      return undefined;
  }
}

/** The timer's clock now. */
function nowOf(p: LinuxProcess, t: PosixTimer): bigint {
  const time = p.sys.time;
  switch (t.line) {
    case "real": return time.realtimeNs();
    case "tai": return time.realtimeNs() + BigInt(time.ntp.tai) * NS;
    case "mono": return time.monotonicNs();
    case "cpu": return t.cpu === undefined ? 0n : sampleCpu(t.cpu);
  }
}

/** hrtimer_forward: move the expiry past `now` by whole periods; the periods moved. */
function forward(t: PosixTimer, now: bigint): number {
  if (t.expiry === undefined || t.interval === 0n || now < t.expiry) return 0;
  const n = (now - t.expiry) / t.interval + 1n;
  t.expiry += n * t.interval;
  return Number(n > BigInt(INT_MAX) ? BigInt(INT_MAX) : n);
}

const clampInt = (n: number): number => Math.min(n, INT_MAX);

/** The timer's signal was taken: rearm a periodic timer (posixtimer_rearm); the siginfo delivered. */
function taken(p: LinuxProcess, t: PosixTimer, gen: number, base: { extra: number }): SigInfo {
  let overrun = base.extra;
  if (t.queued === base) t.queued = undefined;
  if (!t.deleted && t.interval !== 0n && t.requeuePending && t.gen === gen) {
    t.overrun += forward(t, nowOf(p, t));
    t.requeuePending = false;
    t.overrunLast = t.overrun;
    t.overrun = -1;
    overrun = clampInt(t.overrunLast + base.extra);
    t.runner?.wake();
  }
  return { signo: t.signo, errno: 0, code: SI.TIMER, tid: t.id, overrun, value: t.value };
}

/**
 * posix_timer_event: queue the timer's signal. True if it was queued (or was queued already:
 * then it counts one more overrun), false if the receiver ignores it or the thread is gone.
 */
function sendTimerSignal(p: LinuxProcess, t: PosixTimer): boolean {
  if (t.queued !== undefined) {
    t.queued.extra++;
    return true;
  }
  const thread = t.notify === SIGEV_THREAD_ID ? t.target : p.leader() ?? [...p.threads.values()][0];
  if (thread === undefined || p.ended || !p.threads.has(thread.tid)) return false;
  const base = { extra: 0 }, gen = t.gen;
  let done: SigInfo | undefined;
  const info: SigInfo = {
    signo: t.signo, errno: 0, code: SI.TIMER, tid: t.id, overrun: 0, value: t.value,
    taken: () => (done ??= taken(p, t, gen, base)),
  };
  const scope: Scope = t.notify === SIGEV_THREAD_ID ? "thread" : "process";
  if (!sendSigqueue(p.sys.receiver(p, thread), info, scope)) return false;
  t.queued = base;
  p.sys.settle(p);
  return true;
}

/** The timer reached its expiry (posix_timer_fn, cpu_timer_fire). */
function expire(p: LinuxProcess, t: PosixTimer): void {
  const sent = sendTimerSignal(p, t);
  if (t.interval === 0n) {
    t.expiry = undefined;
    tableOf(p).cpuArmed.delete(t);
    return;
  }
  // An ignored signal: the timer runs on by itself, counting the periods it skips.
  if (!sent) t.overrun += forward(t, nowOf(p, t));
  else t.requeuePending = true;
}

/** The kernel thread of a clock timer: sleep to the expiry, fire, wait while a requeue is pending. */
function startRunner(ctx: SysContext, p: LinuxProcess, t: PosixTimer): { wake(): void; stop(): void } {
  const sched = ctx.k.sched, time = p.sys.time;
  let done = false;
  const body = function* (): Generator<Block, void, unknown> {
    while (!done) {
      if (t.expiry === undefined || t.requeuePending) {
        yield { kind: "event", what: `POSIX timer ${t.id} of process ${p.pid} to be armed` };
        continue;
      }
      const now = nowOf(p, t);
      if (now < t.expiry) {
        // The expiry as a point of the machine's clock (a REALTIME one is recomputed after each wake).
        const left = t.expiry - now;
        yield { kind: "sleep", until: Number(time.monotonicNs() + (left > 10n ** 17n ? 10n ** 17n : left)) };
        continue;
      }
      expire(p, t);
    }
  };
  const thread: Thread = sched.spawn(`posix timer ${t.id}`, body(), undefined, { daemon: true });
  return {
    wake: () => sched.wake(thread),
    stop: () => {
      done = true;
      sched.wake(thread);
    },
  };
}

/** CPU-time timers that the clock has reached: fire them (run_posix_cpu_timers, at each return to user mode). */
export function checkPosixCpuTimers(ctx: SysContext): void {
  const table = ctx.task.signals.itimers.posix;
  if (table.cpuArmed.size === 0) return;
  const p = ctx.thread.proc;
  for (const t of [...table.cpuArmed]) {
    if (t.expiry === undefined || t.requeuePending || t.cpu === undefined) continue;
    if (t.cpu.thread !== undefined && t.cpu.thread !== ctx.thread) continue;
    if (sampleCpu(t.cpu) >= t.expiry) expire(p, t);
  }
}

function remove(p: LinuxProcess, t: PosixTimer): void {
  const table = tableOf(p);
  t.deleted = true;
  t.expiry = undefined;
  t.runner?.stop();
  t.runner = undefined;
  table.cpuArmed.delete(t);
  table.timers.delete(t.id);
}

/** execve and the process's end: every timer goes (exit_itimers). A signal already queued stays. */
export function deleteAllTimers(p: LinuxProcess): void {
  for (const t of [...tableOf(p).timers.values()]) remove(p, t);
}

/** The sigevent at `va`: value, signal, notification, thread id. */
function readSigevent(ctx: SysContext, va: number): { value: bigint; signo: number; notify: number; tid: number } {
  const s = readStruct(ctx, va, SIGEVENT_SIZE), is64 = ctx.image.is64;
  const w = is64 ? 8 : 4;
  const value = is64 ? s.dv.getBigUint64(0, s.le) : BigInt(s.getU32(0));
  return { value, signo: s.getI32(w), notify: s.getI32(w + 4), tid: s.getI32(w + 8) };
}

/** timer_create(clockid, sevp, timerid). */
const timerCreate: Handler = (ctx) => {
  const clockId = argInt(ctx, 0), sevp = argPtr(ctx, 1), idp = argPtr(ctx, 2);
  const ev = sevp === 0 ? undefined : readSigevent(ctx, sevp);
  const line = lineOf(ctx, clockId);
  if (line === undefined) return -E.EINVAL;
  if (line === E.EOPNOTSUPP) return -E.EOPNOTSUPP;
  const p = ctx.thread.proc, table = tableOf(p);
  const id = table.allocId(); // taken even when the rest fails, as Linux's counter is
  let notify = SIGEV_SIGNAL, signo = SIGALRM, target;
  // Without a sigevent: SIGALRM with the timer's id as sival_int (the first 4 bytes of the union).
  let value = ctx.image.is64 && !ctx.image.le ? BigInt(id) << 32n : BigInt(id);
  if (ev !== undefined) {
    // good_sigevent
    if (ev.notify === SIGEV_THREAD_ID) {
      target = p.sys.threadsByTid.get(ev.tid);
      if (target === undefined || target.proc !== p) return -E.EINVAL;
    } else if (ev.notify !== SIGEV_SIGNAL && ev.notify !== SIGEV_THREAD && ev.notify !== SIGEV_NONE) {
      return -E.EINVAL;
    }
    if (ev.notify !== SIGEV_NONE && (ev.signo <= 0 || ev.signo > NSIG)) return -E.EINVAL;
    notify = ev.notify;
    signo = ev.signo;
    value = ev.value;
  }
  putI32(ctx, idp, id);
  if (typeof line === "number") return -line; // the alarm clocks without CAP_WAKE_ALARM
  const cpu = line === "cpu" ? cpuClock(ctx, clockId) : undefined;
  if (line === "cpu" && cpu === undefined) return -E.EINVAL;
  table.timers.set(id, {
    id, clockId, line, cpu, notify, signo, value, target, expiry: undefined, interval: 0n,
    overrun: -1, overrunLast: 0, requeuePending: false, gen: 0, queued: undefined, runner: undefined, deleted: false,
  });
  return 0;
};

const timerOf = (ctx: SysContext, id: number): PosixTimer | undefined => tableOf(ctx.thread.proc).timers.get(id);

/** struct itimerspec: it_interval, then it_value. */
function readItimerspec(ctx: SysContext, va: number, abi: TimespecAbi): { interval: bigint | undefined; value: bigint | undefined } {
  const size = abi === "old32" ? 8 : 16;
  return { interval: validTimespec(readTimespec(ctx, va, abi)), value: validTimespec(readTimespec(ctx, va + size, abi)) };
}

function writeItimerspec(ctx: SysContext, va: number, abi: TimespecAbi, v: { interval: bigint; value: bigint }): void {
  const size = abi === "old32" ? 8 : 16;
  putTimespec(ctx, va, v.interval, abi);
  putTimespec(ctx, va + size, v.value, abi);
}

/** common_timer_get / posix_cpu_timer_get: the period, and the time to the next expiry. */
function current(p: LinuxProcess, t: PosixTimer): { interval: bigint; value: bigint } {
  const interval = t.interval;
  if (t.expiry === undefined) return { interval, value: 0n };
  const now = nowOf(p, t);
  const none = t.notify === SIGEV_NONE;
  // A periodic timer waiting for its signal to be taken, or one nobody is told of, runs on here.
  if (t.line !== "cpu" && interval !== 0n && (t.requeuePending || none)) t.overrun += forward(t, now);
  const left = t.expiry - now;
  if (left > 0n) return { interval, value: left };
  // Expired and not yet seen to: about to fire (a one-shot SIGEV_NONE timer is simply over).
  return { interval, value: none && t.line !== "cpu" ? 0n : 1n };
}

/** timer_settime(timerid, flags, new_value, old_value). */
const timerSettime = (abi?: TimespecAbi): Handler => (ctx) => {
  const a = abi ?? timespecAbi(ctx);
  const id = argInt(ctx, 0), flags = argInt(ctx, 1), np = argPtr(ctx, 2), op = argPtr(ctx, 3);
  if (np === 0) return -E.EINVAL;
  const want = readItimerspec(ctx, np, a);
  if (want.interval === undefined || want.value === undefined) return -E.EINVAL;
  const t = timerOf(ctx, id);
  if (t === undefined) return -E.EINVAL;
  const p = ctx.thread.proc;
  const old = current(p, t);
  // common_timer_set: the old expiry is cancelled, a queued signal no longer rearms the timer.
  t.requeuePending = false;
  t.gen++;
  t.overrunLast = 0;
  t.expiry = undefined;
  tableOf(p).cpuArmed.delete(t);
  if (want.value !== 0n) {
    t.interval = want.interval;
    const now = nowOf(p, t);
    t.expiry = (flags & TIMER_ABSTIME) !== 0 ? want.value : now + want.value;
    if (t.notify !== SIGEV_NONE) {
      if (t.line === "cpu") {
        tableOf(p).cpuArmed.add(t);
        // Already past (an absolute time behind the clock): it fires now.
        if (now >= t.expiry) expire(p, t);
      } else {
        t.runner ??= startRunner(ctx, p, t);
        t.runner.wake();
      }
    }
  } else {
    t.interval = 0n;
  }
  if (op !== 0) writeItimerspec(ctx, op, a, old);
  return 0;
};

/** timer_gettime(timerid, curr_value). */
const timerGettime = (abi?: TimespecAbi): Handler => (ctx) => {
  const t = timerOf(ctx, argInt(ctx, 0));
  if (t === undefined) return -E.EINVAL;
  writeItimerspec(ctx, argPtr(ctx, 1), abi ?? timespecAbi(ctx), current(ctx.thread.proc, t));
  return 0;
};

/** timer_getoverrun(timerid): the overruns of the last expiry whose signal was taken. */
const timerGetoverrun: Handler = (ctx) => {
  const t = timerOf(ctx, argInt(ctx, 0));
  if (t === undefined) return -E.EINVAL;
  return clampInt(t.overrunLast);
};

/** timer_delete(timerid). */
const timerDelete: Handler = (ctx) => {
  const t = timerOf(ctx, argInt(ctx, 0));
  if (t === undefined) return -E.EINVAL;
  remove(ctx.thread.proc, t);
  return 0;
};

export const POSIX_TIMER_CALLS: Record<string, Handler> = {
  timer_create: timerCreate,
  timer_settime: timerSettime(),
  timer_gettime: timerGettime(),
  timer_settime64: timerSettime("time64"),
  timer_gettime64: timerGettime("time64"),
  timer_getoverrun: timerGetoverrun,
  timer_delete: timerDelete,
};
