// The process family: exit, the program break and the memory mappings of the process's address
// space (mmap of anonymous memory and of descriptors, munmap, mprotect), registered by name
// (PROCESS_CALLS) in linux/syscalls/registry.ts and run by the dispatcher
// (linux/syscalls/dispatch.ts); the other families live in src/linux/sys. Also SysContext, what
// every handler is given.
//
// Handlers validate first (a bad guest pointer is EFAULT), then act. They return the result
// (>= 0) or a negative errno.

import { PAGE_SIZE } from "../../machine/memory.js";
import { Pte } from "../../machine/pagetable.js";
import type { Cpu } from "../../machine/power/cpu.js";
import { checkFileMap, mapDescriptor, type MapSource } from "../sys/map-source.js";
import { E as ERRNO } from "../errno.js";
import { TWO32 } from "../../kernel/mem/va.js";
import type { Space } from "../../kernel/mem/space.js";
import { RegionKind } from "../../kernel/mem/region.js";
import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { NodeChoice } from "../../kernel/mem/page-allocator.js";
import type { ProcessImage } from "../exec/load.js";
import type { Vfs } from "../vfs/vfs.js";
import type { GuestTime } from "./guest-time.js";
import type { SyscallFamily } from "../syscalls/status.js";
import type { TaskPolicy } from "../numa/mempolicy.js";
import type { Task } from "../task/task.js";
import type { LinuxThread } from "./lprocess.js";
import type { ThreadSignals } from "../signals/thread-signals.js";
import { readGuest as copyIn, writeGuest as copyOut, type GuestMem } from "../sys/guest-mem.js";

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
  /** Set when a signal's default action ends the process (sys/signals.ts raise). */
  killedBy: number | undefined;
  log(msg: string): void;
  /** Next address for anonymous mmap (grows down). */
  mmapTop: number;
  /** The process's files: descriptors, root and working directory, mounts, the console (src/linux/vfs). */
  vfs: Vfs;
  /** The guest's clocks and random generator. */
  time: GuestTime;
  /** The Linux task: ids, credentials, limits, signal state, prctl attributes (src/linux/task). */
  task: Task;
  /**
   * The calling thread's signal state: blocked mask, its own pending signals, alternate stack,
   * restart of an interrupted call (src/linux/signals; the process-wide part is task.signals).
   */
  sig: ThreadSignals;
  /**
   * What descriptor `fd` maps (mmap of a file), or -errno (EBADF): the file-descriptor layer's
   * answer (vfs/map-source.ts). It may wait for the file's server. Without it, mmap of a
   * descriptor is ENODEV (logged).
   */
  mapSource?(fd: number): Generator<Block, MapSource | number, unknown>;
  /** --strace: each system call decoded, one line per call (without the newline). */
  strace?: (line: string) => void;
  /** The calling thread (its process, and the personality's processes through it). */
  readonly thread: LinuxThread;
}

/** A system call that waits (sleep, host input, a shootdown): its result comes at the end. */
export type Pending = Generator<Block, number, unknown>;

/** Handlers answer at once (the fast path) or hand back the wait that produces the answer. */
export type Handler = (ctx: SysContext, a: number[]) => number | Pending;

/**
 * The processor and NUMA node the thread's user code runs on now (getcpu): its system calls run
 * on its process's home, but it runs where it was placed or moved (process/balance.ts).
 */
export function cpuOf(ctx: SysContext): { cpu: number; node: number } {
  const c = ctx.thread.runsOn >= 0 ? ctx.thread.runsOn : ctx.k.cpu;
  return { cpu: c, node: ctx.k.topology.nodeOf(c) };
}

/** The page-allocation choice of the thread's policy. */
export function choiceOf(ctx: SysContext, index = 0): NodeChoice | undefined {
  return (ctx.policy.mode & 0xff) === 0 ? undefined : ctx.space.ms.policyChoice(ctx.policy.mode, ctx.policy.nodes, index);
}

/** Syscall argument i as a guest address (64-bit in 64-bit mode). */
export const addr = (ctx: SysContext, i: number): number =>
  ctx.image.is64 ? (ctx.cpu.r[(3 + i) * 2 + 1] >>> 0) * TWO32 + (ctx.cpu.r[(3 + i) * 2] >>> 0) : ctx.cpu.r[(3 + i) * 2] >>> 0;

