// The bring-up system calls: the handful a static glibc program needs to start, print and
// exit, with real semantics, registered by name (BRINGUP_CALLS) in linux/syscalls/registry.ts
// and run by the dispatcher (linux/syscalls/dispatch.ts). The Linux personality's families
// replace them.
//
// Handlers validate first (a bad guest pointer is EFAULT), then act. They return the result
// (>= 0) or a negative errno.

import { PAGE_SIZE } from "../../machine/memory.js";
import { Pte } from "../../machine/pagetable.js";
import type { Cpu } from "../../machine/power/cpu.js";
import { GuestFault } from "../../machine/power/mmu.js";
import { lo32, hi32, TWO32 } from "../../kernel/mem/va.js";
import type { Space } from "../../kernel/mem/space.js";
import { RegionKind } from "../../kernel/mem/region.js";
import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { NodeChoice } from "../../kernel/mem/page-allocator.js";
import type { ProcessImage } from "../exec/load.js";
import type { Vfs } from "../vfs/vfs.js";
import type { TaskCred } from "../vfs/perm.js";
import type { GuestTime } from "./guest-time.js";
import type { SyscallFamily } from "../syscalls/status.js";
import type { TaskPolicy } from "../numa/mempolicy.js";

export const E = {
  EPERM: 1, ENOENT: 2, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EFAULT: 14, EINVAL: 22, ENOTTY: 25, ENOSYS: 38,
} as const;

export interface SysContext {
  /** The engine the thread runs on (set at each system call). */
  cpu: Cpu;
  /** The processor's kernel. */
  k: Kernel;
  /** The process's address space (kernel/mem: Process, Regions, FCMs, HAT). */
  space: Space;
  /** The thread's memory policy (set_mempolicy): Linux's record, and as the kernel's allocator takes it. */
  policy: { mode: number; nodes: number; task: TaskPolicy };
  image: ProcessImage;
  /** Host path of the executable (for /proc/self/exe). */
  exePath: string;
  /** Set by exit/exit_group. */
  exitCode: number | undefined;
  /** Set when the process is killed by a signal (no handlers exist in the bring-up runner). */
  killedBy: number | undefined;
  log(msg: string): void;
  /** Next address for anonymous mmap (grows down). */
  mmapTop: number;
  /** The process's files: descriptors, root and working directory, mounts, the console (src/linux/vfs). */
  vfs: Vfs;
  /**
   * The process's credentials for file permission checks. [integrator: task] the identity
   * state (set*id) belongs to the task work; run.ts answers with the host user's ids for now.
   */
  cred(): TaskCred;
  /**
   * Signal delivery. [integrator: task] the signal state connects here: a write to a closed
   * console raises SIGPIPE (13) through it. Absent: the default action applies (killedBy).
   */
  signals?: { raise(sig: number): void };
  /** The guest's clocks and random generator. */
  time: GuestTime;
  /** CPU time the process has used (instructions retired at 1 ns each). */
  cpuTimeNs(): bigint;
  /** --strace: each system call decoded, one line per call (without the newline). */
  strace?: (line: string) => void;
}

/** A system call that waits (sleep, host input, a shootdown): its result comes at the end. */
export type Pending = Generator<Block, number, unknown>;

/** Handlers answer at once (the fast path) or hand back the wait that produces the answer. */
export type Handler = (ctx: SysContext, a: number[]) => number | Pending;

/** The processor and NUMA node the thread runs on now (getcpu). */
export const cpuOf = (ctx: SysContext): { cpu: number; node: number } => ({ cpu: ctx.k.cpu, node: ctx.k.topology.nodeOf(ctx.k.cpu) });

/** The page-allocation choice of the thread's policy. */
export function choiceOf(ctx: SysContext, index = 0): NodeChoice | undefined {
  return (ctx.policy.mode & 0xff) === 0 ? undefined : ctx.space.ms.policyChoice(ctx.policy.mode, ctx.policy.nodes, index);
}

/** Bring in the page a guest access faulted on, for a system call's copy; false: EFAULT. */
function faultIn(ctx: SysContext, e: GuestFault): boolean {
  const va = (e.eaHi >>> 0) * TWO32 + (e.eaLo >>> 0);
  return ctx.space.faultNow(va, e.access, choiceOf(ctx, Math.floor(va / PAGE_SIZE))).kind === "mapped";
}

/** Syscall argument i as a guest address (64-bit in 64-bit mode). */
export const addr = (ctx: SysContext, i: number): number =>
  ctx.image.is64 ? (ctx.cpu.r[(3 + i) * 2 + 1] >>> 0) * TWO32 + (ctx.cpu.r[(3 + i) * 2] >>> 0) : ctx.cpu.r[(3 + i) * 2] >>> 0;

