// Memory system calls beyond mmap/munmap/mprotect/brk: mremap, madvise, mincore, msync, the
// mlock family, and getcpu. Handlers validate every argument first (Linux's order of checks,
// so the errno is the one Linux gives), then act on the address space.

import { PAGE_SIZE } from "../../machine/memory.js";
import { E, addr, choiceOf, cpuOf, findFree, pageUp, writeGuest, type Handler, type Pending, type SysContext } from "./syscalls.js";

const aligned = (a: number): boolean => a % PAGE_SIZE === 0;

const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;

/** mremap(old, old_size, new_size, flags, new_address). */
const sysMremap: Handler = (ctx, a) => {
  const old = addr(ctx, 0), oldSize = pageUp(addr(ctx, 1)), newSize = pageUp(addr(ctx, 2)), flags = a[3], want = addr(ctx, 4);
  if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) !== 0 || !aligned(old)) return -E.EINVAL;
  if ((flags & MREMAP_FIXED) !== 0 && (flags & MREMAP_MAYMOVE) === 0) return -E.EINVAL;
  if ((flags & MREMAP_DONTUNMAP) !== 0 && ((flags & MREMAP_MAYMOVE) === 0 || oldSize !== newSize)) return -E.EINVAL;
  if (newSize === 0) return -E.EINVAL;
  if ((flags & MREMAP_FIXED) !== 0) {
    if (!aligned(want)) return -E.EINVAL;
    if (want < old + oldSize && old < want + newSize) return -E.EINVAL; // overlapping ranges
  }
  const r = ctx.space.find(old);
  const size = Math.max(oldSize, PAGE_SIZE);
  // The old range must lie within one mapping (Linux merges adjacent alike mappings, so a
  // range covered by regions is one there): EFAULT when it does not.
  if (r === undefined || !ctx.space.covered(old, old + size)) return -E.EFAULT;
  const dontUnmap = (flags & MREMAP_DONTUNMAP) !== 0;
  // What grows a mapping (and refills the old range of MREMAP_DONTUNMAP): fresh anonymous
  // memory, or the file's next pages — in a private file mapping, through its own
  // copy-on-write FCM (so pages it copied stay its own).
  const spec = { prot: r.prot, kind: r.kind, flags: r.flags };
  const fileSpec = (at: number, pages: number) => r.cache === 0 ? spec : { ...spec, fcm: r.fcm, cache: r.cache, offset: r.offset + (at - r.start) / PAGE_SIZE + pages };
  const space = ctx.space;
  if ((flags & MREMAP_FIXED) === 0) {
    if (!dontUnmap && newSize <= size) {
      if (newSize === size) return old;
      return (function* (): Pending {
        yield* space.unmap(old + newSize, old + size);
        return old;
      })();
    }
    if (!dontUnmap && r.end === old + size && space.isFree(old + size, old + newSize) && old + newSize <= ctx.image.stackBottom) {
      return (function* (): Pending {
        yield* space.resize(old + size, old + newSize); // grow in place: the region's end moves
        return old;
      })();
    }
    if ((flags & MREMAP_MAYMOVE) === 0) return -E.ENOMEM;
  }
  let target: number;
  if ((flags & MREMAP_FIXED) !== 0) target = want;
  else {
    const free = findFree(ctx, newSize);
    if (free === undefined) return -E.ENOMEM;
    target = free;
  }
  const keep = Math.min(size, newSize);
  return (function* (): Pending {
    // The pages move with their FCM; the target range is replaced (MREMAP_FIXED).
    yield* space.move(old, keep, target);
    if (dontUnmap) {
      // The old range stays, its pages gone: fresh memory, or the file read again.
      if (r.cache === 0) yield* space.map(old, old + size, spec);
      else yield* space.mapFile(old, old + size, { ...spec, file: r.cache, offset: r.offset + (old - r.start) / PAGE_SIZE, shared: r.fcm === r.cache });
    } else if (size > keep) yield* space.unmap(old + keep, old + size);
    if (newSize > keep) yield* space.map(target + keep, target + newSize, fileSpec(old, keep / PAGE_SIZE));
    return target;
  })();
};

