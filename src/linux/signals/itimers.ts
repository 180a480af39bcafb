// The interval timers (kernel/time/itimer.c, posix-cpu-timers.c): setitimer, getitimer and
// alarm, on the guest's clocks (GuestTime: the virtual clock in the deterministic mode).
//
// ITIMER_REAL is a kernel thread of the process's processor that sleeps until the expiry and
// sends SIGALRM to the process (SI_KERNEL, as it_real_fn does), reloading a periodic timer
// past the present (hrtimer_forward: missed periods are skipped, not queued). A change of the
// timer wakes the thread to sleep again until the new expiry; the process's end stops it.
// ITIMER_VIRTUAL and ITIMER_PROF count the process's CPU time, which only moves while its
// thread runs: they are checked each time the thread returns to user mode (Linux checks them
// at the tick), and fire SIGVTALRM and SIGPROF. As Linux, setting a CPU timer adds one tick
// (10 ms) to its first expiry.

import type { Thread } from "../../kernel/sched/thread.js";
import type { Handler, SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { argInt, argPtr, newStruct, readStruct, writeStruct, wordOf } from "../sys/user.js";
import { NS, TICK_NS } from "../sys/time.js";
import { SIG } from "./numbers.js";
import { fromKernel } from "./siginfo.js";
import { receiverOf, sendSignal } from "./send.js";
import type { ITimer } from "./itimer-state.js";
import { checkPosixCpuTimers, deleteAllTimers } from "../timers/posix-timers.js";

export const ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
const US = 1000n;

/** The CPU time a CPU timer counts: user (VIRTUAL) or user and system (PROF). */
function cpuNow(ctx: SysContext, which: number): bigint {
  const a = ctx.task.accounts;
  return which === ITIMER_VIRTUAL ? a.userNs() : a.userNs() + a.systemNs();
}

/** A timer expired at `now`: its next expiry (the first period past now), or undefined. */
function reload(it: ITimer, now: bigint): void {
  if (it.expiry === undefined) return;
  if (it.interval === 0n) {
    it.expiry = undefined;
    return;
  }
  const late = now - it.expiry;
  it.expiry += (late / it.interval + 1n) * it.interval;
}

/** ITIMER_VIRTUAL and ITIMER_PROF: fire what the CPU time has reached (check_cpu_itimer). */
export function checkCpuTimers(ctx: SysContext): void {
  const its = ctx.task.signals.itimers;
  for (const [it, which, sig] of [[its.virt, ITIMER_VIRTUAL, SIG.VTALRM], [its.prof, ITIMER_PROF, SIG.PROF]] as const) {
    if (it.expiry === undefined) continue;
    const now = cpuNow(ctx, which);
    if (now < it.expiry) continue;
    // A CPU timer reloads by one interval per expiry (the next check fires it again if behind).
    if (it.interval !== 0n) it.expiry += it.interval;
    else it.expiry = undefined;
    sendSignal(receiverOf(ctx), fromKernel(sig), "process");
  }
  checkPosixCpuTimers(ctx);
}

/** The kernel thread of ITIMER_REAL, started at its first arming. */
function realRunner(ctx: SysContext): { rearm(): void; stop(): void } {
  const its = ctx.task.signals.itimers, it = its.real, sched = ctx.k.sched;
  let done = false;
  const body = function* () {
    while (!done) {
      if (it.expiry === undefined) {
        yield { kind: "event", what: "ITIMER_REAL to be armed" } as const;
        continue;
      }
      const now = ctx.time.monotonicNs();
      if (now < it.expiry) {
        yield { kind: "sleep", until: Number(it.expiry) } as const;
        continue;
      }
      reload(it, now);
      sendSignal(receiverOf(ctx), fromKernel(SIG.ALRM), "process");
    }
  };
  const thread: Thread = sched.spawn("itimer real", body(), undefined, { daemon: true });
  return {
    rearm: () => sched.wake(thread),
    stop: () => {
      done = true;
      sched.wake(thread);
    },
  };
}

/** The process's end: its ITIMER_REAL thread stops, its POSIX timers go. */
export function stopTimers(ctx: SysContext): void {
  deleteAllTimers(ctx.thread.proc);
  const its = ctx.task.signals.itimers;
  its.real.expiry = undefined;
  its.runner?.stop();
  its.runner = undefined;
}

/** Remaining time of a timer as getitimer reports it (an expired but armed one: 1 µs or a tick). */
function remaining(ctx: SysContext, which: number, it: ITimer): bigint {
  if (it.expiry === undefined) return 0n;
  if (which === ITIMER_REAL) {
    const rem = it.expiry - ctx.time.monotonicNs();
    return rem <= 0n ? US : rem;
  }
  const now = cpuNow(ctx, which);
  return it.expiry < now ? TICK_NS : it.expiry - now;
}

function timerOf(ctx: SysContext, which: number): ITimer | undefined {
  const its = ctx.task.signals.itimers;
  return which === ITIMER_REAL ? its.real : which === ITIMER_VIRTUAL ? its.virt : which === ITIMER_PROF ? its.prof : undefined;
}

/** do_setitimer: the old value, then the new one armed. */
function setTimer(ctx: SysContext, which: number, it: ITimer, value: bigint, interval: bigint): { value: bigint; interval: bigint } {
  const old = { value: remaining(ctx, which, it), interval: it.interval };
  if (which === ITIMER_REAL) {
    it.expiry = value === 0n ? undefined : ctx.time.monotonicNs() + value;
    it.interval = value === 0n ? 0n : interval;
    const its = ctx.task.signals.itimers;
    if (it.expiry !== undefined && its.runner === undefined) its.runner = realRunner(ctx);
    else its.runner?.rearm();
  } else {
    it.expiry = value === 0n ? undefined : cpuNow(ctx, which) + value + TICK_NS;
    it.interval = interval;
  }
  return old;
}

/** struct itimerval: it_interval then it_value, each a timeval of longs. */
function readItimerval(ctx: SysContext, va: number): { value: bigint; interval: bigint } | undefined {
  const w = wordOf(ctx), is64 = ctx.image.is64;
  const s = readStruct(ctx, va, 4 * w);
  const tv = (o: number): bigint | undefined => {
    const sec = BigInt(s.getLong(o, is64)), usec = BigInt(s.getLong(o + w, is64));
    return sec < 0n || usec < 0n || usec >= 1_000_000n ? undefined : sec * NS + usec * US;
  };
  const interval = tv(0), value = tv(2 * w);
  return interval === undefined || value === undefined ? undefined : { value, interval };
}

function writeItimerval(ctx: SysContext, va: number, v: { value: bigint; interval: bigint }): void {
  const w = wordOf(ctx), is64 = ctx.image.is64;
  const s = newStruct(ctx, 4 * w);
  const put = (o: number, ns: bigint): void => {
    s.long(o, Number(ns / NS), is64).long(o + w, Number((ns % NS) / US), is64);
  };
  put(0, v.interval);
  put(2 * w, v.value);
  writeStruct(ctx, va, s);
}

/** getitimer(which, value). */
const getitimer: Handler = (ctx) => {
  const which = argInt(ctx, 0);
  const it = timerOf(ctx, which);
  if (it === undefined) return -E.EINVAL;
  writeItimerval(ctx, argPtr(ctx, 1), { value: remaining(ctx, which, it), interval: it.interval });
  return 0;
};

/** setitimer(which, value, ovalue): a NULL value disarms (a misfeature Linux keeps). */
const setitimer: Handler = (ctx) => {
  const which = argInt(ctx, 0), vp = argPtr(ctx, 1), op = argPtr(ctx, 2);
  let want = { value: 0n, interval: 0n };
  if (vp !== 0) {
    const v = readItimerval(ctx, vp);
    if (v === undefined) return -E.EINVAL;
    want = v;
  }
  const it = timerOf(ctx, which);
  if (it === undefined) return -E.EINVAL;
  const old = setTimer(ctx, which, it, want.value, want.interval);
  if (op !== 0) writeItimerval(ctx, op, old);
  return 0;
};

/** alarm(seconds): ITIMER_REAL once; the old remaining time in seconds, rounded up from half a second (never 0 for an armed one). */
const alarm: Handler = (ctx) => {
  let seconds = BigInt(ctx.cpu.r[6] >>> 0);
  if (!ctx.image.is64 && seconds > 0x7fffffffn) seconds = 0x7fffffffn;
  const old = setTimer(ctx, ITIMER_REAL, ctx.task.signals.itimers.real, seconds * NS, 0n);
  let sec = old.value / NS;
  const ns = old.value % NS;
  if ((sec === 0n && ns !== 0n) || ns >= NS / 2n) sec++;
  return Number(sec);
};

export const ITIMER_CALLS: Record<string, Handler> = { getitimer, setitimer, alarm };
