// System V shared memory (ipc/shm.c): shmget, shmat, shmdt, shmctl.
//
// A segment is one shared anonymous FCM of the memory system: every attach maps that FCM
// (a shared region), so every process that attaches it — and every child that inherits an
// attach across fork, where the memory system shares shared FCMs — reads and writes the same
// frames. The segment holds one reference on its FCM; each region mapping it holds one more.
// So shm_nattch is the FCM's count less the segment's own: exactly Linux's count of the vmas
// mapping the segment — attaches, inherited attaches, pieces left by munmap or mprotect — and
// it drops when a process detaches, unmaps, execs or exits, with nothing to hook.
//
// IPC_RMID of an attached segment marks it SHM_DEST and makes its key private; it goes when its
// last attach goes. That moment is noticed at the next IPC call, shmdt, and the end of a process
// (`sweep`): until then its memory lives on, but no call can find it any more.
//
// Not built: SHM_HUGETLB (ENOSYS, logged: no huge pages), the times and last pid of an attach
// inherited by fork or ended by exit/munmap (Linux updates shm_atime/shm_dtime/shm_lpid then;
// here only shmat and shmdt do), /proc/sysvipc/shm, and /proc/PID/maps's "/SYSV..." name
// (a segment shows as anonymous memory there).

import type { Block } from "../../kernel/sched/thread.js";
import type { ObjRef } from "../../kernel/cos/manager.js";
import type { FCM } from "../../kernel/mem/fcm.js";
import type { Kernel } from "../../kernel/kernel.js";
import { RegionFlag, RegionKind } from "../../kernel/mem/region.js";
import { Pte } from "../../machine/pagetable.js";
import { PAGE_SIZE } from "../../machine/memory.js";
import { Cap } from "../task/credentials.js";
import { Rlimit, RLIM_INFINITY } from "../task/resource-limits.js";
import { E } from "../errno.js";
import { findFree, type SysContext } from "../process/syscalls.js";
import { taskSize } from "../exec/elf-file.js";
import { readStruct } from "../sys/user.js";
import { IpcIds, ipcGet, ipcOwns, ipcPermits, newPerm, updatePerm, type IpcPerm } from "./ids.js";
import {
  IPC_INFO, IPC_RMID, IPC_SET, IPC_STAT, SHMALL, SHMLBA, SHMMAX, SHMMIN, SHMMNI, SHM_DEST, SHM_EXEC, SHM_HUGETLB, SHM_INFO,
  SHM_LOCK, SHM_LOCKED, SHM_NORESERVE, SHM_RDONLY, SHM_REMAP, SHM_RND, SHM_STAT, SHM_STAT_ANY, SHM_UNLOCK, S_IRUGO, S_IWUGO, S_IXUGO,
} from "./limits.js";
import { PERM64_SIZE, SHMID_DS, abiOf, getPermSet, nowSec, oldLayout, putPerm, putTime, putULong, structOf, type CtlCmd } from "./abi.js";
import { writeStruct } from "../sys/user.js";

type Gen<T> = Generator<Block, T, unknown>;

export class ShmSegment {
  atime = 0;
  dtime = 0;
  lpid = 0;
  /** The user whose locked-memory account SHM_LOCK charged (while SHM_LOCKED). */
  lockedBy: number | undefined;

  constructor(
    readonly perm: IpcPerm,
    /** shm_segsz, in bytes (a size_t). */
    readonly size: bigint,
    readonly pages: number,
    readonly fcm: ObjRef<FCM>,
    public ctime: number,
    readonly cpid: number,
  ) {}
}

/** The shared-memory part of an IPC namespace. */
export class ShmNamespace {
  readonly ids = new IpcIds<ShmSegment>(SHMMNI);
  /** Pages of every segment (SHM_INFO's shm_tot; SHMALL caps it). */
  totPages = 0;
  /** Segments by their FCM (shmdt recognises a segment's regions by it). */
  private readonly byFcm = new Map<number, ShmSegment>();
  /** Marked for removal while attached: they go when their last attach goes. */
  private readonly dest = new Set<ShmSegment>();
  /** Pages locked by SHM_LOCK, per user (RLIMIT_MEMLOCK bounds them). */
  private readonly lockedPages = new Map<number, number>();

  // ---- attaches and destruction ----

  /** shm_nattch: the regions mapping the segment (its FCM's references less its own). */
  *nattch(k: Kernel, seg: ShmSegment): Gen<number> {
    const ms = k.memory;
    if (ms === undefined) throw new Error("memory system not installed");
    return (yield* ms.files.call(seg.fcm, (f) => f.info().refs)) - 1;
  }

