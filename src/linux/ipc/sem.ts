// System V semaphores (ipc/sem.c): semget, semop/semtimedop, semctl, and the SEM_UNDO
// adjustments applied when a process ends.
//
// A semop's operations apply all or none, in array order (an operation sees the values the
// earlier ones of the same array left, as Linux's slow path does for every array): a wait for
// zero on a non-zero value, or a decrement below zero, blocks the whole array — unless that
// operation has IPC_NOWAIT (EAGAIN); a value past SEMVMX, or an undo adjustment past SEMAEM, is
// ERANGE. A blocked array waits on its set's queue; whoever changes the set runs the queue in
// arrival order, performs every array that can now proceed on its waiter's behalf (starting
// over after one that changed values), and wakes it with its result. Removing the set wakes
// every waiter with EIDRM; a timeout is EAGAIN; an interruption EINTR (semop is never
// restarted after a signal handler in Linux either).
//
// Undo adjustments belong to a process (what CLONE_SYSVSEM threads share): fork's child starts
// without any, execve keeps them, the end of the process applies them (clamped to 0..SEMVMX).

import type { Block } from "../../kernel/sched/thread.js";
import { E } from "../errno.js";
import type { SysContext } from "../process/syscalls.js";
import { readStruct, writeStruct } from "../sys/user.js";
import { readGuest } from "../sys/guest-mem.js";
import { mem } from "../sys/user.js";
import { IpcIds, ipcGet, ipcOwns, ipcPermits, newPerm, updatePerm, type IpcPerm } from "./ids.js";
import {
  GETALL, GETNCNT, GETPID, GETVAL, GETZCNT, IPC_INFO, IPC_NOWAIT, IPC_RMID, IPC_SET, IPC_STAT, SEMAEM, SEMMAP, SEMMNI, SEMMNS,
  SEMMNU, SEMMSL, SEMOPM, SEMUME, SEMUSZ, SEMVMX, SEM_INFO, SEM_STAT, SEM_STAT_ANY, SEM_UNDO, SETALL, SETVAL, S_IRUGO, S_IWUGO,
} from "./limits.js";
import { PERM64_SIZE, SEMID_DS, abiOf, getPermSet, nowSec, oldLayout, putPerm, putTime, putULong, structOf, type CtlCmd } from "./abi.js";
import { ipcWait, ipcWake, waiterOf, type IpcWaiter } from "./wait.js";

type Gen<T> = Generator<Block, T, unknown>;

/** One operation of a semop array (struct sembuf). */
export interface Sop {
  readonly num: number;
  readonly op: number;
  readonly flg: number;
}

/** A process's undo adjustments for one set (struct sem_undo). */
class SemUndo {
  readonly adj: Int32Array;
  constructor(readonly set: SemSet, readonly pid: number) {
    this.adj = new Int32Array(set.nsems);
  }
}

/** A blocked semop (struct sem_queue). */
interface SemQueue {
  readonly sops: readonly Sop[];
  readonly pid: number;
  readonly alter: boolean;
  readonly undo: SemUndo | undefined;
  /** The operation that blocked it last (GETNCNT and GETZCNT count by it). */
  blocking: Sop;
  /** Its result once decided: 0, or -errno. */
  status: number;
  /** The blocked thread (set when the array starts waiting). */
  waiter: IpcWaiter | undefined;
}

export class SemSet {
  readonly vals: Int32Array;
  /** The pid of the last operation on each semaphore. */
  readonly pids: Int32Array;
  otime = 0;
  readonly pending: SemQueue[] = [];
  readonly undos = new Set<SemUndo>();

  constructor(readonly perm: IpcPerm, readonly nsems: number, public ctime: number) {
    this.vals = new Int32Array(nsems);
    this.pids = new Int32Array(nsems);
  }
}

/** The semaphore part of an IPC namespace. */
export class SemNamespace {
  readonly ids = new IpcIds<SemSet>(SEMMNI);
  /** Semaphores of every set (SEMMNS caps them). */
  usedSems = 0;
  /** Each process's undo structures, by set. */
  private readonly undos = new Map<number, Map<SemSet, SemUndo>>();

  // ---- semget ----

