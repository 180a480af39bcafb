// The time family: clocks, sleeps, the time of day and process times, with Linux 6.1's
// checks in its order (kernel/time/posix-timers.c, posix-cpu-timers.c, time.c, hrtimer.c,
// kernel/sys.c times). Every clock derives from the machine's clock (GuestTime): the virtual
// clock in the deterministic mode, so two runs with the same seed and epoch read the same
// times. CPU clocks come from the thread's accounts (instructions retired and the kernel work
// charged to it). Root may step the guest's CLOCK_REALTIME; the host's clock is never touched.
//
// Layouts: ppc64 uses 64-bit time_t everywhere; ppc32's plain calls use 32-bit timespec and
// timeval, and its *_time64 calls the 64-bit struct __kernel_timespec (whose nanoseconds a
// 32-bit task passes in the low half). The kernel's tick is 100 Hz here (CONFIG_HZ=100): the
// coarse clocks advance by 10 ms, and USER_HZ is 100 as everywhere.
//
// Sleeps are interruptible by signals, with Linux's restart rules (signals/sleep.ts); the
// interval timers (getitimer, setitimer, alarm) are in signals/itimers.ts.

import { E } from "../errno.js";
import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { Cap } from "../task/credentials.js";
import { argInt, argPtr, newStruct, readStruct, writeStruct, wordOf } from "./user.js";
import { restartableSleep, waitForSignal } from "../signals/sleep.js";
import { CPUCLOCK_SCHED, cpuClock as cpuClockOf, sampleCpu, type CpuClock } from "../timers/cpu-clocks.js";
import { cpuSleep } from "../timers/cpu-sleep.js";

export const NS = 1_000_000_000n;
/** The kernel's tick (CONFIG_HZ 100) and USER_HZ. */
export const TICK_NS = 10_000_000n;
const USER_HZ_NS = 10_000_000n;

/** How a struct timespec is laid out: 64-bit fields, ppc32's 32-bit ones, or ppc32's __kernel_timespec. */
export type TimespecAbi = "long64" | "old32" | "time64";

export const timespecAbi = (ctx: SysContext): TimespecAbi => (ctx.image.is64 ? "long64" : "old32");

/** A struct timespec (or timeval: the second field in µs) as the kernel reads it: raw seconds and sub-seconds. */
export function readTimespec(ctx: SysContext, va: number, abi: TimespecAbi): { sec: bigint; frac: bigint } {
  if (abi === "old32") {
    const s = readStruct(ctx, va, 8);
    return { sec: BigInt(s.getI32(0)), frac: BigInt(s.getI32(4)) };
  }
  const s = readStruct(ctx, va, 16);
  const sec = s.dv.getBigInt64(0, s.le);
  // A 32-bit task's __kernel_timespec: only the low 32 bits of tv_nsec count (the rest is padding).
  const frac = abi === "time64" ? BigInt(s.getI32(s.le ? 8 : 12)) : s.dv.getBigInt64(8, s.le);
  return { sec, frac };
}

/** timespec64_valid: seconds >= 0 and nanoseconds in [0, 1e9). Nanoseconds, or undefined. */
export function validTimespec(t: { sec: bigint; frac: bigint }): bigint | undefined {
  if (t.sec < 0n || t.frac < 0n || t.frac >= NS) return undefined;
  return t.sec * NS + t.frac;
}

/** Write `ns` as a struct timespec (or, with `usec`, a struct timeval). */
export function putTimespec(ctx: SysContext, va: number, ns: bigint, abi: TimespecAbi, usec = false): void {
  const sec = floorDiv(ns, NS), frac = ns - sec * NS;
  const sub = usec ? frac / 1000n : frac;
  if (abi === "old32") {
    writeStruct(ctx, va, newStruct(ctx, 8).i32(0, Number(BigInt.asIntN(32, sec))).i32(4, Number(sub)));
    return;
  }
  const s = newStruct(ctx, 16);
  s.dv.setBigInt64(0, sec, s.le);
  s.dv.setBigInt64(8, sub, s.le);
  writeStruct(ctx, va, s);
}

const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));

// ---- clocks ----

/** Clock ids (uapi/linux/time.h). */
export const CLOCK = {
  REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME_ID: 2, THREAD_CPUTIME_ID: 3, MONOTONIC_RAW: 4,
  REALTIME_COARSE: 5, MONOTONIC_COARSE: 6, BOOTTIME: 7, REALTIME_ALARM: 8, BOOTTIME_ALARM: 9, TAI: 11,
} as const;