  /** Destroy the segments marked for removal whose last attach went. */
  *sweep(k: Kernel): Gen<void> {
    if (this.dest.size === 0) return;
    for (const seg of [...this.dest]) {
      if (this.dest.has(seg) && (yield* this.nattch(k, seg)) === 0) yield* this.destroy(k, seg);
    }
  }

  private *destroy(k: Kernel, seg: ShmSegment): Gen<void> {
    if (seg.perm.deleted) return; // another call destroyed it while this one waited (a hot-swap)
    this.ids.remove(seg);
    this.dest.delete(seg);
    this.byFcm.delete(seg.fcm);
    this.totPages -= seg.pages;
    this.unlock(seg);
    const ms = k.memory;
    if (ms === undefined) throw new Error("memory system not installed");
    yield* ms.files.drop(seg.fcm); // the segment's own reference: the frames go with the last one
  }

  private unlock(seg: ShmSegment): void {
    if (seg.lockedBy === undefined) return;
    this.lockedPages.set(seg.lockedBy, (this.lockedPages.get(seg.lockedBy) ?? 0) - seg.pages);
    seg.lockedBy = undefined;
    seg.perm.mode &= ~SHM_LOCKED;
  }

  // ---- shmget ----

  /** shmget(key, size, shmflg): the segment's id or -errno. */
  get(ctx: SysContext, key: number, size: bigint, flags: number): number {
    return ipcGet(ctx.task, this.ids, key, flags, {
      create: () => this.newSegment(ctx, key, size, flags),
      moreChecks: (seg) => (seg.size < size ? -E.EINVAL : 0),
    });
  }

  private newSegment(ctx: SysContext, key: number, size: bigint, flags: number): number {
    if (size < BigInt(SHMMIN) || size > SHMMAX) return -E.EINVAL;
    const pages = Number((size + BigInt(PAGE_SIZE - 1)) / BigInt(PAGE_SIZE));
    if (BigInt(this.totPages + pages) > SHMALL) return -E.ENOSPC;
    if ((flags & SHM_HUGETLB) !== 0) {
      ctx.log("shmget SHM_HUGETLB: the machine has no huge pages (a kernel without hugetlbfs), returning ENOSYS");
      return -E.ENOSYS;
    }
    // The heuristic overcommit of a shmem file: more than the machine's memory is refused
    // unless SHM_NORESERVE (no swap here).
    if ((flags & SHM_NORESERVE) === 0 && pages > ctx.k.port.mem.size / PAGE_SIZE) return -E.ENOMEM;
    if (this.ids.full()) return -E.ENOSPC;
    const fcm = ctx.space.ms.newAnonymousFcm(true);
    ctx.k.cos.callNow(fcm, (f) => f.addRef(1)); // the segment's own reference
    const seg = new ShmSegment(newPerm(ctx.task, key, flags), size, pages, fcm, nowSec(ctx), ctx.thread.proc.pid);
    const id = this.ids.add(seg);
    this.byFcm.set(fcm, seg);
    this.totPages += pages;
    return id;
  }

  // ---- shmat ----

  /** shmat(shmid, shmaddr, shmflg): the attach address, or -errno. */
  *attach(ctx: SysContext, id: number, addr: number, flags: number): Gen<number> {
    if (id < 0) return -E.EINVAL;
    let fixed = false;
    if (addr !== 0) {
      if (addr % SHMLBA !== 0) {
        if ((flags & SHM_RND) === 0) return -E.EINVAL; // SHMLBA is the page size: no finer alignment is allowed
        addr -= addr % SHMLBA;
        if (addr === 0 && (flags & SHM_REMAP) !== 0) return -E.EINVAL;
      }
      fixed = true;
    } else if ((flags & SHM_REMAP) !== 0) return -E.EINVAL;
    let prot = Pte.Read, acc = S_IRUGO, regionFlags = RegionFlag.Shared;
    if ((flags & SHM_RDONLY) !== 0) regionFlags |= RegionFlag.NoWrite; // mprotect may not add write later
    else {
      prot |= Pte.Write;
      acc |= S_IWUGO;
    }
    if ((flags & SHM_EXEC) !== 0) {
      prot |= Pte.Exec;
      acc |= S_IXUGO;
    }
    const seg = this.ids.get(id);
    if (seg === undefined) return -E.EINVAL;
    if (!ipcPermits(ctx.task, seg.perm, acc)) return -E.EACCES;
    const len = seg.pages * PAGE_SIZE;
    let start: number;
    if (fixed) {
      if (len > taskSize(ctx.image.is64) - addr) return -E.ENOMEM; // past TASK_SIZE
      if ((flags & SHM_REMAP) === 0 && !ctx.space.isFree(addr, addr + len)) return -E.EINVAL;
      start = addr;
    } else {
      const free = findFree(ctx, len);
      if (free === undefined) return -E.ENOMEM;
      start = free;
    }
    // An attach under way counts (Linux's temporary shm_nattch++): an IPC_RMID meanwhile
    // cannot destroy the segment under the mapping being made.
    const k = ctx.k, ms = ctx.space.ms;
    k.cos.callNow(seg.fcm, (f) => f.addRef(1));
    try {
      yield* ctx.space.map(start, start + len, { prot, kind: RegionKind.Anonymous, flags: regionFlags, fcm: seg.fcm, offset: 0 });
    } finally {
      yield* ms.files.drop(seg.fcm);
    }
    seg.atime = nowSec(ctx);
    seg.lpid = ctx.thread.proc.pid;
    return start;
  }