/** The process's guest memory as the copy helpers of sys/guest-mem.ts take it. */
export function guestMem(ctx: SysContext): GuestMem {
  return {
    // Asked for at each copy: a call that waited (a pipe read) may find another thread's state
    // and address space on the processor's engine; ctx.cpu attaches this thread's again.
    get cpu() {
      return ctx.cpu;
    },
    space: ctx.space, is64: ctx.image.is64, le: ctx.image.le, choice: (vpn) => choiceOf(ctx, vpn),
  };
}

/** Copy into the guest, bringing in its pages as a user store would (GuestFault: EFAULT). */
export const writeGuest = (ctx: SysContext, va: number, data: Uint8Array): void => copyOut(guestMem(ctx), va, data);

/** Copy from the guest, bringing in its pages as a user load would (GuestFault: EFAULT). */
export const readGuestPopulating = (ctx: SysContext, va: number, len: number): Uint8Array => copyIn(guestMem(ctx), va, len);

export const pageUp = (a: number): number => Math.ceil(a / PAGE_SIZE) * PAGE_SIZE;


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

/**
 * mmap(addr, len, prot, flags, fd, offset) and ppc32's mmap2 (`pages`: the offset is in 4096-byte
 * units). Linux's order of checks (arch/powerpc/kernel/syscalls.c, mm/mmap.c ksys_mmap_pgoff and
 * do_mmap): protection, offset alignment, descriptor, length, type, place, then the file's own
 * checks (map-source.ts).
 */
const sysMmap = (pages: boolean): Handler => (ctx, a) => {
  const prot = a[2], flags = a[3];
  if ((prot & ~PROT_VALID) !== 0) return -E.EINVAL;
  const off = pages ? a[5] * PAGE_SIZE : addr(ctx, 5);
  if (off % PAGE_SIZE !== 0) return -E.EINVAL;
  if ((flags & MAP_ANONYMOUS) !== 0) return mmapAt(ctx, a, off / PAGE_SIZE, undefined);
  const fd = a[4] | 0;
  const source = ctx.mapSource;
  if (source === undefined) {
    if (ctx.vfs.fds.get(fd) === undefined) return -E.EBADF;
    ctx.log("mmap of a file: no mapSource in this context, returning ENODEV");
    return -ERRNO.ENODEV;
  }
  // What the descriptor maps may take the file's server a wait to say.
  return (function* (): Pending {
    const s = yield* source(fd);
    if (typeof s === "number") return s;
    const r = mmapAt(ctx, a, off / PAGE_SIZE, s);
    return typeof r === "number" ? r : yield* r;
  })();
};

/** mmap after the descriptor's source is known: length, type, place, the file's checks, the mapping. */
function mmapAt(ctx: SysContext, a: number[], pgoff: number, src: MapSource | undefined): number | Pending {
  const hint = addr(ctx, 0), len = addr(ctx, 1), prot = a[2], flags = a[3];
  if (len === 0 || pageUp(len) < len) return -E.EINVAL;
  const size = pageUp(len);
  // A 32-bit kernel's page offset is an unsigned long: pgoff + pages must not wrap.
  if (src !== undefined && !ctx.image.is64 && pgoff + size / PAGE_SIZE >= TWO32) return -ERRNO.EOVERFLOW;
  const type = flags & MAP_TYPE;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== 0x03) return -E.EINVAL;
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
  if (src !== undefined) {
    const err = checkFileMap(src, prot, flags);
    if (err !== 0) return err;
    const s = src;
    return (function* (): Pending {
      yield* mapDescriptor(ctx.space, start, size, toPte(prot), s, pgoff, flags);
      return start;
    })();
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
}

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
    const r = yield* ctx.space.protect(start, start + pageUp(len), toPte(prot));
    return r === "denied" ? -ERRNO.EACCES : r ? 0 : -E.ENOMEM;
  })();
};


/**
 * The process family, by the names of asm/unistd_*.h: a name only one architecture has
 * (newfstatat, fstatat64, mmap2, _llseek, the *_time64 calls) is used there only. Registered
 * with the other families in linux/syscalls/registry.ts.
 */
export const PROCESS_CALLS: Readonly<Record<string, Handler>> = {
  brk: sysBrk,
  mmap: sysMmap(false),
  mmap2: sysMmap(true),
  munmap: sysMunmap,
  mprotect: sysMprotect,
};

/** What the process family does not do yet. */
export const PROCESS_PARTIAL: SyscallFamily["partial"] = {
};