/** What each clock can do (struct k_clock): read, resolution, sleep, set, adjust. */
export interface Clock {
  now(): bigint;
  res: bigint;
  /** clock_nanosleep: "mono"/"real" sleep on that time line; "cpu": on the process's CPU time; else the errno. */
  sleep: "mono" | "real" | "cpu" | "alarm" | number;
  /** clock_settime: "real" steps CLOCK_REALTIME; else the errno. */
  set: "real" | number;
  /** clock_adjtime is allowed (CLOCK_REALTIME only). */
  adj: boolean;
  /** A CPU-time clock: what it counts (timers/cpu-clocks.ts). */
  cpu?: CpuClock;
}

/** The clock named `id`, or undefined (EINVAL): fixed ids, and the negative CPU-clock ids of clock_getcpuclockid. */
export function clockOf(ctx: SysContext, id: number): Clock | undefined {
  const t = ctx.time;
  const fine = 1n;
  const coarse = (ns: bigint): bigint => (ns / TICK_NS) * TICK_NS;
  switch (id) {
    case CLOCK.REALTIME: return { now: () => t.realtimeNs(), res: fine, sleep: "real", set: "real", adj: true };
    case CLOCK.TAI: return { now: () => t.realtimeNs() + BigInt(t.ntp.tai) * NS, res: fine, sleep: "real", set: E.EINVAL, adj: false };
    case CLOCK.MONOTONIC: case CLOCK.BOOTTIME:
      return { now: () => t.monotonicNs(), res: fine, sleep: "mono", set: E.EINVAL, adj: false };
    case CLOCK.MONOTONIC_RAW: return { now: () => t.monotonicNs(), res: fine, sleep: E.EOPNOTSUPP, set: E.EINVAL, adj: false };
    case CLOCK.REALTIME_COARSE: return { now: () => coarse(t.realtimeNs()), res: TICK_NS, sleep: E.EOPNOTSUPP, set: E.EINVAL, adj: false };
    case CLOCK.MONOTONIC_COARSE: return { now: () => coarse(t.monotonicNs()), res: TICK_NS, sleep: E.EOPNOTSUPP, set: E.EINVAL, adj: false };
    // The alarm clocks (the machine has a real-time clock to wake it): sleeping needs CAP_WAKE_ALARM.
    case CLOCK.REALTIME_ALARM: return { now: () => t.realtimeNs(), res: fine, sleep: "alarm", set: E.EINVAL, adj: false };
    case CLOCK.BOOTTIME_ALARM: return { now: () => t.monotonicNs(), res: fine, sleep: "alarm", set: E.EINVAL, adj: false };
    // The caller's own CPU clocks by their fixed ids are clock_process and clock_thread in Linux:
    // neither can be set (no clock_set: EINVAL, where the encoded ids say EPERM), and the thread's
    // has no nsleep at all (EOPNOTSUPP).
    case CLOCK.PROCESS_CPUTIME_ID: case CLOCK.THREAD_CPUTIME_ID: {
      const c = cpuClock(ctx, id);
      if (c === undefined) return undefined;
      return { ...c, set: E.EINVAL, ...(id === CLOCK.THREAD_CPUTIME_ID ? { sleep: E.EOPNOTSUPP } : {}) };
    }
    default:
      return id < 0 ? cpuClock(ctx, id) : undefined;
  }
}

/**
 * A CPU-clock id (timers/cpu-clocks.ts): ~pid << 3 | thread << 2 | which (PROF 0, VIRT 1,
 * SCHED 2); which 3 names a posix clock device by descriptor (none exist here). A thread may
 * not sleep on its own thread clock (EINVAL: nothing would advance it); CLOCK_THREAD_CPUTIME_ID
 * is EINVAL to clock_nanosleep as well (posix_cpu_nsleep's check).
 */
function cpuClock(ctx: SysContext, id: number): Clock | undefined {
  const c = cpuClockOf(ctx, id);
  if (c === undefined) return undefined;
  // Only the run-time clock is exact; profiling and virtual time tick (resolution 1/HZ).
  const sleep = c.thread !== undefined && c.own ? E.EINVAL : "cpu";
  return { now: () => sampleCpu(c), res: c.which === CPUCLOCK_SCHED ? 1n : TICK_NS, sleep, set: E.EPERM, adj: false, cpu: c };
}

const clockGettime = (abi?: TimespecAbi): Handler => (ctx) => {
  const c = clockOf(ctx, argInt(ctx, 0));
  if (c === undefined) return -E.EINVAL;
  putTimespec(ctx, argPtr(ctx, 1), c.now(), abi ?? timespecAbi(ctx));
  return 0;
};