/** Advice values Linux accepts (asm-generic/mman-common.h). */
const ADVICE = new Set([0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
const MADV_DONTNEED = 4, MADV_FREE = 8, MADV_REMOVE = 9;

/** madvise(addr, len, advice): DONTNEED and FREE zero-fill private anonymous memory; the rest are hints. */
const sysMadvise: Handler = (ctx, a) => {
  const start = addr(ctx, 0), len = addr(ctx, 1), advice = a[2] | 0;
  if (!aligned(start) || !ADVICE.has(advice)) return -E.EINVAL;
  if (len === 0) return 0;
  const end = start + pageUp(len);
  if (end < start) return -E.EINVAL;
    // Private anonymous pages are dropped (zero-filled on the next touch); shared ones keep
  // their contents (they live in the shared object; only this mapping of them goes).
  const result = ctx.space.covered(start, end) ? 0 : -E.ENOMEM;
  if (advice !== MADV_DONTNEED && advice !== MADV_FREE && advice !== MADV_REMOVE) return result;
  // Linux applies the advice to the mapped parts and reports ENOMEM for a hole.
  return (function* (): Pending {
    yield* ctx.space.dropPages(start, end);
    return result;
  })();
};

/** mincore(addr, len, vec): one byte per page, bit 0 set when the page is in memory (a file's: in its page cache). */
const sysMincore: Handler = (ctx, a) => {
  const start = addr(ctx, 0), len = addr(ctx, 1), vec = addr(ctx, 2);
  if (!aligned(start)) return -E.EINVAL;
  const end = start + pageUp(len);
  if (!ctx.space.covered(start, end)) return -E.ENOMEM;
  const out = new Uint8Array((end - start) / PAGE_SIZE);
  for (let i = 0; i < out.length; i++) out[i] = ctx.space.incore(start + i * PAGE_SIZE) ? 1 : 0;
  writeGuest(ctx, vec, out);
  return 0;
};

const MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;

/**
 * msync(addr, len, flags): shared file mappings of the range write their dirty pages back
 * (MS_SYNC waits for the writes; MS_ASYNC — which Linux only schedules — does the same, the
 * guest cannot tell the difference but by time); a failed write is EIO. Anonymous and private
 * memory have nothing to write. A hole in the range is ENOMEM, nothing written (Linux writes
 * the mappings before the hole first).
 */
const sysMsync: Handler = (ctx, a) => {
  const start = addr(ctx, 0), len = addr(ctx, 1), flags = a[2] | 0;
  if ((flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) !== 0 || !aligned(start)) return -E.EINVAL;
  if ((flags & MS_ASYNC) !== 0 && (flags & MS_SYNC) !== 0) return -E.EINVAL;
  const end = start + pageUp(len);
  if (end === start) return 0;
  if (!ctx.space.covered(start, end)) return -E.ENOMEM;
  return (function* (): Pending {
    const failed = yield* ctx.space.msync(start, end);
    if (failed === undefined) return -E.ENOMEM;
    return failed > 0 ? -5 /* EIO */ : 0;
  })();
};

/**
 * The range of an mlock-family call, rounded out to pages; ENOMEM for a hole. Locking makes
 * the pages resident (unless `onFault`), waiting for file pages to be read; pages are never
 * swapped out here, so that is all.
 */
function lockRange(ctx: SysContext, populate: boolean): number | Pending {
  const start = addr(ctx, 0), len = addr(ctx, 1);
  const s = start - (start % PAGE_SIZE), e = pageUp(start + len);
  if (!ctx.space.covered(s, e)) return -E.ENOMEM;
  if (!populate) return 0;
  return (function* (): Pending {
    for (let va = s; va < e; va += PAGE_SIZE) {
      // A file page past the end cannot be made resident: Linux's populate fails (EFAULT → ENOMEM).
      if ((yield* ctx.space.faultIn(va, 0, choiceOf(ctx, va / PAGE_SIZE), true)).kind !== "mapped") return -E.ENOMEM;
    }
    return 0;
  })();
}

const sysMlock: Handler = (ctx) => lockRange(ctx, true);
const sysMunlock: Handler = (ctx) => lockRange(ctx, false);
const sysMlock2: Handler = (ctx, a) => ((a[2] & ~1) !== 0 ? -E.EINVAL : lockRange(ctx, (a[2] & 1) === 0));
/** PowerPC's values (arch/powerpc/include/uapi/asm/mman.h), not the generic 1, 2, 4. */
const MCL_CURRENT = 0x2000, MCL_FUTURE = 0x4000, MCL_ONFAULT = 0x8000;
const sysMlockall: Handler = (_ctx, a) => {
  const f = a[0] | 0;
  if (f === 0 || (f & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) !== 0 || f === MCL_ONFAULT) return -E.EINVAL;
  return 0;
};
const sysMunlockall: Handler = () => 0;

/** getcpu(cpu*, node*, cache): the processor and NUMA node the thread runs on now. */
const sysGetcpu: Handler = (ctx) => {
  const le = ctx.image.le;
  const here = cpuOf(ctx);
  for (const [i, v] of [[0, here.cpu], [1, here.node]] as const) {
    const p = addr(ctx, i);
    if (p === 0) continue;
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, le);
    writeGuest(ctx, p, b);
  }
  return 0;
};

/** The memory family, by the names of asm/unistd_*.h (registered in linux/syscalls/registry.ts). */
export const MEMORY_CALLS: Readonly<Record<string, Handler>> = {
  mremap: sysMremap,
  madvise: sysMadvise,
  mincore: sysMincore,
  msync: sysMsync,
  mlock: sysMlock,
  munlock: sysMunlock,
  mlockall: sysMlockall,
  munlockall: sysMunlockall,
  mlock2: sysMlock2,
  getcpu: sysGetcpu,
};
