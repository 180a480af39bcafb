// The bring-up system calls: the handful a static glibc program needs to start, print and
// exit, with real semantics, registered by name (BRINGUP_CALLS) in linux/syscalls/registry.ts
// and run by the dispatcher (linux/syscalls/dispatch.ts). The Linux personality's families
// replace them (the time, identity, resource, system and signal calls: src/linux/sys).
//
// Handlers validate first (a bad guest pointer is EFAULT), then act. They return the result
// (>= 0) or a negative errno.

import type { Stats } from "node:fs";
import { PAGE_SIZE } from "../../machine/memory.js";
import { Pte } from "../../machine/pagetable.js";
import type { Cpu } from "../../machine/power/cpu.js";
import { GuestFault } from "../../machine/power/mmu.js";
import { SysError } from "../sys/guest-mem.js";
import { checkFileMap, mapDescriptor, type MapSource } from "../sys/map-source.js";
import { E as ERRNO } from "../errno.js";
import { lo32, hi32, TWO32 } from "../../kernel/mem/va.js";
import type { Space } from "../../kernel/mem/space.js";
import { PageWait, RegionKind, pageWait } from "../../kernel/mem/region.js";
import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { NodeChoice } from "../../kernel/mem/page-allocator.js";
import type { ProcessImage } from "../exec/load.js";
import { FileTable, errnoOf } from "./files.js";
import type { GuestTime } from "./guest-time.js";
import type { SyscallFamily } from "../syscalls/status.js";
import type { TaskPolicy } from "../numa/mempolicy.js";
import type { Task } from "../task/task.js";
import { lstatSync, statSync } from "node:fs";

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
  write(fd: number, data: Uint8Array): number;
  /** Set by exit/exit_group. */
  exitCode: number | undefined;
  /** Set when a signal's default action ends the process (sys/signals.ts raise). */
  killedBy: number | undefined;
  log(msg: string): void;
  /** Next address for anonymous mmap (grows down). */
  mmapTop: number;
  files: FileTable;
  /** The guest's clocks and random generator. */
  time: GuestTime;
  /** The Linux task: ids, credentials, limits, signal state, prctl attributes (src/linux/task). */
  task: Task;
  /**
   * What descriptor `fd` maps (mmap of a file), or -errno (EBADF): the file-descriptor layer's
   * answer. Until that layer provides it, only tests set it; without it, mmap of a descriptor
   * is ENODEV (logged).
   */
  mapSource?(fd: number): MapSource | number;
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

/**
 * Bring in the page a guest access faulted on, for a system call's copy; false: EFAULT (also
 * for a file page past the end, where a user access would be SIGBUS). A file page being read
 * throws PageWait: the call waits for it and runs again.
 */
