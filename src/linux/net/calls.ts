// The socket system calls (net/socket.c over net/unix/af_unix.c): socket, socketpair, bind,
// listen, accept/accept4, connect, getsockname/getpeername, shutdown, and ppc's socketcall
// multiplexer; the data calls are in data-calls.ts, the options in sockopt.ts. Only AF_UNIX is
// built: every other family (AF_INET, AF_INET6, AF_NETLINK, …) is EAFNOSUPPORT, logged as not
// built. Handlers take their arguments through `Args`, so that socketcall can hand them the
// block of longs it reads from the guest.

import type { Block } from "../../kernel/sched/thread.js";
import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { gm } from "../sys/fs-common.js";
import { readGuest, Struct, SysError } from "../sys/guest-mem.js";
import { argPtr } from "../sys/user.js";
import { newStruct, writeStruct } from "../sys/user.js";
import { O, type OpenFile } from "../vfs/open-file.js";
import { AF_INET, AF_INET6, AF_MAX, AF_NETLINK, AF_UNIX, SHUT_RDWR, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_TYPE_MASK, SockType } from "./abi.js";
import { bindPath, findPeer, parseUnix, putSockaddr, readSockaddr, sockaddrOf, familyOf } from "./addr.js";
import { SocketFile, waitFor } from "./socket-file.js";
import { abstractName, accept, connectStream, listen, pair, shutdown, type SocketSpace, type UnixSocket } from "./unix.js";

/** A call's arguments: full-width from registers, or from socketcall's block. */
export interface Args {
  /** Argument i as an unsigned long (pointers, sizes). */
  ptr(i: number): number;
  /** Argument i as a C int. */
  int(i: number): number;
}

export const regArgs = (ctx: SysContext): Args => ({ ptr: (i) => argPtr(ctx, i), int: (i) => ctx.cpu.r[(3 + i) * 2] | 0 });

/** The run's socket space. */
export const spaceOf = (ctx: SysContext): SocketSpace => ctx.thread.proc.sys.sockets;

/** The socket behind descriptor `fd`: EBADF, or ENOTSOCK for another kind of file. */
export function sockOf(ctx: SysContext, fd: number): { f: OpenFile; sf: SocketFile; s: UnixSocket } {
  const f = ctx.vfs.file(fd);
  if (!(f.obj instanceof SocketFile)) throw new SysError(E.ENOTSOCK);
  return { f, sf: f.obj, s: f.obj.sock };
}

const FAMILY_NAMES: Readonly<Record<number, string>> = { [AF_INET]: "AF_INET", [AF_INET6]: "AF_INET6", [AF_NETLINK]: "AF_NETLINK" };

/** The socket type of socket(2)'s argument for AF_UNIX (SOCK_RAW is taken as SOCK_DGRAM, as unix_create does). */
function unixType(ctx: SysContext, family: number, type: number, protocol: number): SockType {
  if ((type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC)) !== 0) throw new SysError(E.EINVAL);
  const t = type & SOCK_TYPE_MASK;
  if (family < 0 || family >= AF_MAX) throw new SysError(E.EAFNOSUPPORT);
  if (t < 1 || t > 10) throw new SysError(E.EINVAL);
  if (family !== AF_UNIX) {
    ctx.log(`socket(${FAMILY_NAMES[family] ?? `family ${family}`}): not built (only AF_UNIX sockets are), returning EAFNOSUPPORT`);
    throw new SysError(E.EAFNOSUPPORT);
  }
  if (protocol !== 0 && protocol !== AF_UNIX) throw new SysError(E.EPROTONOSUPPORT);
  switch (t) {
    case SockType.Stream:
    case SockType.Dgram:
    case SockType.SeqPacket:
      return t;
    case SockType.Raw:
      return SockType.Dgram;
    default:
      throw new SysError(E.ESOCKTNOSUPPORT);
  }
}

/** A new descriptor for socket `s` (its file O_RDWR, O_NONBLOCK if asked): the descriptor, or -EMFILE (the socket released). */
export function* installSocket(ctx: SysContext, s: UnixSocket, flags: number): Generator<Block, number, unknown> {
  const v = ctx.vfs;
  const f = v.newFile("socket", O.RDWR | (flags & SOCK_NONBLOCK), undefined, undefined, undefined, new SocketFile(s, spaceOf(ctx)));
  const fd = v.fds.alloc(f, (flags & SOCK_CLOEXEC) !== 0);
  if (fd < 0) yield* v.release(ctx.k, f);
  return fd;
}

function* socket(ctx: SysContext, a: Args): Pending {
  const type = a.int(1);
  const t = unixType(ctx, a.int(0), type, a.int(2));
  return yield* installSocket(ctx, spaceOf(ctx).create(ctx.k, t), type);
}

function* socketpair(ctx: SysContext, a: Args): Pending {
  const type = a.int(1);
  const t = unixType(ctx, a.int(0), type, a.int(2));
  const sv = a.ptr(3);
  const [x, y] = pair(ctx.k, spaceOf(ctx), t, spaceOf(ctx).who(true));
  const v = ctx.vfs;
  const fx = yield* installSocket(ctx, x, type);
  if (fx < 0) {
    y.refs = 1;
    yield* new SocketFile(y, spaceOf(ctx)).release(ctx.k);
    return fx;
  }
  const fy = yield* installSocket(ctx, y, type);
  try {
    if (fy < 0) throw new SysError(-fy);
    writeStruct(ctx, sv, newStruct(ctx, 8).i32(0, fx).i32(4, fy));
  } catch (e) {
    // Nothing is installed (EMFILE, or EFAULT for sv[]): both go.
    yield* v.close(ctx.k, fx);
    if (fy >= 0) yield* v.close(ctx.k, fy);
    throw e;
  }
  return 0;
}