function readGuest(ctx: SysContext, va: number, len: number): Uint8Array {
  return ctx.cpu.readBytes(lo32(va), hi32(va), len);
}

export function writeGuest(ctx: SysContext, va: number, data: Uint8Array): void {
  try {
    ctx.cpu.writeBytes(lo32(va), hi32(va), data);
  } catch (e) {
    // Demand-zero pages: populate and retry once per page.
    if (!(e instanceof GuestFault) || !faultIn(ctx, e)) throw e;
    writeGuest(ctx, va, data);
  }
}

export function readGuestPopulating(ctx: SysContext, va: number, len: number): Uint8Array {
  for (;;) {
    try {
      return readGuest(ctx, va, len);
    } catch (e) {
      if (!(e instanceof GuestFault) || !faultIn(ctx, e)) throw e;
    }
  }
}

export const pageUp = (a: number): number => Math.ceil(a / PAGE_SIZE) * PAGE_SIZE;

const sysExit: Handler = (ctx, a) => {
  ctx.exitCode = a[0] & 0xff;
  return 0;
};

const sysBrk: Handler = (ctx, a) => {
  const want = addr(ctx, 0);
  const img = ctx.image;
  if (want === 0 || want < img.brkStart) return img.brk;
  const oldEnd = pageUp(img.brk), newEnd = pageUp(want), base = pageUp(img.brkStart);
  if (newEnd === oldEnd) {
    img.brk = want;
    return want;
  }
  if (newEnd > oldEnd && (!ctx.space.isFree(oldEnd, newEnd) || newEnd > img.stackBottom)) return img.brk;
  return (function* (): Pending {
    // The heap is one region from the page-aligned start of the break: created by the first
    // growth, grown and shrunk in place after (shrinking frees, after the shootdown).
    if (oldEnd === base) yield* ctx.space.map(base, newEnd, { prot: Pte.Read | Pte.Write, kind: RegionKind.Heap, flags: 0 });
    else if (newEnd === base) yield* ctx.space.unmap(base, oldEnd);
    else yield* ctx.space.resize(oldEnd, newEnd);
    img.brk = want;
    return want;
  })();
};

const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
const MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_PRIVATE = 0x02;
const toPte = (prot: number): number =>
  ((prot & PROT_READ) !== 0 ? Pte.Read : 0) | ((prot & PROT_WRITE) !== 0 ? Pte.Write : 0) | ((prot & PROT_EXEC) !== 0 ? Pte.Exec | Pte.Read : 0);

const MAP_SHARED = 0x01, MAP_TYPE = 0x0f, MAP_POPULATE = 0x8000, MAP_FIXED_NOREPLACE = 0x100000;
/** PowerPC's arch_validate_prot: R/W/X, PROT_SEM, PROT_SAO, and the GROWSDOWN/GROWSUP modifiers. */
const PROT_VALID = 0x7 | 0x8 | 0x10 | 0x01000000 | 0x02000000;

const sysMmap: Handler = (ctx, a) => {
  const hint = addr(ctx, 0), len = addr(ctx, 1), prot = a[2], flags = a[3];
  // Linux's order of checks (mm/mmap.c ksys_mmap_pgoff, do_mmap): descriptor, then length,
  // type and protection.
  if ((flags & MAP_ANONYMOUS) === 0) {
    if (ctx.vfs.fds.get(a[4] | 0) === undefined) return -E.EBADF;
    ctx.log("mmap of a file: not built yet (file-backed FCMs come with the Linux personality), returning ENODEV");
    return -19; // ENODEV
  }
  if (len === 0 || pageUp(len) < len) return -E.EINVAL;
  const type = flags & MAP_TYPE;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== 0x03) return -E.EINVAL;
  if ((prot & ~PROT_VALID) !== 0) return -E.EINVAL;
  const size = pageUp(len);
  let start: number;
  if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0) {
    if (hint % PAGE_SIZE !== 0) return -E.EINVAL;
    if ((flags & MAP_FIXED) === 0 && !ctx.space.isFree(hint, hint + size)) return -17; // EEXIST
    start = hint;
  } else if (hint !== 0 && hint % PAGE_SIZE === 0 && hint >= ctx.image.brk + (64 << 20) && ctx.space.isFree(hint, hint + size) && hint + size <= ctx.image.stackBottom) {
    start = hint; // a free, aligned hint is taken as it is (as Linux does)
  } else {
    const free = findFree(ctx, size);
    if (free === undefined) return -E.ENOMEM;
    start = free;
  }
  // A shared anonymous mapping is its own FCM marked shared: MADV_DONTNEED keeps its pages, and
  // fork (with processes) will share it instead of copying it.
  const shared = type === MAP_SHARED;
  return (function* (): Pending {
    yield* ctx.space.map(start, start + size, { prot: toPte(prot), kind: RegionKind.Anonymous, flags: shared ? 1 : 0 });
    if ((flags & MAP_POPULATE) !== 0) {
      for (let va = start; va < start + size; va += PAGE_SIZE) ctx.space.faultNow(va, 0, choiceOf(ctx, (va - start) / PAGE_SIZE), true);
    }
    return start;
  })();
};