const clockGetres = (abi?: TimespecAbi): Handler => (ctx) => {
  const c = clockOf(ctx, argInt(ctx, 0));
  if (c === undefined) return -E.EINVAL;
  const p = argPtr(ctx, 1);
  if (p !== 0) putTimespec(ctx, p, c.res, abi ?? timespecAbi(ctx));
  return 0;
};

/** Block the thread for `ns` of machine time (the machine skips ahead when nothing else runs). */
export function sleepFor(ctx: SysContext, ns: bigint): Pending {
  const clamped = ns > 10n ** 17n ? 10n ** 17n : ns;
  const until = Number(ctx.time.monotonicNs() + clamped);
  return (function* (): Pending {
    if (until > ctx.k.port.now()) {
      ctx.task.voluntarySwitches++;
      yield { kind: "sleep", until };
    }
    return 0;
  })();
}


const TIMER_ABSTIME = 1;

const clockNanosleep = (abi?: TimespecAbi): Handler => (ctx) => {
  const c = clockOf(ctx, argInt(ctx, 0));
  if (c === undefined) return -E.EINVAL;
  if (typeof c.sleep === "number") return -c.sleep;
  const flags = argInt(ctx, 1);
  const t = validTimespec(readTimespec(ctx, argPtr(ctx, 2), abi ?? timespecAbi(ctx)));
  if (t === undefined) return -E.EINVAL;
  if (c.sleep === "alarm") {
    if ((flags & ~TIMER_ABSTIME) !== 0) return -E.EINVAL;
    if (!ctx.task.creds.capable(Cap.WAKE_ALARM)) return -E.EPERM;
  }
  const abs = (flags & TIMER_ABSTIME) !== 0;
  const now = c.now();
  const delta = abs ? t - now : t;
  if (delta <= 0n) return 0;
  if (c.sleep === "cpu" && c.cpu !== undefined) {
    // Nothing else runs the process's CPU clock forward while its only thread sleeps: Linux
    // sleeps until a signal; so does the thread here (the machine reports it if nothing else can run).
    if (c.cpu.own && c.cpu.thread === undefined && c.cpu.proc.threads.size <= 1) {
      return waitForSignal(ctx, "its own process CPU clock (the process's only thread is the sleeper)");
    }
    const rm = abs ? 0 : argPtr(ctx, 3), ab = abi ?? timespecAbi(ctx);
    return cpuSleep(ctx, c.cpu, now + delta, abs, rm === 0 ? undefined : (left) => putTimespec(ctx, rm, left, ab));
  }
  // A relative sleep interrupted by a signal writes the time left to rmtp (an absolute one never does).
  const rmtp = abs ? 0 : argPtr(ctx, 3), a = abi ?? timespecAbi(ctx);
  return restartableSleep(ctx, ctx.time.monotonicNs() + delta, abs, rmtp === 0 ? undefined : (left) => putTimespec(ctx, rmtp, left, a));
};

const nanosleep = (abi?: TimespecAbi): Handler => (ctx) => {
  const a = abi ?? timespecAbi(ctx);
  const t = validTimespec(readTimespec(ctx, argPtr(ctx, 0), a));
  if (t === undefined) return -E.EINVAL;
  if (t === 0n) return 0;
  const rmtp = argPtr(ctx, 1);
  return restartableSleep(ctx, ctx.time.monotonicNs() + t, false, rmtp === 0 ? undefined : (left) => putTimespec(ctx, rmtp, left, a));
};

// ---- time of day ----

const sysGettimeofday: Handler = (ctx) => {
  const tv = argPtr(ctx, 0), tz = argPtr(ctx, 1);
  if (tv !== 0) putTimespec(ctx, tv, ctx.time.realtimeNs(), timespecAbi(ctx), true);
  if (tz !== 0) writeStruct(ctx, tz, newStruct(ctx, 8).i32(0, ctx.time.tz.minuteswest).i32(4, ctx.time.tz.dsttime));
  return 0;
};

/** The latest time settimeofday accepts (TIME_SETTOD_SEC_MAX: KTIME_SEC_MAX less 30 years of uptime). */
export const SETTOD_SEC_MAX = 9223372036n - 30n * 365n * 86400n;

/** A time to set, as seconds and nanoseconds (not yet validated). */
export interface SetTime {
  sec: bigint;
  nsec: bigint;
}