function* bind(ctx: SysContext, a: Args): Pending {
  const { s } = sockOf(ctx, a.int(0));
  const addr = parseUnix(ctx, readSockaddr(ctx, a.ptr(1), a.int(2)));
  const space = spaceOf(ctx);
  switch (addr.kind) {
    case "family":
      if (s.name !== undefined) return -E.EINVAL;
      space.autobind(s);
      return 0;
    case "abstract":
      if (s.name !== undefined) return -E.EINVAL;
      space.bind(s, abstractName(addr.bytes, s.type));
      return 0;
    case "path":
      yield* bindPath(ctx, space, s, addr.path);
      return 0;
  }
}

function listenCall(ctx: SysContext, a: Args): number {
  const { s } = sockOf(ctx, a.int(0));
  listen(ctx.k, s, a.int(1), spaceOf(ctx).who(true));
  return 0;
}

function* acceptCall(ctx: SysContext, a: Args, flags: number): Pending {
  if ((flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) !== 0) return -E.EINVAL;
  const { f, s } = sockOf(ctx, a.int(0));
  if (s.type === SockType.Dgram) return -E.EOPNOTSUPP;
  if (s.state !== "listening") return -E.EINVAL;
  const e = yield* waitFor(ctx.k, ctx.vfs, () => [s.ch], `accept on socket ${s.ino}`, f.nonblock, s.rcvtimeo, () => accept(ctx.k, s) ?? "wait");
  const fd = yield* installSocket(ctx, e, flags);
  if (fd < 0) return fd;
  try {
    putSockaddr(ctx, sockaddrOf(ctx, e.peer?.name), a.ptr(1), a.ptr(2));
  } catch (err) {
    yield* ctx.vfs.close(ctx.k, fd);
    throw err;
  }
  return fd;
}

/** Autobind before a connect or send when SO_PASSCRED is on and the socket has no name. */
export function autobindForCred(ctx: SysContext, s: UnixSocket): void {
  if (s.passcred && s.name === undefined) spaceOf(ctx).autobind(s);
}

function* connect(ctx: SysContext, a: Args): Pending {
  const { f, s } = sockOf(ctx, a.int(0));
  const raw = readSockaddr(ctx, a.ptr(1), a.int(2));
  const space = spaceOf(ctx), k = ctx.k;
  if (s.type === SockType.Dgram) {
    if (raw.length >= 2 && familyOf(ctx, raw) === 0) {
      // AF_UNSPEC: break the association.
      s.peer = undefined;
      s.state = "unconnected";
      k.waits.notify(s.ch);
      return 0;
    }
    const to = yield* findPeer(ctx, space, parseUnix(ctx, raw), s.type);
    autobindForCred(ctx, s);
    if (to.peer !== undefined && to.peer !== s) return -E.EPERM;
    s.peer = to;
    s.state = "connected";
    k.waits.notify(s.ch);
    return 0;
  }
  const addr = parseUnix(ctx, raw);
  autobindForCred(ctx, s);
  const l = yield* findPeer(ctx, space, addr, s.type);
  const cred = space.who(true);
  yield* waitFor(k, ctx.vfs, () => [s.ch, l.ch], `connect to socket ${l.ino}`, f.nonblock, s.sndtimeo, () => (connectStream(k, space, s, l, cred) ? true : "wait"));
  return 0;
}

function getsockname(ctx: SysContext, a: Args): number {
  const { s } = sockOf(ctx, a.int(0));
  putSockaddr(ctx, sockaddrOf(ctx, s.name), a.ptr(1), a.ptr(2));
  return 0;
}

function getpeername(ctx: SysContext, a: Args): number {
  const { s } = sockOf(ctx, a.int(0));
  const p = s.peer;
  if (p === undefined || (s.type !== SockType.Dgram && s.state !== "connected")) return -E.ENOTCONN;
  putSockaddr(ctx, sockaddrOf(ctx, p.name), a.ptr(1), a.ptr(2));
  return 0;
}

function shutdownCall(ctx: SysContext, a: Args): number {
  const { s } = sockOf(ctx, a.int(0));
  const how = a.int(1);
  if (how < 0 || how > SHUT_RDWR) return -E.EINVAL;
  shutdown(ctx.k, s, how);
  return 0;
}

/** The calls by name, over `Args`. */
export type ArgsHandler = (ctx: SysContext, a: Args) => number | Pending;

export const SOCKET_BASE: Record<string, ArgsHandler> = {
  socket, socketpair, bind, listen: listenCall, connect, getsockname, getpeername, shutdown: shutdownCall,
  accept: (ctx, a) => acceptCall(ctx, a, 0),
  accept4: (ctx, a) => acceptCall(ctx, a, a.int(3)),
};

/** Read socketcall's block of `n` longs at `va`. */
export function blockArgs(ctx: SysContext, va: number, n: number): Args {
  const m = gm(ctx), w = m.is64 ? 8 : 4;
  const s = new Struct(readGuest(m, va, n * w), m.le);
  return { ptr: (i) => s.getULong(i * w, m.is64), int: (i) => s.getI32(i * w + (m.is64 && !m.le ? 4 : 0)) };
}

/** Handlers over registers for the table. */
export function fromArgs(h: ArgsHandler): Handler {
  return (ctx) => h(ctx, regArgs(ctx));
}
