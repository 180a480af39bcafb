// The resources family: resource limits (kernel/sys.c getrlimit, setrlimit, prlimit64, the old
// 32-bit getrlimit), getrusage and sysinfo, on the task's ResourceLimits and accounts and the
// machine's memory. ppc32 behaves as a 32-bit kernel does: a limit of 0xffffffff or more is
// RLIM_INFINITY, reported as 0xffffffff by ugetrlimit and clamped to 0x7fffffff by the old
// getrlimit (ppc32 only; ppc64 has no getrlimit, only ugetrlimit).

import { PAGE_SIZE } from "../../machine/memory.js";
import { E } from "../errno.js";
import type { Handler, SysContext } from "../process/syscalls.js";
import { Cap } from "../task/credentials.js";
import { RLIM_INFINITY, type Limit } from "../task/resource-limits.js";
import { getU64, newStruct, putU64, readStruct, writeStruct, argInt, argPtr, argU32, wordOf } from "./user.js";

const U32_INF = 0xffffffffn;

/** A 32-bit kernel's view of a limit it is given: anything from 0xffffffff up is infinity. */
const from32 = (v: bigint): bigint => (v >= U32_INF ? RLIM_INFINITY : v);
/** And of a limit it reports. */
const to32 = (v: bigint): bigint => (v >= U32_INF ? U32_INF : v);

/** do_prlimit on this task: the checks of ResourceLimits.set with CAP_SYS_RESOURCE. */
function setLimit(ctx: SysContext, resource: number, want: Limit): number {
  return ctx.task.limits.set(resource, want, ctx.task.creds.capable(Cap.SYS_RESOURCE));
}

/** struct rlimit in the process's words. */
function readRlimit(ctx: SysContext, va: number): Limit {
  if (ctx.image.is64) {
    const s = readStruct(ctx, va, 16);
    return { cur: getU64(s, 0), max: getU64(s, 8) };
  }
  const s = readStruct(ctx, va, 8);
  return { cur: from32(BigInt(s.getU32(0))), max: from32(BigInt(s.getU32(4))) };
}

function putRlimit(ctx: SysContext, va: number, l: Limit, clamp?: bigint): void {
  if (ctx.image.is64) {
    const s = newStruct(ctx, 16);
    putU64(s, 0, l.cur);
    putU64(s, 8, l.max);
    writeStruct(ctx, va, s);
    return;
  }
  const v = (x: bigint): number => Number(clamp !== undefined && x > clamp ? clamp : to32(x));
  writeStruct(ctx, va, newStruct(ctx, 8).u32(0, v(l.cur)).u32(4, v(l.max)));
}

/** ugetrlimit(resource, rlim) (and ppc64's only getrlimit). */
const ugetrlimit: Handler = (ctx) => {
  const l = ctx.task.limits.get(argU32(ctx, 0));
  if (l === undefined) return -E.EINVAL;
  putRlimit(ctx, argPtr(ctx, 1), l);
  return 0;
};

/** ppc32's old getrlimit: values past 0x7fffffff read as 0x7fffffff. */
const oldGetrlimit: Handler = (ctx) => {
  const l = ctx.task.limits.get(argU32(ctx, 0));
  if (l === undefined) return -E.EINVAL;
  putRlimit(ctx, argPtr(ctx, 1), l, 0x7fffffffn);
  return 0;
};

/** setrlimit(resource, rlim): the copy first (EFAULT), then do_prlimit's checks. */
const setrlimit: Handler = (ctx) => {
  const want = readRlimit(ctx, argPtr(ctx, 1));
  return setLimit(ctx, argU32(ctx, 0), want);
};

/** prlimit64(pid, resource, new, old): struct rlimit64 on both ABIs; the old limit is written after the new one is set. */
const prlimit64: Handler = (ctx) => {
  const pid = argInt(ctx, 0), resource = argU32(ctx, 1), np = argPtr(ctx, 2), op = argPtr(ctx, 3);
  let want: Limit | undefined;
  if (np !== 0) {
    const s = readStruct(ctx, np, 16);
    want = { cur: getU64(s, 0), max: getU64(s, 8) };
    if (!ctx.image.is64) want = { cur: from32(want.cur), max: from32(want.max) };
  }
  if (!ctx.task.isSelf(pid)) return -E.ESRCH;
  const old = ctx.task.limits.get(resource);
  if (old === undefined) return -E.EINVAL;
  if (want !== undefined) {
    const r = setLimit(ctx, resource, want);
    if (r < 0) return r;
  }
  if (op !== 0) {
    const s = newStruct(ctx, 16);
    putU64(s, 0, old.cur);
    putU64(s, 8, old.max);
    writeStruct(ctx, op, s);
  }
  return 0;
};

// ---- getrusage ----

const RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;

/**
 * Resident pages of the address space: the pages held by the memory objects (FCMs) its
 * regions map, each object counted once. A region that maps part of a larger object counts
 * the whole object's pages (an over-count Linux's per-page RSS does not make).
 */
export function residentPages(ctx: SysContext): number {
  const seen = new Set<number>();
  let pages = 0;
  for (const r of ctx.space.regions()) {
    if (seen.has(r.fcm)) continue;
    seen.add(r.fcm);
    pages += ctx.k.cos.callNow(r.fcm, (f) => f.info().pages);
  }
  return pages;
}