  // ---- shmdt ----

  /**
   * shmdt(shmaddr): the first segment mapping at or after `addr` that starts where an attach
   * at `addr` would have put it goes, with the later pieces of the same segment within its
   * size (Linux finds a segment's fragments after mprotect or munmap the same way).
   */
  *detach(ctx: SysContext, addr: number): Gen<number> {
    if (addr % PAGE_SIZE !== 0) return -E.EINVAL;
    const space = ctx.space;
    const regions = space.regions().sort((a, b) => a.start - b.start);
    const fits = (r: { start: number; offset: number }): boolean => r.start >= addr && (r.start - addr) / PAGE_SIZE === r.offset;
    let i = regions.findIndex((r) => r.end > addr);
    if (i < 0) return -E.EINVAL;
    let seg: ShmSegment | undefined;
    const gone: { start: number; end: number }[] = [];
    for (; i < regions.length; i++) {
      const r = regions[i], s = this.byFcm.get(r.fcm);
      if (s !== undefined && fits(r)) {
        seg = s;
        gone.push(r);
        i++;
        break;
      }
    }
    if (seg === undefined) return -E.EINVAL;
    const size = seg.pages * PAGE_SIZE;
    for (; i < regions.length && regions[i].end - addr <= size; i++) {
      const r = regions[i];
      if (this.byFcm.get(r.fcm) === seg && fits(r)) gone.push(r);
    }
    for (const r of gone) yield* space.unmap(r.start, r.end);
    seg.dtime = nowSec(ctx);
    seg.lpid = ctx.thread.proc.pid;
    yield* this.sweep(ctx.k);
    return 0;
  }

  // ---- shmctl ----

  /** shmctl(shmid, cmd, buf): Linux's answer for each command. */
  *ctl(ctx: SysContext, id: number, c: CtlCmd, buf: number): Gen<number> {
    const { cmd, v64 } = c;
    if (cmd < 0 || id < 0) return -E.EINVAL;
    switch (cmd) {
      case IPC_INFO:
        return v64 ? this.ipcInfo(ctx, buf) : oldLayout(ctx, "shmctl", cmd);
      case SHM_INFO:
        return yield* this.shmInfo(ctx, buf);
      case IPC_STAT:
      case SHM_STAT:
      case SHM_STAT_ANY:
        return v64 ? yield* this.stat(ctx, id, cmd, buf) : oldLayout(ctx, "shmctl", cmd);
      case IPC_SET: {
        if (!v64) return oldLayout(ctx, "shmctl", cmd);
        // A 64-bit process's whole structure is read; a 32-bit one's perm only (compat's get_compat_ipc64_perm).
        const s = readStruct(ctx, buf, ctx.image.is64 ? SHMID_DS.ppc64 : PERM64_SIZE);
        return yield* this.down(ctx, id, cmd, getPermSet(s, 0));
      }
      case IPC_RMID:
        return yield* this.down(ctx, id, cmd, undefined);
      case SHM_LOCK:
      case SHM_UNLOCK:
        return this.lock(ctx, id, cmd);
      default:
        return -E.EINVAL;
    }
  }

  /** IPC_INFO: struct shminfo64 (a 32-bit process's clamps shmmax to INT_MAX, as compat does). */
  private ipcInfo(ctx: SysContext, buf: number): number {
    const is64 = ctx.image.is64, w = is64 ? 8 : 4;
    const s = structOf(ctx, 9 * w);
    putULong(s, 0, is64 ? SHMMAX : 0x7fffffffn, is64);
    putULong(s, w, SHMMIN, is64);
    putULong(s, 2 * w, SHMMNI, is64);
    putULong(s, 3 * w, SHMMNI, is64); // shmseg
    putULong(s, 4 * w, SHMALL, is64);
    writeStruct(ctx, buf, s);
    return Math.max(this.ids.highest(), 0);
  }