function faultIn(ctx: SysContext, e: GuestFault): boolean {
  const va = (e.eaHi >>> 0) * TWO32 + (e.eaLo >>> 0);
  const r = ctx.space.faultNow(va, e.access, choiceOf(ctx, Math.floor(va / PAGE_SIZE)));
  if (r.kind === "in progress") throw new PageWait(r.obj);
  return r.kind === "mapped";
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

const sysWrite: Handler = (ctx, a) => {
  const fd = a[0] | 0, len = a[2];
  if (len > 1 << 30) return -E.EINVAL;
  const data = readGuestPopulating(ctx, addr(ctx, 1), len);
  return ctx.write(fd, data);
};

const sysWritev: Handler = (ctx, a) => {
  const fd = a[0] | 0, iov = addr(ctx, 1), n = a[2];
  if (n > 1024) return -E.EINVAL;
  const w = ctx.image.is64 ? 8 : 4;
  const vec = readGuestPopulating(ctx, iov, n * 2 * w);
  const dv = new DataView(vec.buffer);
  // Every buffer's file pages are brought in before anything is written: a page being read
  // makes the call wait and run again (PageWait), which must not write the first buffers twice.
  for (let i = 0; i < n; i++) {
    const base = w === 8 ? Number(dv.getBigUint64(i * 16, ctx.image.le)) : dv.getUint32(i * 8, ctx.image.le);
    const len = w === 8 ? Number(dv.getBigUint64(i * 16 + 8, ctx.image.le)) : dv.getUint32(i * 8 + 4, ctx.image.le);
    try {
      if (len > 0) readGuestPopulating(ctx, base, Math.min(len, 1 << 30));
    } catch (e) {
      if (!(e instanceof GuestFault)) throw e; // a bad buffer: EFAULT when the loop below reaches it
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const base = w === 8 ? Number(dv.getBigUint64(i * 16, ctx.image.le)) : dv.getUint32(i * 8, ctx.image.le);
    const len = w === 8 ? Number(dv.getBigUint64(i * 16 + 8, ctx.image.le)) : dv.getUint32(i * 8 + 4, ctx.image.le);
    if (len === 0) continue;
    const r = ctx.write(fd, readGuestPopulating(ctx, base, len));
    if (r < 0) return total > 0 ? total : r;
    total += r;
  }
  return total;
};

const sysRead: Handler = (ctx, a) => {
  if (ctx.files.isConsoleIn(a[0] | 0)) {
    // Host input may not have arrived yet: the guest thread blocks for it ({ kind: "host" }).
    const va = addr(ctx, 1), max = Math.min(a[2], 1 << 20);
    if (max === 0) return 0;
    return (function* (): Pending {
      const bytes = yield* ctx.k.hostRead(max);
      // The input is consumed: a buffer page being read from a file is waited for here.
      for (;;) {
        try {
          writeGuest(ctx, va, bytes);
          return bytes.length;
        } catch (e) {
          if (!(e instanceof PageWait)) throw e;
          yield pageWait(e.obj);
        }
      }
    })();
  }
  const r = ctx.files.read(a[0] | 0, a[2]);
  if (typeof r === "number") return r;
  writeGuest(ctx, addr(ctx, 1), r);
  return r.length;
};

/** pread64(fd, buf, count, offset): the offset is a 64-bit argument (a register pair on ppc32). */
const sysPread64: Handler = (ctx, a) => {
  const off = ctx.image.is64 ? addr(ctx, 3) : a[4] * TWO32 + a[5];
  const r = ctx.files.read(a[0] | 0, a[2], off);
  if (typeof r === "number") return r;
  writeGuest(ctx, addr(ctx, 1), r);
  return r.length;
};

const sysOpenat = (dirArg: boolean): Handler => (ctx, a) => {
  const dirfd = dirArg ? a[0] | 0 : AT_FDCWD;
  const i = dirArg ? 1 : 0;
  const path = readCString(ctx, addr(ctx, i));
  if (!path.startsWith("/") && dirfd !== AT_FDCWD) {
    ctx.log(`openat relative to directory fd ${dirfd}: not built in the bring-up runner`);
    return -E.ENOSYS;
  }
  return ctx.files.open(path, a[i + 1], ctx.image.is64);
};

const sysClose: Handler = (ctx, a) => ctx.files.close(a[0] | 0);

const sysLseek: Handler = (ctx, a) => {
  const off = ctx.image.is64 ? Number(BigInt.asIntN(64, (BigInt(ctx.cpu.r[4 * 2 + 1]) << 32n) | BigInt(a[1]))) : a[1] | 0;
  return ctx.files.lseek(a[0] | 0, off, a[2]);
};

/** _llseek(fd, offset_high, offset_low, result*, whence) (ppc32). */
const sysLlseek: Handler = (ctx, a) => {
  const off = (a[1] | 0) * TWO32 + a[2];
  const r = ctx.files.lseek(a[0] | 0, off, a[4]);
  if (r < 0) return r;
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt(r), ctx.image.le);
  writeGuest(ctx, addr(ctx, 3), b);
  return 0;
};

const sysFcntl: Handler = (ctx, a) => ctx.files.fcntl(a[0] | 0, a[1] | 0, a[2] | 0);

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

/**
 * mmap(addr, len, prot, flags, fd, offset) and ppc32's mmap2 (`pages`: the offset is in 4096-byte
 * units). Linux's order of checks (arch/powerpc/kernel/syscalls.c, mm/mmap.c ksys_mmap_pgoff and
 * do_mmap): protection, offset alignment, descriptor, length, type, place, then the file's own
 * checks (map-source.ts).
 */
const sysMmap = (pages: boolean): Handler => (ctx, a) => {
  const hint = addr(ctx, 0), len = addr(ctx, 1), prot = a[2], flags = a[3];
  if ((prot & ~PROT_VALID) !== 0) return -E.EINVAL;
  const off = pages ? a[5] * PAGE_SIZE : addr(ctx, 5);
  if (off % PAGE_SIZE !== 0) return -E.EINVAL;
  const pgoff = off / PAGE_SIZE;
  let src: MapSource | undefined;
  if ((flags & MAP_ANONYMOUS) === 0) {
    const fd = a[4] | 0;
    if (ctx.mapSource === undefined) {
      if (!ctx.files.has(fd)) return -E.EBADF;
      ctx.log("mmap of a file: the bring-up runner's descriptors cannot be mapped (the file-descriptor layer provides mapSource), returning ENODEV");
      return -ERRNO.ENODEV;
    }
    const s = ctx.mapSource(fd);
    if (typeof s === "number") return s;
    src = s;
  }
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
    const r = yield* ctx.space.protect(start, start + pageUp(len), toPte(prot));
    return r === "denied" ? -ERRNO.EACCES : r ? 0 : -E.ENOMEM;
  })();
};