/** A free range of `size` bytes below the previous mmap allocations (they grow down). */
export function findFree(ctx: SysContext, size: number): number | undefined {
  let start = ctx.mmapTop - size;
  const regions = ctx.space.ranges();
  while (!regions.every((g) => g.end <= start || g.start >= start + size)) {
    const r = regions.find((g) => g.end > start && g.start < start + size);
    if (r === undefined) break;
    start = r.start - size;
  }
  if (start < ctx.image.brk + (64 << 20)) return undefined;
  ctx.mmapTop = start;
  return start;
}

const sysMunmap: Handler = (ctx, a) => {
  const start = addr(ctx, 0), len = addr(ctx, 1);
  if (start % PAGE_SIZE !== 0 || len === 0) return -E.EINVAL;
  return (function* (): Pending {
    yield* ctx.space.unmap(start, start + pageUp(len)); // shootdown before the frames are freed
    return 0;
  })();
};

const sysMprotect: Handler = (ctx, a) => {
  const start = addr(ctx, 0), len = addr(ctx, 1), prot = a[2];
  if (start % PAGE_SIZE !== 0 || (prot & ~PROT_VALID) !== 0) return -E.EINVAL;
  if (len === 0) return 0;
  return (function* (): Pending {
    // Reduced rights reach every processor (shootdown) before mprotect returns.
    return (yield* ctx.space.protect(start, start + pageUp(len), toPte(prot))) ? 0 : -E.ENOMEM;
  })();
};

/** kill / tgkill aimed at the process itself: no handlers can be installed, so default action. */
const sysKill = (pidArg: number, sigArg: number): Handler => (ctx, a) => {
  const pid = a[pidArg] | 0, sig = a[sigArg] | 0;
  if (sig < 0 || sig > 64) return -E.EINVAL;
  if (pid !== 1 && pid !== 0 && pid !== -1) return -3; // ESRCH
  if (sig === 0 || sig === 17 || sig === 23 || sig === 28) return 0; // none, or default action is ignore
  ctx.killedBy = sig;
  return 0;
};

const sysSetTidAddress: Handler = () => 1; // the thread id of the only thread
const sysGetpid: Handler = () => 1;
const sysZeroId: Handler = () => 0;

const sysSetRobustList: Handler = (_ctx, a) => {
  const w = a[1];
  return w === 24 || w === 12 ? 0 : -E.EINVAL; // the kernel only records the head
};

const RLIM_INFINITY = -1;
/** prlimit64(pid, resource, new, old) / ugetrlimit(resource, old). */
function rlimitValue(resource: number): [number, number] {
  switch (resource) {
    case 3: return [8 << 20, RLIM_INFINITY]; // RLIMIT_STACK
    case 7: return [1024, 4096]; // RLIMIT_NOFILE
    default: return [RLIM_INFINITY, RLIM_INFINITY];
  }
}

function putRlimit(ctx: SysContext, va: number, resource: number, width: number): void {
  const [cur, max] = rlimitValue(resource);
  const b = new Uint8Array(2 * width);
  const dv = new DataView(b.buffer);
  const put = (o: number, v: number): void => {
    if (width === 8) dv.setBigInt64(o, BigInt(v), ctx.image.le);
    else dv.setInt32(o, v, ctx.image.le);
  };
  put(0, cur);
  put(width, max);
  writeGuest(ctx, va, b);
}

const sysPrlimit64: Handler = (ctx, a) => {
  const pid = a[0] | 0, resource = a[1], newp = addr(ctx, 2), oldp = addr(ctx, 3);
  if (pid !== 0 && pid !== 1) return -3; // ESRCH
  if (resource > 15) return -E.EINVAL;
  if (newp !== 0) return -E.EPERM;
  if (oldp !== 0) putRlimit(ctx, oldp, resource, 8);
  return 0;
};

