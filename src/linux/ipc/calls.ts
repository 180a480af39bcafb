// The System V IPC system calls: the direct ones (shmget … msgctl, semtimedop, ppc32's
// semtimedop_time64) and the ipc() multiplexer (syscall 117), which glibc on PowerPC uses for
// all of them. Arguments are read as Linux's entry points take them: a 64-bit process's
// longs and sizes are 64 bits, a 32-bit process's go through the compat entry points (32-bit
// sizes and types, old 32-bit timespecs for ipc()'s SEMTIMEDOP). The direct *ctl calls take
// the new structure layouts and the command as given (powerpc's sys_semctl, not the old
// ipc_parse_version entry); ipc()'s commands carry IPC_64 to ask for the new layouts.

import type { SysContext, Handler, Pending } from "../process/syscalls.js";
import { E } from "../errno.js";
import { argInt, argPtr, argU32, argULong, readStruct } from "../sys/user.js";
import { readTimespec, validTimespec, type TimespecAbi } from "../sys/time.js";
import type { SyscallFamily } from "../syscalls/status.js";
import { IpcCall } from "./limits.js";
import { SemNamespace } from "./sem.js";
import { parseVersion, putAfter, structOf, type CtlCmd } from "./abi.js";
import type { IpcNamespace } from "./namespace.js";

const ipcOf = (ctx: SysContext): IpcNamespace => ctx.thread.proc.sys.ipc;

/** A C long as an exact bigint: 64 bits for a 64-bit process, a sign-extended int for a 32-bit one. */
function argLongExact(ctx: SysContext, i: number): bigint {
  return ctx.image.is64 ? BigInt.asIntN(64, argULong(ctx, i)) : BigInt(argInt(ctx, i));
}

/** A signed long (ssize_t) as a number: exact to 2^53, negative stays negative. */
const signedOf = (ctx: SysContext, v: bigint): number => Number(ctx.image.is64 ? BigInt.asIntN(64, v) : BigInt.asIntN(32, v));

/** A long stored at `va` (a msgbuf's mtype, ipc()'s kludge), exact. */
function longAt(ctx: SysContext, va: number): bigint {
  if (!ctx.image.is64) return BigInt(readStruct(ctx, va, 4).getI32(0));
  const s = readStruct(ctx, va, 8);
  return s.dv.getBigInt64(0, s.le);
}

// ---- shared memory ----

function* shmget(ctx: SysContext, key: number, size: bigint, flags: number): Pending {
  const ns = ipcOf(ctx);
  yield* ns.shm.sweep(ctx.k);
  return ns.shm.get(ctx, key, size, flags);
}

function* shmat(ctx: SysContext, id: number, addr: number, flags: number): Pending {
  const ns = ipcOf(ctx);
  yield* ns.shm.sweep(ctx.k);
  return yield* ns.shm.attach(ctx, id, addr, flags);
}

function* shmdt(ctx: SysContext, addr: number): Pending {
  const ns = ipcOf(ctx);
  yield* ns.shm.sweep(ctx.k);
  return yield* ns.shm.detach(ctx, addr);
}

function* shmctl(ctx: SysContext, id: number, c: CtlCmd, buf: number): Pending {
  const ns = ipcOf(ctx);
  yield* ns.shm.sweep(ctx.k);
  return yield* ns.shm.ctl(ctx, id, c, buf);
}

// ---- semaphores ----

/**
 * semtimedop with the timeout at `tp` (0: none) in `abi`: the timeout is read first (EFAULT),
 * then the operations (EINVAL, E2BIG, EFAULT), then the timeout checked (EINVAL).
 */
function* semtimedop(ctx: SysContext, id: number, sopsVa: number, nsops: number, tp: number, abi: TimespecAbi): Pending {
  const raw = tp === 0 ? undefined : readTimespec(ctx, tp, abi);
  const sops = SemNamespace.readSops(ctx, id, sopsVa, nsops);
  if (typeof sops === "number") return sops;
  let timeout: bigint | undefined;
  if (raw !== undefined) {
    timeout = validTimespec(raw);
    if (timeout === undefined) return -E.EINVAL;
  }
  return yield* ipcOf(ctx).sem.semop(ctx, id, sops, timeout);
}