const sysSetRobustList: Handler = (_ctx, a) => {
  const w = a[1];
  return w === 24 || w === 12 ? 0 : -E.EINVAL; // the kernel only records the head
};

function readCString(ctx: SysContext, va: number, max = 4096): string {
  const bytes: number[] = [];
  for (let i = 0; i < max; i++) {
    const b = readGuestPopulating(ctx, va + i, 1)[0];
    if (b === 0) return new TextDecoder().decode(Uint8Array.from(bytes));
    bytes.push(b);
  }
  throw new SysError(36); // ENAMETOOLONG
}

const sysReadlink: Handler = (ctx, a) => {
  const path = readCString(ctx, addr(ctx, 0));
  const buf = addr(ctx, 1), size = a[2];
  if (path !== "/proc/self/exe") {
    ctx.log(`readlink(${JSON.stringify(path)}): no file system in the bring-up runner`);
    return -E.ENOENT;
  }
  const target = new TextEncoder().encode(ctx.exePath);
  const n = Math.min(size, target.length);
  writeGuest(ctx, buf, target.subarray(0, n));
  return n;
};

/** struct stat (ppc64) or struct stat64 (ppc32) for fstat/newfstatat/fstatat64. */
function encodeStat(ctx: SysContext, st: Stats): Uint8Array {
  const le = ctx.image.le;
  const sec = (ms: number): number => Math.floor(ms / 1000);
  const nsec = (ms: number): number => Math.round((ms % 1000) * 1e6);
  if (ctx.image.is64) {
    const b = new Uint8Array(144);
    const dv = new DataView(b.buffer);
    const q = (o: number, v: number): void => dv.setBigUint64(o, BigInt(Math.max(0, Math.floor(v))), le);
    q(0, st.dev); q(8, st.ino); q(16, st.nlink);
    dv.setUint32(24, st.mode, le); dv.setUint32(28, st.uid, le); dv.setUint32(32, st.gid, le);
    q(40, st.rdev); q(48, st.size); q(56, st.blksize); q(64, st.blocks);
    q(72, sec(st.atimeMs)); q(80, nsec(st.atimeMs)); q(88, sec(st.mtimeMs)); q(96, nsec(st.mtimeMs));
    q(104, sec(st.ctimeMs)); q(112, nsec(st.ctimeMs));
    return b;
  }
  const b = new Uint8Array(104);
  const dv = new DataView(b.buffer);
  const q = (o: number, v: number): void => dv.setBigUint64(o, BigInt(Math.max(0, Math.floor(v))), le);
  q(0, st.dev); q(8, st.ino);
  dv.setUint32(16, st.mode, le); dv.setUint32(20, st.nlink, le); dv.setUint32(24, st.uid, le); dv.setUint32(28, st.gid, le);
  q(32, st.rdev); q(48, st.size); dv.setInt32(56, st.blksize, le); q(64, st.blocks);
  dv.setInt32(72, sec(st.atimeMs), le); dv.setUint32(76, nsec(st.atimeMs), le);
  dv.setInt32(80, sec(st.mtimeMs), le); dv.setUint32(84, nsec(st.mtimeMs), le);
  dv.setInt32(88, sec(st.ctimeMs), le); dv.setUint32(92, nsec(st.ctimeMs), le);
  return b;
}

const AT_EMPTY_PATH = 0x1000;

const sysFstat: Handler = (ctx, a) => {
  const st = ctx.files.stat(a[0] | 0);
  if (typeof st === "number") return st;
  writeGuest(ctx, addr(ctx, 1), encodeStat(ctx, st));
  return 0;
};

const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;

/** stat of (dirfd, path, flags) as the *at calls see it, or -errno. */
function statAt(ctx: SysContext, dirfd: number, path: string, flags: number): Stats | number {
  if (path === "") {
    if ((flags & AT_EMPTY_PATH) === 0) return -E.ENOENT;
    return ctx.files.stat(dirfd);
  }
  if (!path.startsWith("/") && dirfd !== AT_FDCWD) {
    ctx.log(`stat relative to directory fd ${dirfd}: not built in the bring-up runner`);
    return -E.ENOSYS;
  }
  try {
    return (flags & AT_SYMLINK_NOFOLLOW) !== 0 ? lstatSync(path) : statSync(path);
  } catch (e) {
    return -errnoOf(e);
  }
}