  /** SHM_INFO: struct shm_info (ids in use, pages, resident pages; no swap). */
  private *shmInfo(ctx: SysContext, buf: number): Gen<number> {
    let rss = 0;
    const ms = ctx.space.ms;
    for (const seg of [...this.ids.all()]) {
      if (!seg.perm.deleted) rss += yield* ms.files.call(seg.fcm, (f) => f.info().pages);
    }
    const is64 = ctx.image.is64, w = is64 ? 8 : 4;
    const s = structOf(ctx, w + 5 * w);
    s.i32(0, this.ids.inUse);
    putULong(s, w, this.totPages, is64);
    putULong(s, 2 * w, rss, is64);
    writeStruct(ctx, buf, s);
    return Math.max(this.ids.highest(), 0);
  }

  private *stat(ctx: SysContext, id: number, cmd: number, buf: number): Gen<number> {
    const seg = cmd === IPC_STAT ? this.ids.get(id) : this.ids.atIndex(id);
    if (seg === undefined) return -E.EINVAL;
    if (cmd !== SHM_STAT_ANY && !ipcPermits(ctx.task, seg.perm, S_IRUGO)) return -E.EACCES;
    const nattch = yield* this.nattch(ctx.k, seg);
    const abi = abiOf(ctx), is64 = abi === "ppc64";
    const s = structOf(ctx, SHMID_DS[abi]);
    putPerm(s, 0, seg.perm);
    putTime(s, 48, seg.atime, is64);
    putTime(s, 56, seg.dtime, is64);
    putTime(s, 64, seg.ctime, is64);
    if (is64) s.u64(72, seg.size);
    else s.u32(76, Number(BigInt.asUintN(32, seg.size)));
    s.i32(80, seg.cpid).i32(84, seg.lpid);
    putULong(s, 88, nattch, is64);
    writeStruct(ctx, buf, s);
    return cmd === IPC_STAT ? 0 : seg.perm.id;
  }

  /** IPC_SET and IPC_RMID: the creator, owner or CAP_SYS_ADMIN only. */
  private *down(ctx: SysContext, id: number, cmd: number, set: { uid: number; gid: number; mode: number } | undefined): Gen<number> {
    const seg = this.ids.get(id);
    if (seg === undefined) return -E.EINVAL;
    if (!ipcOwns(ctx.task, seg.perm)) return -E.EPERM;
    if (cmd === IPC_SET && set !== undefined) {
      const r = updatePerm(seg.perm, set.uid, set.gid, set.mode);
      if (r < 0) return r;
      seg.ctime = nowSec(ctx);
      return 0;
    }
    const attached = yield* this.nattch(ctx.k, seg);
    if (seg.perm.deleted) return -E.EIDRM; // destroyed while this call waited
    if (attached > 0) {
      seg.perm.mode |= SHM_DEST;
      this.ids.makePrivate(seg);
      this.dest.add(seg);
    } else yield* this.destroy(ctx.k, seg);
    return 0;
  }

  /**
   * SHM_LOCK and SHM_UNLOCK: without CAP_IPC_LOCK only the creator or owner, and SHM_LOCK only
   * with a non-zero RLIMIT_MEMLOCK, which bounds the user's locked segments (ENOMEM past it).
   * Pages are never swapped out here, so locking is this bookkeeping.
   */
  private lock(ctx: SysContext, id: number, cmd: number): number {
    const seg = this.ids.get(id);
    if (seg === undefined) return -E.EINVAL;
    const task = ctx.task, creds = task.creds;
    const capable = creds.capable(Cap.IPC_LOCK);
    const limit = task.limits.get(Rlimit.MEMLOCK)?.cur ?? RLIM_INFINITY;
    if (!capable) {
      if (creds.euid !== seg.perm.uid && creds.euid !== seg.perm.cuid) return -E.EPERM;
      if (cmd === SHM_LOCK && limit === 0n) return -E.EPERM;
    }
    if (cmd === SHM_UNLOCK) {
      this.unlock(seg);
      return 0;
    }
    if (seg.lockedBy !== undefined) return 0;
    const uid = creds.uid, locked = this.lockedPages.get(uid) ?? 0;
    if (!capable && limit !== RLIM_INFINITY && BigInt(locked + seg.pages) > limit / BigInt(PAGE_SIZE)) return -E.ENOMEM;
    this.lockedPages.set(uid, locked + seg.pages);
    seg.lockedBy = uid;
    seg.perm.mode |= SHM_LOCKED;
    return 0;
  }
}