// ---- message queues ----

/** msgsnd(msqid, msgp, msgsz, msgflg): the type is read before anything is checked (EFAULT). */
function* msgsnd(ctx: SysContext, id: number, msgp: number, size: number, flags: number): Pending {
  const mtype = longAt(ctx, msgp);
  return yield* ipcOf(ctx).msg.send(ctx, id, mtype, msgp + (ctx.image.is64 ? 8 : 4), size, flags);
}

// ---- the direct calls ----

const V64 = (cmd: number): CtlCmd => ({ cmd, v64: true });
/** The unsigned size_t argument `i` (32 bits for a 32-bit process) as a number, saturated past 2^53. */
const sizeArg = (ctx: SysContext, i: number): number => Number(argULong(ctx, i));

const sysShmget: Handler = (ctx) => shmget(ctx, argInt(ctx, 0), argULong(ctx, 1), argInt(ctx, 2));
const sysShmat: Handler = (ctx) => shmat(ctx, argInt(ctx, 0), argPtr(ctx, 1), argInt(ctx, 2));
const sysShmdt: Handler = (ctx) => shmdt(ctx, argPtr(ctx, 0));
const sysShmctl: Handler = (ctx) => shmctl(ctx, argInt(ctx, 0), V64(argInt(ctx, 1)), argPtr(ctx, 2));
const sysSemget: Handler = (ctx) => ipcOf(ctx).sem.get(ctx, argInt(ctx, 0), argInt(ctx, 1), argInt(ctx, 2));
const sysSemctl: Handler = (ctx) => ipcOf(ctx).sem.ctl(ctx, argInt(ctx, 0), argInt(ctx, 1), V64(argInt(ctx, 2)), argULong(ctx, 3));
const sysSemtimedop = (abi: TimespecAbi): Handler => (ctx) => semtimedop(ctx, argInt(ctx, 0), argPtr(ctx, 1), argU32(ctx, 2), argPtr(ctx, 3), abi);
const sysMsgget: Handler = (ctx) => ipcOf(ctx).msg.get(ctx, argInt(ctx, 0), argInt(ctx, 1));
const sysMsgsnd: Handler = (ctx) => msgsnd(ctx, argInt(ctx, 0), argPtr(ctx, 1), sizeArg(ctx, 2), argInt(ctx, 3));
const sysMsgrcv: Handler = (ctx) =>
  ipcOf(ctx).msg.receive(ctx, argInt(ctx, 0), argPtr(ctx, 1), signedOf(ctx, argULong(ctx, 2)), argLongExact(ctx, 3), argInt(ctx, 4));
const sysMsgctl: Handler = (ctx) => ipcOf(ctx).msg.ctl(ctx, argInt(ctx, 0), V64(argInt(ctx, 1)), argPtr(ctx, 2));

// ---- ipc() ----

/**
 * ipc(call, first, second, third, ptr, fifth): the call number's high half is a version (1:
 * msgrcv's arguments direct rather than through a kludge structure; shmat's iBCS2 entry,
 * EINVAL). A 64-bit process's second, third and fifth are longs; a 32-bit one's 32-bit values.
 */