const sysFstatat: Handler = (ctx, a) => {
  const st = statAt(ctx, a[0] | 0, readCString(ctx, addr(ctx, 1)), a[3]);
  if (typeof st === "number") return st;
  writeGuest(ctx, addr(ctx, 2), encodeStat(ctx, st));
  return 0;
};

const sysStatx: Handler = (ctx, a) => {
  const st = statAt(ctx, a[0] | 0, readCString(ctx, addr(ctx, 1)), a[2]);
  if (typeof st === "number") return st;
  const le = ctx.image.le;
  const b = new Uint8Array(256);
  const dv = new DataView(b.buffer);
  const q = (o: number, v: number): void => dv.setBigUint64(o, BigInt(Math.max(0, Math.floor(v))), le);
  const ts = (o: number, ms: number): void => {
    dv.setBigInt64(o, BigInt(Math.floor(ms / 1000)), le);
    dv.setUint32(o + 8, Math.round((ms % 1000) * 1e6), le);
  };
  dv.setUint32(0, 0x7ff, le); // STATX_BASIC_STATS
  dv.setUint32(4, st.blksize, le);
  dv.setUint32(16, st.nlink, le); dv.setUint32(20, st.uid, le); dv.setUint32(24, st.gid, le);
  dv.setUint16(28, st.mode, le);
  q(32, st.ino); q(40, st.size); q(48, st.blocks);
  ts(64, st.atimeMs); ts(80, st.birthtimeMs); ts(96, st.ctimeMs); ts(112, st.mtimeMs);
  dv.setUint32(128, Math.floor(st.rdev / 256) & 0xfff, le); dv.setUint32(132, st.rdev & 0xff, le);
  dv.setUint32(136, Math.floor(st.dev / 256) & 0xfff, le); dv.setUint32(140, st.dev & 0xff, le);
  writeGuest(ctx, addr(ctx, 4), b);
  return 0;
};

const TCGETS = 0x402c7413;
const sysIoctl: Handler = (ctx, a) => {
  const fd = a[0] | 0;
  if (!ctx.files.has(fd)) return -E.EBADF;
  if ((a[1] >>> 0) === TCGETS) {
    ctx.log("ioctl(TCGETS): terminals are not available in the bring-up runner");
    return -E.ENOTTY;
  }
  return -E.ENOTTY;
};

/**
 * The bring-up family, by the names of asm/unistd_*.h: a name only one architecture has
 * (newfstatat, fstatat64, mmap2, _llseek, the *_time64 calls) is used there only. Registered
 * with the other families in linux/syscalls/registry.ts.
 */
export const BRINGUP_CALLS: Readonly<Record<string, Handler>> = {
  exit: sysExit,
  exit_group: sysExit,
  read: sysRead,
  write: sysWrite,
  writev: sysWritev,
  pread64: sysPread64,
  open: sysOpenat(false),
  openat: sysOpenat(true),
  close: sysClose,
  lseek: sysLseek,
  _llseek: sysLlseek,
  fcntl: sysFcntl,
  fcntl64: sysFcntl,
  ioctl: sysIoctl,
  readlink: sysReadlink,
  fstat: sysFstat,
  fstat64: sysFstat,
  newfstatat: sysFstatat,
  fstatat64: sysFstatat,
  statx: sysStatx,
  set_robust_list: sysSetRobustList,
  brk: sysBrk,
  mmap: sysMmap(false),
  mmap2: sysMmap(true),
  munmap: sysMunmap,
  mprotect: sysMprotect,
};

/** What the bring-up handlers do not do (the Linux personality's families replace them). */
export const BRINGUP_PARTIAL: SyscallFamily["partial"] = {
  write: "descriptors 1 and 2 only (every other descriptor is a read-only file: EBADF)",
  writev: "descriptors 1 and 2 only (every other descriptor is a read-only file: EBADF)",
  open: "read-only host files; nothing can be created or written",
  openat: "read-only host files; relative to a directory descriptor: ENOSYS",
  ioctl: "always ENOTTY (no terminals)",
  readlink: "/proc/self/exe only (ENOENT for every other path)",
  newfstatat: "host paths; relative to a directory descriptor: ENOSYS",
  fstatat64: "host paths; relative to a directory descriptor: ENOSYS",
  statx: "host paths; relative to a directory descriptor: ENOSYS",
  fstat: { ppc32: "fills struct stat64, not the old struct stat of ppc32's fstat" },
  set_robust_list: "the list head is not kept (one thread)",
  mmap: "a descriptor maps what the file-descriptor layer's mapSource says; the bring-up runner's own descriptors have none (ENODEV)",
  mmap2: "a descriptor maps what the file-descriptor layer's mapSource says; the bring-up runner's own descriptors have none (ENODEV)",
};