/** do_sys_settimeofday64 after the copies: validity, CAP_SYS_TIME, the time zone, then the clock. */
export function setTimeOfDay(ctx: SysContext, ts: SetTime | undefined, tz: { minuteswest: number; dsttime: number } | undefined): number {
  if (ts !== undefined && (ts.sec < 0n || ts.nsec < 0n || ts.nsec >= NS || ts.sec >= SETTOD_SEC_MAX)) return -E.EINVAL;
  if (!ctx.task.creds.capable(Cap.SYS_TIME)) return -E.EPERM;
  if (tz !== undefined) {
    if (tz.minuteswest > 15 * 60 || tz.minuteswest < -15 * 60) return -E.EINVAL;
    ctx.time.tz.minuteswest = tz.minuteswest;
    ctx.time.tz.dsttime = tz.dsttime;
  }
  if (ts !== undefined) {
    ctx.time.setRealtimeNs(ts.sec * NS + ts.nsec);
    ctx.log(`the guest set its real-time clock to ${ts.sec} s since 1970 (the host's clock is unchanged)`);
  }
  return 0;
}

const sysSettimeofday: Handler = (ctx) => {
  const tvp = argPtr(ctx, 0), tzp = argPtr(ctx, 1);
  let ts: SetTime | undefined;
  if (tvp !== 0) {
    const tv = readTimespec(ctx, tvp, timespecAbi(ctx));
    if (tv.frac > 1_000_000n || tv.frac < 0n) return -E.EINVAL;
    ts = { sec: tv.sec, nsec: tv.frac * 1000n };
  }
  let tz: { minuteswest: number; dsttime: number } | undefined;
  if (tzp !== 0) {
    const s = readStruct(ctx, tzp, 8);
    tz = { minuteswest: s.getI32(0), dsttime: s.getI32(4) };
  }
  return setTimeOfDay(ctx, ts, tz);
};

const clockSettime = (abi?: TimespecAbi): Handler => (ctx) => {
  const c = clockOf(ctx, argInt(ctx, 0));
  if (c === undefined || c.set === E.EINVAL) return -E.EINVAL;
  const t = readTimespec(ctx, argPtr(ctx, 1), abi ?? timespecAbi(ctx));
  if (c.set !== "real") return -c.set;
  return setTimeOfDay(ctx, { sec: t.sec, nsec: t.frac }, undefined);
};

/** stime(tptr): sets the seconds; an invalid time is ignored (do_settimeofday64's answer is dropped). */
const sysStime: Handler = (ctx) => {
  const s = readStruct(ctx, argPtr(ctx, 0), wordOf(ctx));
  const sec = ctx.image.is64 ? s.dv.getBigInt64(0, s.le) : BigInt(s.getI32(0));
  if (!ctx.task.creds.capable(Cap.SYS_TIME)) return -E.EPERM;
  setTimeOfDay(ctx, { sec, nsec: 0n }, undefined); // an invalid time changes nothing, and stime still answers 0
  return 0;
};

/** time(tloc): seconds since 1970, also stored at tloc. */
const sysTime: Handler = (ctx) => {
  const sec = floorDiv(ctx.time.realtimeNs(), NS);
  const p = argPtr(ctx, 0);
  if (p !== 0) {
    const s = newStruct(ctx, wordOf(ctx));
    if (ctx.image.is64) s.dv.setBigInt64(0, sec, s.le);
    else s.i32(0, Number(BigInt.asIntN(32, sec)));
    writeStruct(ctx, p, s);
  }
  return ctx.image.is64 ? Number(sec) : Number(BigInt.asIntN(32, sec));
};

/** times(buf): the process's CPU times in clock ticks; returns the ticks since boot. */
const sysTimes: Handler = (ctx) => {
  const p = argPtr(ctx, 0);
  if (p !== 0) {
    const w = wordOf(ctx), a = ctx.task.accounts;
    const s = newStruct(ctx, 4 * w);
    s.long(0, Number(a.userNs() / USER_HZ_NS), ctx.image.is64).long(w, Number(a.systemNs() / USER_HZ_NS), ctx.image.is64);
    // tms_cutime and tms_cstime: no children yet.
    writeStruct(ctx, p, s);
  }
  const ticks = ctx.time.monotonicNs() / USER_HZ_NS;
  return ctx.image.is64 ? Number(ticks) : Number(BigInt.asIntN(32, ticks));
};

export const TIME_CALLS: Record<string, Handler> = {
  clock_gettime: clockGettime(),
  clock_getres: clockGetres(),
  clock_nanosleep: clockNanosleep(),
  clock_settime: clockSettime(),
  clock_gettime64: clockGettime("time64"),
  clock_getres_time64: clockGetres("time64"),
  clock_nanosleep_time64: clockNanosleep("time64"),
  clock_settime64: clockSettime("time64"),
  nanosleep: nanosleep(),
  gettimeofday: sysGettimeofday,
  settimeofday: sysSettimeofday,
  stime: sysStime,
  time: sysTime,
  times: sysTimes,
};
