// setsockopt and getsockopt at SOL_SOCKET for Unix-domain sockets (sock_setsockopt,
// sk_getsockopt). Built: SO_TYPE, SO_ERROR, SO_DOMAIN, SO_PROTOCOL, SO_ACCEPTCONN (read-only),
// SO_SNDBUF/SO_RCVBUF (doubled, capped at 212992 first, as Linux), SO_PASSCRED, SO_PEERCRED,
// SO_RCVTIMEO/SO_SNDTIMEO (old and new layouts), and the flags SO_REUSEADDR, SO_KEEPALIVE,
// SO_BROADCAST, SO_DONTROUTE, SO_OOBINLINE (kept and reported, meaningless for AF_UNIX as in
// Linux). Any other option is ENOPROTOOPT (logged as not built); any other level EOPNOTSUPP
// (AF_UNIX has no options of its own).

import type { Pending, SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { gm } from "../sys/fs-common.js";
import { readGuest, Struct, SysError, writeGuest } from "../sys/guest-mem.js";
import { AF_UNIX, DEFAULT_BUF, SO, SOCK_MIN_RCVBUF, SOCK_MIN_SNDBUF, SOL_SOCKET } from "./abi.js";
import { sockOf, type Args, type ArgsHandler } from "./calls.js";
import { takeErr, type UnixSocket } from "./unix.js";

const FLAGS = [SO.REUSEADDR, SO.KEEPALIVE, SO.BROADCAST, SO.DONTROUTE, SO.OOBINLINE] as const;

const flagsOf = (s: UnixSocket): Map<number, number> => s.opts;

/** A struct timeval at `raw` (old: two longs; new: two s64) as nanoseconds (sock_set_timeout). */
function timeoutOf(ctx: SysContext, raw: Struct, wide: boolean): bigint {
  const is64 = ctx.image.is64;
  const sec = wide ? BigInt(raw.getI64(0)) : BigInt(raw.getLong(0, is64));
  const usec = wide ? BigInt(raw.getI64(8)) : BigInt(raw.getLong(is64 ? 8 : 4, is64));
  if (usec < 0n || usec >= 1_000_000n) throw new SysError(E.EDOM);
  if (sec < 0n) return 0n;
  const ns = sec * 1_000_000_000n + usec * 1000n;
  return ns === 0n ? 0n : ns;
}

function setsockopt(ctx: SysContext, a: Args): number {
  const { s } = sockOf(ctx, a.int(0));
  const level = a.int(1), name = a.int(2), optval = a.ptr(3), optlen = a.int(4);
  if (level !== SOL_SOCKET) return -E.EOPNOTSUPP;
  const m = gm(ctx);
  const timeo = name === SO.RCVTIMEO_OLD || name === SO.SNDTIMEO_OLD || name === SO.RCVTIMEO_NEW || name === SO.SNDTIMEO_NEW;
  if (timeo) {
    const wide = name === SO.RCVTIMEO_NEW || name === SO.SNDTIMEO_NEW;
    const size = wide ? 16 : ctx.image.is64 ? 16 : 8;
    if (optlen < size) return -E.EINVAL;
    const ns = timeoutOf(ctx, new Struct(readGuest(m, optval, size), m.le), wide);
    if (name === SO.RCVTIMEO_OLD || name === SO.RCVTIMEO_NEW) s.rcvtimeo = ns;
    else s.sndtimeo = ns;
    return 0;
  }
  if (optlen < 4) return -E.EINVAL;
  const val = new Struct(readGuest(m, optval, 4), m.le).getI32(0);
  switch (name) {
    case SO.PASSCRED:
      s.passcred = val !== 0;
      return 0;
    case SO.SNDBUF:
      s.sndbuf = Math.max(Math.min(val >>> 0, DEFAULT_BUF) * 2, SOCK_MIN_SNDBUF);
      ctx.k.waits.notify(s.ch);
      return 0;
    case SO.RCVBUF:
      s.rcvbuf = Math.max(Math.min(val >>> 0, DEFAULT_BUF) * 2, SOCK_MIN_RCVBUF);
      return 0;
    default:
      if ((FLAGS as readonly number[]).includes(name)) {
        flagsOf(s).set(name, val !== 0 ? 1 : 0);
        return 0;
      }
      ctx.log(`setsockopt(SOL_SOCKET, ${name}) on an AF_UNIX socket: not built, returning ENOPROTOOPT`);
      return -E.ENOPROTOOPT;
  }
}

function* getsockopt(ctx: SysContext, a: Args): Pending {
  const { s } = sockOf(ctx, a.int(0));
  const level = a.int(1), name = a.int(2), optval = a.ptr(3), lenp = a.ptr(4);
  if (level !== SOL_SOCKET) return -E.EOPNOTSUPP;
  const m = gm(ctx);
  const len = new Struct(readGuest(m, lenp, 4), m.le).getI32(0);
  if (len < 0) return -E.EINVAL;
  let out: Struct;
  const int = (v: number): Struct => new Struct(4, m.le).i32(0, v);
  switch (name) {
    case SO.TYPE: out = int(s.type); break;
    case SO.ERROR: out = int(takeErr(s)); break;
    case SO.DOMAIN: out = int(AF_UNIX); break;
    case SO.PROTOCOL: out = int(0); break;
    case SO.ACCEPTCONN: out = int(s.state === "listening" ? 1 : 0); break;
    case SO.SNDBUF: out = int(s.sndbuf); break;
    case SO.RCVBUF: out = int(s.rcvbuf); break;
    case SO.PASSCRED: out = int(s.passcred ? 1 : 0); break;
    case SO.PEERCRED: {
      const c = s.peerCred;
      out = new Struct(12, m.le).i32(0, c?.pid ?? 0).i32(4, c?.uid ?? -1).i32(8, c?.gid ?? -1);
      break;
    }
    case SO.RCVTIMEO_OLD: case SO.SNDTIMEO_OLD: case SO.RCVTIMEO_NEW: case SO.SNDTIMEO_NEW: {
      const ns = name === SO.RCVTIMEO_OLD || name === SO.RCVTIMEO_NEW ? s.rcvtimeo : s.sndtimeo;
      const sec = Number(ns / 1_000_000_000n), usec = Number((ns % 1_000_000_000n) / 1000n);
      const wide = name === SO.RCVTIMEO_NEW || name === SO.SNDTIMEO_NEW;
      if (wide || ctx.image.is64) out = new Struct(16, m.le).i64(0, sec).i64(8, usec);
      else out = new Struct(8, m.le).i32(0, sec).i32(4, usec);
      if (len < out.b.length) return -E.EINVAL; // sock_get_timeout's lv is checked whole
      break;
    }
    default:
      if ((FLAGS as readonly number[]).includes(name)) {
        out = int(flagsOf(s).get(name) ?? 0);
        break;
      }
      ctx.log(`getsockopt(SOL_SOCKET, ${name}) on an AF_UNIX socket: not built, returning ENOPROTOOPT`);
      return -E.ENOPROTOOPT;
  }
  const n = Math.min(len, out.b.length);
  if (n > 0) writeGuest(m, optval, out.b.subarray(0, n));
  writeGuest(m, lenp, new Struct(4, m.le).i32(0, n).b);
  return 0;
}

export const SOCKET_OPTIONS: Record<string, ArgsHandler> = { setsockopt, getsockopt };