const sysIpc: Handler = (ctx) => {
  const raw = argU32(ctx, 0);
  const version = raw >>> 16, call = raw & 0xffff;
  const is64 = ctx.image.is64;
  const first = argInt(ctx, 1), second = argULong(ctx, 2), third = argULong(ctx, 3), ptr = argPtr(ctx, 4);
  const int = (v: bigint): number => Number(BigInt.asIntN(32, v));
  switch (call) {
    case IpcCall.SEMOP:
      return semtimedop(ctx, first, ptr, Number(BigInt.asUintN(32, second)), 0, "long64");
    case IpcCall.SEMTIMEDOP:
      return semtimedop(ctx, first, ptr, Number(BigInt.asUintN(32, second)), argPtr(ctx, 5), is64 ? "long64" : "old32");
    case IpcCall.SEMGET:
      return ipcOf(ctx).sem.get(ctx, first, int(second), int(third));
    case IpcCall.SEMCTL: {
      if (ptr === 0) return -E.EINVAL;
      // The union semun is passed by address: its first long (32 bits for a 32-bit process).
      const arg = is64 ? BigInt.asUintN(64, longAt(ctx, ptr)) : BigInt(readStruct(ctx, ptr, 4).getU32(0));
      return ipcOf(ctx).sem.ctl(ctx, first, int(second), parseVersion(int(third)), arg);
    }
    case IpcCall.MSGSND:
      return msgsnd(ctx, first, ptr, Number(second), int(third));
    case IpcCall.MSGRCV: {
      const size = signedOf(ctx, second);
      if (!is64 && (first < 0 || size < 0)) return -E.EINVAL;
      if (version === 0) {
        if (ptr === 0) return -E.EINVAL;
        // struct ipc_kludge { struct msgbuf *msgp; long msgtyp; }
        const w = is64 ? 8 : 4;
        const msgp = is64 ? Number(BigInt.asUintN(64, longAt(ctx, ptr))) : readStruct(ctx, ptr, 4).getU32(0);
        return ipcOf(ctx).msg.receive(ctx, first, msgp, size, longAt(ctx, ptr + w), int(third));
      }
      return ipcOf(ctx).msg.receive(ctx, first, ptr, size, argLongExact(ctx, 5), int(third));
    }
    case IpcCall.MSGGET:
      return ipcOf(ctx).msg.get(ctx, first, int(second));
    case IpcCall.MSGCTL:
      return ipcOf(ctx).msg.ctl(ctx, first, parseVersion(int(second)), ptr);
    case IpcCall.SHMAT: {
      if (version === 1) return -E.EINVAL;
      const at = Number(third);
      return (function* (): Pending {
        const r = yield* shmat(ctx, first, ptr, int(second));
        if (r < 0 && r >= -4095) return r;
        // The address goes to *third (an unsigned long); the mapping stays even if that faults.
        const s = structOf(ctx, is64 ? 8 : 4);
        if (is64) s.u64(0, r);
        else s.u32(0, r);
        yield* putAfter(ctx, at, s.b);
        return 0;
      })();
    }
    case IpcCall.SHMDT:
      return shmdt(ctx, ptr);
    case IpcCall.SHMGET:
      return shmget(ctx, first, is64 ? second : BigInt.asUintN(32, second), int(third));
    case IpcCall.SHMCTL:
      return shmctl(ctx, first, parseVersion(int(second)), ptr);
    default:
      return -E.ENOSYS;
  }
};

/** The System V IPC family, by the names of asm/unistd_*.h (registered in linux/syscalls/registry.ts). */
export const IPC_CALLS: Readonly<Record<string, Handler>> = {
  ipc: sysIpc,
  shmget: sysShmget,
  shmat: sysShmat,
  shmdt: sysShmdt,
  shmctl: sysShmctl,
  semget: sysSemget,
  semctl: sysSemctl,
  semtimedop: sysSemtimedop("long64"),
  semtimedop_time64: sysSemtimedop("time64"),
  msgget: sysMsgget,
  msgsnd: sysMsgsnd,
  msgrcv: sysMsgrcv,
  msgctl: sysMsgctl,
};

const OLD = "the old structure layouts (a command without IPC_64) ENOSYS; SHM_HUGETLB ENOSYS";

/** What the family does not do yet. */
export const IPC_PARTIAL: SyscallFamily["partial"] = {
  ipc: OLD,
  shmget: "SHM_HUGETLB ENOSYS (no huge pages)",
};