/** getrusage(who, ru): this process's (or thread's: the same, one thread) CPU time, peak RSS, faults, switches; children: none yet. */
const getrusage: Handler = (ctx) => {
  const who = argInt(ctx, 0);
  if (who !== RUSAGE_SELF && who !== RUSAGE_CHILDREN && who !== RUSAGE_THREAD) return -E.EINVAL;
  const w = wordOf(ctx), is64 = ctx.image.is64;
  const s = newStruct(ctx, 4 * w + 14 * w);
  if (who !== RUSAGE_CHILDREN) {
    const t = ctx.task, a = t.accounts;
    t.hiwaterRss = Math.max(t.hiwaterRss, residentPages(ctx));
    const tv = (o: number, ns: bigint): void => void s.long(o, Number(ns / 1_000_000_000n), is64).long(o + w, Number((ns % 1_000_000_000n) / 1000n), is64);
    tv(0, a.userNs());
    tv(2 * w, a.systemNs());
    const field = (i: number, v: number): void => void s.long(4 * w + i * w, v, is64);
    field(0, t.hiwaterRss * (PAGE_SIZE / 1024)); // ru_maxrss, in KiB
    field(4, a.minorFaults()); // ru_minflt
    field(12, t.voluntarySwitches); // ru_nvcsw
  }
  writeStruct(ctx, argPtr(ctx, 1), s);
  return 0;
};

// ---- sysinfo ----

/** Linux's load average fixed point (FSHIFT 11) and the 1, 5 and 15 minute decay factors. */
const FIXED_1 = 2048, EXP = [1884, 2014, 2037];
/** LOAD_FREQ: 5 s and one tick at HZ 100. */
const LOAD_FREQ_NS = 5_010_000_000n;

/** calc_load: one step of an exponentially decaying average. */
function calcLoad(load: number, exp: number, active: number): number {
  let n = load * exp + active * (FIXED_1 - exp);
  if (active >= load) n += FIXED_1 - 1;
  return Math.floor(n / FIXED_1);
}

/**
 * The load averages after `uptimeNs` of one always-runnable task (this process): what
 * calc_global_load computes every LOAD_FREQ from boot, in FSHIFT fixed point.
 */
export function loadAverages(uptimeNs: bigint): number[] {
  const steps = Number(uptimeNs / LOAD_FREQ_NS);
  return EXP.map((e) => {
    let l = 0;
    for (let i = 0; i < steps; i++) {
      const n = calcLoad(l, e, FIXED_1);
      if (n === l) break; // converged
      l = n;
    }
    return l;
  });
}

/** sysinfo(info): the machine's uptime, load, memory (the page allocator's free frames) and one process. */
const sysinfo: Handler = (ctx) => {
  const w = wordOf(ctx), is64 = ctx.image.is64;
  const mem = ctx.k.port.mem;
  const up = ctx.time.monotonicNs();
  let total = BigInt(mem.size), free = 0n;
  for (let n = 0; n < mem.nodes.length; n++) free += BigInt(mem.freeFrames(n)) * BigInt(PAGE_SIZE);
  let unit = 1;
  // A 32-bit caller: scale to pages when a size does not fit 32 bits (compat_sys_sysinfo).
  if (!is64 && total > U32_INF) {
    unit = PAGE_SIZE;
    total /= BigInt(PAGE_SIZE);
    free /= BigInt(PAGE_SIZE);
  }
  const s = newStruct(ctx, is64 ? 112 : 64);
  s.long(0, Number(up / 1_000_000_000n) + (up % 1_000_000_000n === 0n ? 0 : 1), is64);
  loadAverages(up).forEach((l, i) => s.long(w * (1 + i), l << 5, is64)); // SI_LOAD_SHIFT 16 - FSHIFT 11
  s.long(4 * w, Number(total), is64); // totalram
  s.long(5 * w, Number(free), is64); // freeram
  // sharedram, bufferram, totalswap, freeswap: 0
  s.u16(10 * w, 1); // procs
  const after = is64 ? 88 : 44; // totalhigh, freehigh: 0
  s.u32(after + 2 * w, unit); // mem_unit
  writeStruct(ctx, argPtr(ctx, 0), s);
  return 0;
};

/** The family (getrlimit is ppc32's old call: ppc64's slot is sys_ni_syscall, which the table keeps). */
export const RESOURCE_CALLS: Record<string, Handler> = {
  ugetrlimit,
  getrlimit: oldGetrlimit,
  setrlimit,
  prlimit64,
  getrusage,
  sysinfo,
};

export const RESOURCE_PARTIAL: Readonly<Record<string, string>> = {
  setrlimit: "limits are recorded and checked; each resource's owner enforces its own (CPU, FSIZE, AS, DATA, ... are not enforced yet)",
  prlimit64: "this process only; limits are recorded and checked; each resource's owner enforces its own (CPU, FSIZE, AS, DATA, ... are not enforced yet)",
  getrusage: "ru_maxrss counts the pages of each mapped memory object once, sampled at getrusage; ru_nivcsw, ru_inblock, ru_oublock are 0; no children yet",
  sysinfo: "the load averages are those of one always-runnable task; no swap, shared or buffer memory",
};