const sysUgetrlimit: Handler = (ctx, a) => {
  if (a[0] > 15) return -E.EINVAL;
  putRlimit(ctx, addr(ctx, 1), a[0], ctx.image.is64 ? 8 : 4);
  return 0;
};

const sysGetrandom: Handler = (ctx, a) => {
  const buf = addr(ctx, 0), len = Math.min(a[1], 1 << 25);
  writeGuest(ctx, buf, ctx.time.fill(new Uint8Array(len)));
  return len;
};

/** struct stat (ppc64) or struct stat64 (ppc32) for fstat/newfstatat/fstatat64. */
function putTimespec(ctx: SysContext, va: number, sec: number, nsec: number, width: number): void {
  const b = new Uint8Array(2 * width);
  const dv = new DataView(b.buffer);
  if (width === 8) {
    dv.setBigInt64(0, BigInt(sec), ctx.image.le);
    dv.setBigInt64(8, BigInt(nsec), ctx.image.le);
  } else {
    dv.setInt32(0, sec, ctx.image.le);
    dv.setInt32(4, nsec, ctx.image.le);
  }
  writeGuest(ctx, va, b);
}

const NS = 1_000_000_000n;

/** The time of a clock id in nanoseconds, or undefined for an invalid id. */
function clockNs(ctx: SysContext, clock: number): bigint | undefined {
  switch (clock) {
    case 0: case 5: case 8: case 11: // REALTIME, REALTIME_COARSE, REALTIME_ALARM, TAI
      return ctx.time.realtimeNs();
    case 1: case 4: case 6: case 7: case 9: // MONOTONIC, _RAW, _COARSE, BOOTTIME, BOOTTIME_ALARM
      return ctx.time.monotonicNs();
    case 2: case 3: // PROCESS_CPUTIME_ID, THREAD_CPUTIME_ID
      return ctx.cpuTimeNs();
    default:
      return undefined;
  }
}

/**
 * The field size of a call's struct timespec: 8 for the *_time64 calls (`fixed`), otherwise the
 * process's word size (the same call name serves ppc64 and ppc32).
 */
const timeWidth = (ctx: SysContext, fixed: 8 | undefined): number => fixed ?? (ctx.image.is64 ? 8 : 4);

function clockGettime(width?: 8): Handler {
  return (ctx, a) => {
    const t = clockNs(ctx, a[0] | 0);
    if (t === undefined) return -E.EINVAL;
    putTimespec(ctx, addr(ctx, 1), Number(t / NS), Number(t % NS), timeWidth(ctx, width));
    return 0;
  };
}

/** clock_getres: 1 ns for the fine clocks, a 10 ms tick for the coarse ones. */
function clockGetres(width?: 8): Handler {
  return (ctx, a) => {
    const c = a[0] | 0;
    if (clockNs(ctx, c) === undefined) return -E.EINVAL;
    if (addr(ctx, 1) !== 0) putTimespec(ctx, addr(ctx, 1), 0, c === 5 || c === 6 ? 10_000_000 : 1, timeWidth(ctx, width));
    return 0;
  };
}

const sysGettimeofday: Handler = (ctx, a) => {
  const t = ctx.time.realtimeNs();
  if (addr(ctx, 0) !== 0) putTimespec(ctx, addr(ctx, 0), Number(t / NS), Number((t % NS) / 1000n), ctx.image.is64 ? 8 : 4);
  if (addr(ctx, 1) !== 0) writeGuest(ctx, addr(ctx, 1), new Uint8Array(8)); // struct timezone: UTC
  return 0;
};

/** time(tloc): seconds since 1970, also stored at tloc when it is not NULL. */
const sysTime: Handler = (ctx) => {
  const sec = Number(ctx.time.realtimeNs() / NS);
  const p = addr(ctx, 0);
  if (p !== 0) {
    const w = ctx.image.is64 ? 8 : 4;
    const b = new Uint8Array(w);
    if (w === 8) new DataView(b.buffer).setBigInt64(0, BigInt(sec), ctx.image.le);
    else new DataView(b.buffer).setInt32(0, sec, ctx.image.le);
    writeGuest(ctx, p, b);
  }
  return sec;
};

/** A struct timespec from the guest: nanoseconds, or -EINVAL for an out-of-range field. */
function readTimespec(ctx: SysContext, va: number, width: number): bigint | number {
  const b = readGuestPopulating(ctx, va, 2 * width);
  const dv = new DataView(b.buffer);
  const sec = width === 8 ? dv.getBigInt64(0, ctx.image.le) : BigInt(dv.getInt32(0, ctx.image.le));
  const nsec = width === 8 ? dv.getBigInt64(8, ctx.image.le) : BigInt(dv.getInt32(4, ctx.image.le));
  if (sec < 0n || nsec < 0n || nsec >= NS) return -E.EINVAL;
  return sec * NS + nsec;
}

