// fcntl/fcntl64 and flock: descriptor flags, status flags, duplication, record locks (POSIX and
// open-file-description locks through vfs/locks.ts), and the commands this personality has no
// object for, refused with the errno Linux gives for a file that is not one (a pipe's size:
// EBADF; seals: EINVAL).
//
// struct flock layouts (PowerPC): ppc64 {short type, whence; long start, len; int pid} (32
// bytes); ppc32's fcntl {short type, whence; int start, len, pid} (16 bytes); ppc32's fcntl64
// F_*LK64 and F_OFD_* {short type, whence; pad; long long start, len; int pid} (32 bytes).

import type { Block } from "../../kernel/sched/thread.js";
import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { fileAttr } from "../vfs/io.js";
import { F_RDLCK, F_UNLCK, F_WRLCK, type LockWaiter } from "../vfs/locks.js";
import { SETFL_MASK, type OpenFile } from "../vfs/open-file.js";
import { pipeFcntl } from "../vfs/pipe-file.js";
import { Cap } from "../task/credentials.js";
import { gm, intArg, posixOwner } from "./fs-common.js";
import { argAddr, readGuest, Struct, SysError, writeGuest } from "./guest-mem.js";

const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4;
const F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7, F_SETOWN = 8, F_GETOWN = 9, F_SETSIG = 10, F_GETSIG = 11;
const F_GETLK64 = 12, F_SETLK64 = 13, F_SETLKW64 = 14, F_SETOWN_EX = 15, F_GETOWN_EX = 16;
const F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38;
const F_SETLEASE = 1024, F_GETLEASE = 1025, F_NOTIFY = 1026, F_DUPFD_CLOEXEC = 1030;
const F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032, F_ADD_SEALS = 1033, F_GET_SEALS = 1034;
const F_GET_RW_HINT = 1035, F_SET_RW_HINT = 1036;

interface Flock {
  type: number;
  whence: number;
  start: number;
  len: number;
  pid: number;
}

/** The struct flock layout: "long" (ppc64 and ppc32 flock64) or "int" (ppc32's plain flock). */
type Layout = "long" | "int";

function readFlock(ctx: SysContext, va: number, l: Layout): Flock {
  const m = gm(ctx);
  const s = new Struct(readGuest(m, va, l === "long" ? 32 : 16), m.le);
  const t = s.dv.getInt16(0, m.le), w = s.dv.getInt16(2, m.le);
  return l === "long"
    ? { type: t, whence: w, start: s.getI64(8), len: s.getI64(16), pid: s.getI32(24) }
    : { type: t, whence: w, start: s.getI32(4), len: s.getI32(8), pid: s.getI32(12) };
}

function writeFlock(ctx: SysContext, va: number, l: Layout, f: Flock): void {
  const m = gm(ctx);
  if (l === "int" && (f.start > 0x7fffffff || f.len > 0x7fffffff)) throw new SysError(E.EOVERFLOW);
  const s = new Struct(readGuest(m, va, l === "long" ? 32 : 16), m.le);
  s.dv.setInt16(0, f.type, m.le);
  s.dv.setInt16(2, f.whence, m.le);
  if (l === "long") s.i64(8, f.start).i64(16, f.len).i32(24, f.pid);
  else s.i32(4, f.start).i32(8, f.len).i32(12, f.pid);
  writeGuest(m, va, s.b);
}

/** The byte range [start, end] a struct flock names (end Infinity: to the end and beyond). */
function* range(ctx: SysContext, f: OpenFile, fl: Flock): Generator<Block, [number, number], unknown> {
  let base: number;
  switch (fl.whence) {
    case 0: base = 0; break;
    case 1: base = f.pos; break;
    case 2: base = (yield* fileAttr(ctx.k, ctx.vfs, f)).size; break;
    default: throw new SysError(E.EINVAL);
  }
  let start = base + fl.start;
  let end: number;
  if (fl.len > 0) end = start + fl.len - 1;
  else if (fl.len === 0) end = Infinity;
  else {
    end = start - 1;
    start += fl.len;
  }
  if (start < 0) throw new SysError(E.EINVAL);
  return [start, end];
}

/** The lock key of a description: its file, or the description itself when it has no node. */
const keyOf = (f: OpenFile): string => f.key ?? `d${f.desc.name}`;