  get(ctx: SysContext, key: number, nsems: number, flags: number): number {
    if (nsems < 0 || nsems > SEMMSL) return -E.EINVAL;
    return ipcGet(ctx.task, this.ids, key, flags, {
      create: () => {
        if (nsems === 0) return -E.EINVAL;
        if (this.usedSems + nsems > SEMMNS) return -E.ENOSPC;
        const id = this.ids.add(new SemSet(newPerm(ctx.task, key, flags), nsems, nowSec(ctx)));
        if (id >= 0) this.usedSems += nsems;
        return id;
      },
      moreChecks: (set) => (nsems > set.nsems ? -E.EINVAL : 0),
    });
  }

  // ---- semop ----

  /** Read a semop array of `nsops` operations at `va` (EINVAL, E2BIG, EFAULT as Linux checks them). */
  static readSops(ctx: SysContext, id: number, va: number, nsops: number): Sop[] | number {
    if (nsops < 1 || id < 0) return -E.EINVAL;
    if (nsops > SEMOPM) return -E.E2BIG;
    const b = readGuest(mem(ctx), va, nsops * 6);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength), le = ctx.image.le;
    const out: Sop[] = [];
    for (let i = 0; i < nsops; i++) out.push({ num: dv.getUint16(i * 6, le), op: dv.getInt16(i * 6 + 2, le), flg: dv.getInt16(i * 6 + 4, le) });
    return out;
  }

  /**
   * semtimedop on set `id` with the operations read (`timeoutNs`: the relative timeout, or
   * undefined to wait for ever): 0, or -errno.
   */
  *semop(ctx: SysContext, id: number, sops: readonly Sop[], timeoutNs: bigint | undefined): Gen<number> {
    let max = 0, undos = false, alter = false;
    for (const s of sops) {
      if (s.num > max) max = s.num;
      if ((s.flg & SEM_UNDO) !== 0) undos = true;
      if (s.op !== 0) alter = true;
    }
    const set = this.ids.get(id);
    if (set === undefined) return -E.EINVAL;
    if (max >= set.nsems) return -E.EFBIG;
    if (!ipcPermits(ctx.task, set.perm, alter ? S_IWUGO : S_IRUGO)) return -E.EACCES;
    const pid = ctx.thread.proc.pid;
    const undo = undos ? this.undoOf(set, pid) : undefined;
    const q: SemQueue = { sops, pid, alter, undo, blocking: sops[0], status: 0, waiter: undefined };
    const r = perform(set, q);
    if (r <= 0) {
      if (r === 0) {
        set.otime = nowSec(ctx);
        if (alter) this.update(set, set.otime);
      }
      return r;
    }
    const deadline = timeoutNs === undefined ? undefined : ctx.time.monotonicNs() + timeoutNs;
    const w = waiterOf(ctx);
    q.waiter = w;
    set.pending.push(q);
    const end = yield* ipcWait(ctx, w, `semop on semaphore set ${set.perm.id}`, deadline);
    if (end === "woken") return q.status;
    const i = set.pending.indexOf(q);
    if (i >= 0) set.pending.splice(i, 1);
    return end === "timeout" ? -E.EAGAIN : -E.EINTR;
  }

  private undoOf(set: SemSet, pid: number): SemUndo {
    let m = this.undos.get(pid);
    if (m === undefined) {
      m = new Map();
      this.undos.set(pid, m);
    }
    let u = m.get(set);
    if (u === undefined) {
      u = new SemUndo(set, pid);
      m.set(set, u);
      set.undos.add(u);
    }
    return u;
  }

  /**
   * The set changed (`now`: the time in seconds): every blocked array that can proceed now is
   * performed and its waiter woken — in arrival order, from the start again after each one
   * that changed values (an earlier waiter may proceed now).
   */
  private update(set: SemSet, now: number): void {
    let again = true;
    while (again) {
      again = false;
      for (let i = 0; i < set.pending.length; i++) {
        const q = set.pending[i];
        const r = perform(set, q);
        if (r > 0) continue;
        set.pending.splice(i, 1);
        i--;
        q.status = r;
        if (q.waiter !== undefined) ipcWake(q.waiter);
        if (r === 0) {
          set.otime = now;
          if (q.alter) {
            again = true;
            break;
          }
        }
      }
    }
  }

  // ---- semctl ----

  /**
   * semctl(semid, semnum, cmd, arg): `arg` is the union semun as the kernel receives it (an
   * unsigned long: the 64-bit kernel's for a 64-bit process, 32 bits for a 32-bit one).
   */
  *ctl(ctx: SysContext, id: number, semnum: number, c: CtlCmd, arg: bigint): Gen<number> {
    const { cmd, v64 } = c;
    if (id < 0) return -E.EINVAL;
    const p = Number(arg);
    switch (cmd) {
      case IPC_INFO:
      case SEM_INFO:
        return this.info(ctx, cmd, p);
      case IPC_STAT:
      case SEM_STAT:
      case SEM_STAT_ANY:
        return v64 ? this.stat(ctx, id, cmd, p) : oldLayout(ctx, "semctl", cmd);
      case GETALL:
      case GETVAL:
      case GETPID:
      case GETNCNT:
      case GETZCNT:
      case SETALL:
        return this.main(ctx, id, semnum, cmd, p);
      case SETVAL: {
        // A 64-bit big-endian process's int member is the high half of the union's register.
        const is64 = ctx.image.is64;
        const val = Number(BigInt.asIntN(32, is64 && !ctx.image.le ? arg >> 32n : arg));
        return this.setval(ctx, id, semnum, val);
      }
      case IPC_SET: {
        if (!v64) return oldLayout(ctx, "semctl", cmd);
        const s = readStruct(ctx, p, ctx.image.is64 ? SEMID_DS.ppc64 : PERM64_SIZE);
        return this.down(ctx, id, cmd, getPermSet(s, 0));
      }
      case IPC_RMID:
        return this.down(ctx, id, cmd, undefined);
      default:
        return -E.EINVAL;
    }
  }

  /** IPC_INFO and SEM_INFO: struct seminfo (SEM_INFO puts the sets and semaphores in use in semusz and semaem). */
  private info(ctx: SysContext, cmd: number, p: number): number {
    const s = structOf(ctx, 40);
    const sem = cmd === SEM_INFO;
    [SEMMAP, SEMMNI, SEMMNS, SEMMNU, SEMMSL, SEMOPM, SEMUME, sem ? this.ids.inUse : SEMUSZ, SEMVMX, sem ? this.usedSems : SEMAEM]
      .forEach((v, i) => s.i32(i * 4, v));
    writeStruct(ctx, p, s);
    return Math.max(this.ids.highest(), 0);
  }

  private stat(ctx: SysContext, id: number, cmd: number, p: number): number {
    const set = cmd === IPC_STAT ? this.ids.get(id) : this.ids.atIndex(id);
    if (set === undefined) return -E.EINVAL;
    if (cmd !== SEM_STAT_ANY && !ipcPermits(ctx.task, set.perm, S_IRUGO)) return -E.EACCES;
    const abi = abiOf(ctx), is64 = abi === "ppc64";
    const s = structOf(ctx, SEMID_DS[abi]);
    putPerm(s, 0, set.perm);
    putTime(s, 48, set.otime, is64);
    putTime(s, 56, set.ctime, is64);
    putULong(s, 64, set.nsems, is64);
    writeStruct(ctx, p, s);
    return cmd === IPC_STAT ? 0 : set.perm.id;
  }

  /** GETALL, SETALL, and the per-semaphore GETVAL, GETPID, GETNCNT, GETZCNT. */
  private main(ctx: SysContext, id: number, semnum: number, cmd: number, p: number): number {
    const set = this.ids.get(id);
    if (set === undefined) return -E.EINVAL;
    if (!ipcPermits(ctx.task, set.perm, cmd === SETALL ? S_IWUGO : S_IRUGO)) return -E.EACCES;
    const n = set.nsems, le = ctx.image.le;
    if (cmd === GETALL) {
      const s = structOf(ctx, n * 2);
      for (let i = 0; i < n; i++) s.u16(i * 2, set.vals[i]);
      writeStruct(ctx, p, s);
      return 0;
    }
    if (cmd === SETALL) {
      const b = readGuest(mem(ctx), p, n * 2);
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const vals: number[] = [];
      for (let i = 0; i < n; i++) vals.push(dv.getUint16(i * 2, le));
      if (vals.some((v) => v > SEMVMX)) return -E.ERANGE;
      const pid = ctx.thread.proc.pid;
      vals.forEach((v, i) => {
        set.vals[i] = v;
        set.pids[i] = pid;
      });
      for (const u of set.undos) u.adj.fill(0);
      set.ctime = nowSec(ctx);
      this.update(set, set.ctime);
      return 0;
    }
    if (semnum < 0 || semnum >= n) return -E.EINVAL;
    switch (cmd) {
      case GETVAL:
        return set.vals[semnum];
      case GETPID:
        return set.pids[semnum];
      case GETNCNT:
        return set.pending.filter((q) => q.blocking.num === semnum && q.blocking.op < 0).length;
      default: // GETZCNT
        return set.pending.filter((q) => q.blocking.num === semnum && q.blocking.op === 0).length;
    }
  }

  private setval(ctx: SysContext, id: number, semnum: number, val: number): number {
    if (val > SEMVMX || val < 0) return -E.ERANGE;
    const set = this.ids.get(id);
    if (set === undefined) return -E.EINVAL;
    if (semnum < 0 || semnum >= set.nsems) return -E.EINVAL;
    if (!ipcPermits(ctx.task, set.perm, S_IWUGO)) return -E.EACCES;
    for (const u of set.undos) u.adj[semnum] = 0;
    set.vals[semnum] = val;
    set.pids[semnum] = ctx.thread.proc.pid;
    set.ctime = nowSec(ctx);
    this.update(set, set.ctime);
    return 0;
  }

  /** IPC_SET and IPC_RMID: the creator, owner or CAP_SYS_ADMIN only. */
  private down(ctx: SysContext, id: number, cmd: number, set: { uid: number; gid: number; mode: number } | undefined): number {
    const s = this.ids.get(id);
    if (s === undefined) return -E.EINVAL;
    if (!ipcOwns(ctx.task, s.perm)) return -E.EPERM;
    if (cmd === IPC_SET && set !== undefined) {
      const r = updatePerm(s.perm, set.uid, set.gid, set.mode);
      if (r < 0) return r;
      s.ctime = nowSec(ctx);
      return 0;
    }
    this.free(s);
    return 0;
  }

  /** freeary: the set goes; its waiters wake with EIDRM, its undo structures are forgotten. */
  private free(set: SemSet): void {
    for (const u of set.undos) this.undos.get(u.pid)?.delete(set);
    set.undos.clear();
    for (const q of set.pending.splice(0)) {
      q.status = -E.EIDRM;
      if (q.waiter !== undefined) ipcWake(q.waiter);
    }
    this.ids.remove(set);
    this.usedSems -= set.nsems;
  }

  // ---- the end of a process ----

  /**
   * Process `pid` ended (`now`: the time in seconds): its undo adjustments are applied to each
   * set still there, clamped to 0..SEMVMX, and the sets' waiters run.
   */
  exit(pid: number, now: number): void {
    const m = this.undos.get(pid);
    if (m === undefined) return;
    this.undos.delete(pid);
    for (const [set, u] of m) {
      set.undos.delete(u);
      if (set.perm.deleted) continue;
      for (let i = 0; i < set.nsems; i++) {
        if (u.adj[i] === 0) continue;
        set.vals[i] = Math.min(Math.max(set.vals[i] + u.adj[i], 0), SEMVMX);
        set.pids[i] = pid;
      }
      this.update(set, now);
    }
  }
}