/** Block the thread for `ns` of machine time (the machine skips ahead when nothing else runs). */
function sleepFor(ctx: SysContext, ns: bigint): Pending {
  const clamped = ns > 10n ** 17n ? 10n ** 17n : ns;
  const until = Number(ctx.time.monotonicNs() + clamped);
  return (function* (): Pending {
    if (until > ctx.k.port.now()) yield { kind: "sleep", until };
    return 0;
  })();
}

function nanosleep(width?: 8): Handler {
  return (ctx, a) => {
    const ns = readTimespec(ctx, addr(ctx, 0), timeWidth(ctx, width));
    if (typeof ns === "number") return ns;
    return sleepFor(ctx, ns);
  };
}

/** clock_nanosleep(clock, flags, req, rem); TIMER_ABSTIME (1) takes req as a time of that clock. */
function clockNanosleep(width?: 8): Handler {
  return (ctx, a) => {
    const now = clockNs(ctx, a[0] | 0);
    if (now === undefined || (a[0] | 0) === 3) return -E.EINVAL;
    const ns = readTimespec(ctx, addr(ctx, 2), timeWidth(ctx, width));
    if (typeof ns === "number") return ns;
    return sleepFor(ctx, (a[1] & 1) !== 0 ? (ns > now ? ns - now : 0n) : ns);
  };
}

const sysUname: Handler = (ctx) => {
  const fields = ["Linux", "k42ts", "6.1.0-k42ts", "#1 SMP k42ts", ctx.image.is64 ? (ctx.image.le ? "ppc64le" : "ppc64") : "ppc", "(none)"];
  const b = new Uint8Array(65 * 6);
  const enc = new TextEncoder();
  fields.forEach((f, i) => b.set(enc.encode(f).subarray(0, 64), i * 65));
  writeGuest(ctx, addr(ctx, 0), b);
  return 0;
};

/**
 * The bring-up family, by the names of asm/unistd_*.h: a name only one architecture has
 * (newfstatat, fstatat64, mmap2, _llseek, the *_time64 calls) is used there only. Registered
 * with the other families in linux/syscalls/registry.ts.
 */
export const BRINGUP_CALLS: Readonly<Record<string, Handler>> = {
  exit: sysExit,
  exit_group: sysExit,
  getpid: sysGetpid,
  gettid: sysGetpid,
  getuid: sysZeroId,
  geteuid: sysZeroId,
  getgid: sysZeroId,
  getegid: sysZeroId,
  kill: sysKill(0, 1),
  tgkill: sysKill(0, 2),
  set_tid_address: sysSetTidAddress,
  set_robust_list: sysSetRobustList,
  brk: sysBrk,
  mmap: sysMmap,
  mmap2: (ctx, a) => (a[5] === 0 ? sysMmap(ctx, a) : -E.ENOSYS),
  munmap: sysMunmap,
  mprotect: sysMprotect,
  uname: sysUname,
  ugetrlimit: sysUgetrlimit,
  prlimit64: sysPrlimit64,
  getrandom: sysGetrandom,
  clock_gettime: clockGettime(),
  clock_getres: clockGetres(),
  clock_nanosleep: clockNanosleep(),
  nanosleep: nanosleep(),
  clock_gettime64: clockGettime(8),
  clock_getres_time64: clockGetres(8),
  clock_nanosleep_time64: clockNanosleep(8),
  gettimeofday: sysGettimeofday,
  time: sysTime,
};

/** What the bring-up handlers do not do (the Linux personality's families replace them). */
export const BRINGUP_PARTIAL: SyscallFamily["partial"] = {
  getuid: "always 0 (root)",
  geteuid: "always 0 (root)",
  getgid: "always 0 (root)",
  getegid: "always 0 (root)",
  kill: "the process itself only (pid 1, 0 or -1: ESRCH otherwise); default actions only, no handlers",
  tgkill: "the process itself only (pid 1, 0 or -1: ESRCH otherwise); default actions only, no handlers",
  set_tid_address: "the clear-child-tid address is not kept (one thread)",
  set_robust_list: "the list head is not kept (one thread)",
  mmap: "anonymous mappings only (a file mapping: ENODEV)",
  mmap2: "anonymous mappings only (a file mapping: ENODEV; a non-zero page offset: ENOSYS)",
  prlimit64: "fixed limits: reading only (setting: EPERM), this process only",
  ugetrlimit: "fixed limits",
};