function* getlk(ctx: SysContext, f: OpenFile, va: number, l: Layout, ofd: boolean): Pending {
  const fl = readFlock(ctx, va, l);
  if (fl.type !== F_RDLCK && fl.type !== F_WRLCK) return -E.EINVAL;
  if (ofd && fl.pid !== 0) return -E.EINVAL;
  const [start, end] = yield* range(ctx, f, fl);
  const v = ctx.vfs;
  const c = v.locks.conflict(keyOf(f), ofd ? v.ofdOwner(f) : posixOwner(ctx), fl.type, start, end);
  if (c === undefined) writeFlock(ctx, va, l, { ...fl, type: F_UNLCK });
  else writeFlock(ctx, va, l, { type: c.type, whence: 0, start: c.start, len: c.end === Infinity ? 0 : c.end - c.start + 1, pid: c.pid });
  return 0;
}

function* setlk(ctx: SysContext, f: OpenFile, va: number, l: Layout, ofd: boolean, wait: boolean): Pending {
  const fl = readFlock(ctx, va, l);
  if (fl.type !== F_RDLCK && fl.type !== F_WRLCK && fl.type !== F_UNLCK) return -E.EINVAL;
  if (ofd && fl.pid !== 0) return -E.EINVAL;
  if (fl.type === F_RDLCK && !f.readable) return -E.EBADF;
  if (fl.type === F_WRLCK && !f.writable) return -E.EBADF;
  const [start, end] = yield* range(ctx, f, fl);
  const v = ctx.vfs;
  const key = keyOf(f);
  const owner = ofd ? v.ofdOwner(f) : posixOwner(ctx);
  const pid = ofd ? -1 : v.pid;
  return yield* lockWaiting(ctx, key, owner, wait, () => v.locks.setRecord(key, owner, pid, fl.type, start, end, wait), () => v.locks.conflict(key, owner, fl.type, start, end)?.owner);
}

/** Try `attempt`; while it is EAGAIN and `wait`, sleep until the file's locks change and try again. */
function* lockWaiting(ctx: SysContext, key: string, owner: string, wait: boolean, attempt: () => number, blocker: () => string | undefined): Pending {
  const locks = ctx.vfs.locks;
  for (;;) {
    const r = attempt();
    if (r !== -E.EAGAIN || !wait) return r;
    const k = ctx.k, t = k.sched.current;
    if (t === undefined) throw new Error("a lock wait outside a thread");
    let woken = false;
    const w: LockWaiter = { owner, blocker: blocker() ?? "", wake: () => { woken = true; k.sched.wake(t); } };
    locks.wait(key, w);
    try {
      while (!woken) yield { kind: "event", what: `lock on ${key}` };
    } finally {
      locks.unwait(key, w);
    }
  }
}