/**
 * Try `q`'s operations in order on copies of the values: 0 when they all apply (then they are
 * committed, with their undo adjustments and the caller's pid on every semaphore named);
 * 1 when one must wait (it becomes q.blocking), or -EAGAIN if that one has IPC_NOWAIT; -ERANGE
 * past SEMVMX or SEMAEM. Nothing changes unless all apply.
 */
function perform(set: SemSet, q: SemQueue): number {
  const vals = new Map<number, number>(), adj = new Map<number, number>();
  for (const sop of q.sops) {
    const cur = vals.get(sop.num) ?? set.vals[sop.num];
    const r = cur + sop.op;
    if ((sop.op === 0 && cur !== 0) || r < 0) {
      q.blocking = sop;
      return (sop.flg & IPC_NOWAIT) !== 0 ? -E.EAGAIN : 1;
    }
    if (r > SEMVMX) return -E.ERANGE;
    if ((sop.flg & SEM_UNDO) !== 0 && q.undo !== undefined) {
      const u = (adj.get(sop.num) ?? q.undo.adj[sop.num]) - sop.op;
      if (u < -SEMAEM - 1 || u > SEMAEM) return -E.ERANGE;
      adj.set(sop.num, u);
    }
    vals.set(sop.num, r);
  }
  for (const [n, v] of vals) set.vals[n] = v;
  if (q.undo !== undefined) for (const [n, v] of adj) q.undo.adj[n] = v;
  for (const sop of q.sops) set.pids[sop.num] = q.pid;
  return 0;
}