/** fcntl (ppc64; ppc32's with 32-bit struct flock) and fcntl64 (ppc32, 64-bit F_*LK64). */
function fcntl(wide: boolean): Handler {
  return (ctx, a) => {
    const native: Layout = ctx.image.is64 ? "long" : "int";
    const v = ctx.vfs;
    const fd = intArg(a, 0), cmd = a[1] | 0;
    const e = v.fds.get(fd);
    if (e === undefined) return -E.EBADF;
    const f = e.file;
    const m = gm(ctx);
    const argp = argAddr(m, 2);
    const arg = a[2] >>> 0;
    // An O_PATH descriptor answers only the descriptor-level commands (Linux's check_fcntl_cmd).
    if (f.kind === "path" && ![F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL].includes(cmd)) return -E.EBADF;
    switch (cmd) {
      case F_DUPFD:
      case F_DUPFD_CLOEXEC: {
        const min = argAddr(m, 2);
        if (!v.fds.inRange(min)) return -E.EINVAL;
        const nfd = v.fds.alloc(f, cmd === F_DUPFD_CLOEXEC, min);
        if (nfd >= 0) f.retain();
        return nfd;
      }
      case F_GETFD: return e.cloexec ? 1 : 0;
      case F_SETFD: e.cloexec = (arg & 1) !== 0; return 0;
      case F_GETFL: return f.flags;
      case F_SETFL: f.flags = (f.flags & ~SETFL_MASK) | (arg & SETFL_MASK); return 0;
      case F_GETLK: return getlk(ctx, f, argp, native, false);
      case F_SETLK: return setlk(ctx, f, argp, native, false, false);
      case F_SETLKW: return setlk(ctx, f, argp, native, false, true);
      case F_OFD_GETLK: return getlk(ctx, f, argp, wide ? "long" : native, true);
      case F_OFD_SETLK: return setlk(ctx, f, argp, wide ? "long" : native, true, false);
      case F_OFD_SETLKW: return setlk(ctx, f, argp, wide ? "long" : native, true, true);
      case F_GETLK64: case F_SETLK64: case F_SETLKW64:
        // Only ppc32's fcntl64 has them (64-bit Linux has F_GETLK/F_SETLK/F_SETLKW on a long struct).
        if (!wide) return -E.EINVAL;
        if (cmd === F_GETLK64) return getlk(ctx, f, argp, "long", false);
        return setlk(ctx, f, argp, "long", false, cmd === F_SETLKW64);
      case F_GETOWN: return f.owner;
      case F_SETOWN: f.owner = a[2] | 0; return 0;
      case F_GETSIG: return f.sig;
      case F_SETSIG:
        if (arg > 64) return -E.EINVAL;
        f.sig = arg;
        return 0;
      case F_GETOWN_EX: {
        // struct f_owner_ex {int type; pid_t pid}: F_OWNER_PID (1) or F_OWNER_PGRP (2) by the sign of the owner.
        const s = new Struct(8, m.le).i32(0, f.owner < 0 ? 2 : 1).i32(4, Math.abs(f.owner));
        writeGuest(m, argp, s.b);
        return 0;
      }
      case F_SETOWN_EX: {
        const s = new Struct(readGuest(m, argp, 8), m.le);
        const type = s.getI32(0), pid = s.getI32(4);
        if (type === 1 || type === 0) f.owner = pid; // F_OWNER_PID, F_OWNER_TID
        else if (type === 2) f.owner = -pid; // F_OWNER_PGRP
        else return -E.EINVAL;
        return 0;
      }
      case F_GETLEASE: return F_UNLCK; // no lease is ever held
      case F_SETLEASE:
      case F_NOTIFY:
        ctx.log(`fcntl(${cmd === F_SETLEASE ? "F_SETLEASE" : "F_NOTIFY"}): leases and directory notifications are not built, returning EINVAL`);
        return -E.EINVAL;
      case F_SETPIPE_SZ:
      case F_GETPIPE_SZ:
        return pipeFcntl(ctx.k, f, cmd, arg, ctx.task.creds.capable(Cap.SYS_RESOURCE)); // EBADF unless a pipe
      case F_ADD_SEALS:
      case F_GET_SEALS:
        return -E.EINVAL; // not a memfd
      case F_GET_RW_HINT: {
        writeGuest(m, argp, new Struct(8, m.le).u64(0, f.rwHint).b);
        return 0;
      }
      case F_SET_RW_HINT: {
        const h = new Struct(readGuest(m, argp, 8), m.le).getU64(0);
        if (h > 5) return -E.EINVAL;
        f.rwHint = h;
        return 0;
      }
      default:
        return -E.EINVAL;
    }
  };
}

const LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8, LOCK_MAND = 32;

/** flock(fd, op): whole-file locks of the open file description. */
const flock: Handler = (ctx, a) => {
  const v = ctx.vfs;
  const f = v.file(intArg(a, 0));
  if (f.kind === "path") return -E.EBADF;
  const op = a[1] >>> 0;
  if ((op & LOCK_MAND) !== 0) return 0; // Linux ignores LOCK_MAND (with a warning) since 5.15
  const base = op & ~LOCK_NB;
  if (base !== LOCK_SH && base !== LOCK_EX && base !== LOCK_UN) return -E.EINVAL;
  const key = keyOf(f), owner = v.ofdOwner(f);
  if (base === LOCK_UN) return v.locks.flock(key, owner, LOCK_UN);
  return lockWaiting(ctx, key, owner, (op & LOCK_NB) === 0, () => v.locks.flock(key, owner, base), () => undefined);
};

export const FCNTL_CALLS: Record<string, Handler> = { fcntl: fcntl(false), fcntl64: fcntl(true), flock };

export const FCNTL_PARTIAL: Record<string, string> = {
  fcntl: "leases (F_SETLEASE) and directory notifications (F_NOTIFY): EINVAL; F_SETOWN and F_SETSIG are kept but no SIGIO is ever sent; a lock wait is not interrupted by signals",
  fcntl64: "leases (F_SETLEASE) and directory notifications (F_NOTIFY): EINVAL; F_SETOWN and F_SETSIG are kept but no SIGIO is ever sent; a lock wait is not interrupted by signals",
  flock: "a lock wait is not interrupted by signals",
};
