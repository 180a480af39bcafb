// Sending and receiving on sockets: send/sendto/sendmsg/sendmmsg and recv/recvfrom/recvmsg/
// recvmmsg over one send and one receive path (unix_stream_sendmsg, unix_dgram_sendmsg and
// unix_seqpacket_sendmsg; their receive sides), with control data: SCM_RIGHTS (rights.ts) and
// SCM_CREDENTIALS. Flags: MSG_DONTWAIT, MSG_PEEK, MSG_WAITALL, MSG_TRUNC, MSG_NOSIGNAL (without
// it, EPIPE on a stream raises SIGPIPE), MSG_CMSG_CLOEXEC, MSG_EOR (accepted); MSG_OOB is
// EOPNOTSUPP (AF_UNIX's out-of-band byte is not built).

import type { Block } from "../../kernel/sched/thread.js";
import type { Pending, SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { gm } from "../sys/fs-common.js";
import { readGuest, Struct, SysError, writeGuest } from "../sys/guest-mem.js";
import { raise } from "../sys/signals.js";
import { readTimespec } from "../sys/time.js";
import { MSG, SockType } from "./abi.js";
import { findPeer, parseUnix, putSockaddr, readSockaddr, sockaddrOf } from "./addr.js";
import { autobindForCred, sockOf, spaceOf, type Args, type ArgsHandler } from "./calls.js";
import { ControlOut, mmsghdrSize, parseControl, readMsghdr, writeMsgBack, type MsgHdr } from "./msg.js";
import { carry, dropRights, receiveRights } from "./rights.js";
import type { Extras, Ucred } from "./unix.js";

const SIGPIPE = 13;

/** Gather an iovec's bytes (EFAULT when the first faults; a later fault ends the data there). */
function gather(ctx: SysContext, iov: readonly [number, number][]): Uint8Array {
  const m = gm(ctx);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const [va, len] of iov) {
    if (len === 0) continue;
    parts.push(readGuest(m, va, len));
    total += len;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Scatter `data` over an iovec. */
function scatter(ctx: SysContext, iov: readonly [number, number][], data: Uint8Array): void {
  const m = gm(ctx);
  let o = 0;
  for (const [va, len] of iov) {
    if (o >= data.length) break;
    const n = Math.min(len, data.length - o);
    if (n > 0) writeGuest(m, va, data.subarray(o, o + n));
    o += n;
  }
}

/** scm_check_creds: a process may send its own pid and ids (root: any). */
function checkCred(ctx: SysContext, c: Ucred): void {
  const cr = ctx.task.creds;
  const root = cr.euid === 0;
  if (!root && c.pid !== ctx.thread.proc.pid) throw new SysError(E.EPERM);
  if (!root && ![cr.uid, cr.euid, cr.suid].includes(c.uid)) throw new SysError(E.EPERM);
  if (!root && ![cr.gid, cr.egid, cr.sgid].includes(c.gid)) throw new SysError(E.EPERM);
}

/**
 * One send: `data` to the socket of `fd` (or to the address `name`/`namelen` for a datagram
 * socket), with control data at `control`. The count sent.
 */
function* doSend(ctx: SysContext, fd: number, data: Uint8Array, name: number, namelen: number, control: number, controllen: number, flags: number): Generator<Block, number, unknown> {
  const { f, sf, s } = sockOf(ctx, fd);
  const c = parseControl(ctx, control, controllen);
  if (c.cred !== undefined) checkCred(ctx, c.cred);
  if ((flags & MSG.OOB) !== 0) return -E.EOPNOTSUPP;
  const nonblock = f.nonblock || (flags & MSG.DONTWAIT) !== 0;
  const space = spaceOf(ctx), k = ctx.k;
  const x: Extras = { cred: c.cred ?? space.who(false), rights: undefined };
  const setRights = (): void => {
    if (c.fds.length > 0) x.rights = carry(ctx.vfs, ctx.thread.proc.domain, c.fds);
  };
  const unsent = function* (): Generator<Block, void, unknown> {
    if (x.rights !== undefined) yield* dropRights(k, x.rights);
    x.rights = undefined;
  };
  try {
    if (s.type === SockType.Stream) {
      if (namelen !== 0) return s.state === "connected" ? -E.EISCONN : -E.EOPNOTSUPP;
      if (s.peer === undefined) return -E.ENOTCONN;
      setRights();
      const n = yield* sf.sendStream(k, ctx.vfs, nonblock, data, x);
      yield* unsent();
      return n;
    }
    if (s.type === SockType.SeqPacket) {
      if (s.err !== 0) {
        const e = s.err;
        s.err = 0;
        return -e;
      }
      if (s.state !== "connected" || s.peer === undefined) return -E.ENOTCONN;
      setRights();
      yield* sf.sendTo(k, ctx.vfs, nonblock, s.peer, data, x, true);
      return data.length;
    }
    let to;
    if (namelen !== 0) {
      to = yield* findPeer(ctx, space, parseUnix(ctx, readSockaddr(ctx, name, namelen)), s.type);
    } else {
      to = s.peer;
      if (to === undefined) return -E.ENOTCONN;
    }
    autobindForCred(ctx, s);
    setRights();
    yield* sf.sendTo(k, ctx.vfs, nonblock, to, data, x, namelen === 0);
    return data.length;
  } catch (e) {
    yield* unsent();
    if (e instanceof SysError && e.errno === E.EPIPE && s.type === SockType.Stream && (flags & MSG.NOSIGNAL) === 0) raise(ctx, SIGPIPE);
    throw e;
  }
}

/** What a receive hands back to its caller. */
interface Got {
  readonly n: number;
  readonly flags: number;
  readonly addr: Uint8Array;
  readonly namelen: number;
  readonly controllen: number;
}

/**
 * One receive from the socket of `fd` into `iov`: the count (a datagram's whole length with
 * MSG_TRUNC), its sender's address, the control messages written at `control` (credentials with
 * SO_PASSCRED, then descriptors), and msg_flags.
 */
function* doRecv(ctx: SysContext, fd: number, iov: readonly [number, number][], control: number, controllen: number, flags: number): Generator<Block, Got, unknown> {
  const { f, sf, s } = sockOf(ctx, fd);
  if ((flags & MSG.OOB) !== 0) throw new SysError(E.EOPNOTSUPP);
  const nonblock = f.nonblock || (flags & MSG.DONTWAIT) !== 0;
  const len = iov.reduce((t, [, l]) => t + l, 0);
  const peek = (flags & MSG.PEEK) !== 0;
  const r = yield* sf.recv(ctx.k, ctx.vfs, nonblock, len, peek, (flags & MSG.WAITALL) !== 0);
  if (r === 0) return { n: 0, flags: 0, addr: new Uint8Array(0), namelen: 0, controllen: 0 };
  let mflags = 0;
  const dgram = s.type !== SockType.Stream;
  if (dgram && r.size > r.bytes.length) mflags |= MSG.TRUNC;
  const out = new ControlOut(ctx, control, controllen);
  if (s.passcred && r.cred !== undefined) out.putCred(r.cred);
  if (r.rights !== undefined) {
    const files = yield* receiveRights(ctx.k, ctx.vfs, ctx.thread.proc.domain, r.rights, out.fdRoom(), r.peeked);
    if (files.length < r.rights.count) out.truncated = true;
    const cloexec = (flags & MSG.CMSG_CLOEXEC) !== 0;
    const fds: number[] = [];
    for (const file of files) {
      const nfd = ctx.vfs.fds.alloc(file, cloexec);
      if (nfd < 0) {
        yield* ctx.vfs.drop(ctx.k, file);
        out.truncated = true;
        continue;
      }
      fds.push(nfd);
    }
    if (fds.length > 0) out.putFds(fds);
  }
  if (out.truncated) mflags |= MSG.CTRUNC;
  scatter(ctx, iov, r.bytes);
  const addr = r.addr === undefined ? new Uint8Array(0) : sockaddrOf(ctx, r.addr);
  return { n: dgram && (flags & MSG.TRUNC) !== 0 ? r.size : r.bytes.length, flags: mflags, addr, namelen: addr.length, controllen: out.used };
}

const oneIov = (buf: number, len: number): [number, number][] => [[buf, Math.min(len, 0x7ffff000)]];

function* sendto(ctx: SysContext, a: Args): Pending {
  const len = Math.min(a.ptr(2), 0x7ffff000);
  const data = gather(ctx, oneIov(a.ptr(1), len));
  return yield* doSend(ctx, a.int(0), data, a.ptr(4), a.int(5), 0, 0, a.int(3));
}

function* recvfrom(ctx: SysContext, a: Args): Pending {
  const g = yield* doRecv(ctx, a.int(0), oneIov(a.ptr(1), a.ptr(2)), 0, 0, a.int(3));
  if (a.ptr(4) !== 0) putSockaddr(ctx, g.addr, a.ptr(4), a.ptr(5));
  return g.n;
}

function* sendmsgOne(ctx: SysContext, fd: number, va: number, flags: number): Generator<Block, number, unknown> {
  const h = readMsghdr(ctx, va);
  return yield* doSend(ctx, fd, gather(ctx, h.iov), h.name, h.name === 0 ? 0 : h.namelen, h.control, h.controllen, flags);
}

function* recvmsgOne(ctx: SysContext, fd: number, va: number, flags: number): Generator<Block, number, unknown> {
  const h: MsgHdr = readMsghdr(ctx, va);
  const g = yield* doRecv(ctx, fd, h.iov, h.control, h.controllen, flags);
  let namelen = 0;
  if (h.name !== 0 && g.addr.length > 0) {
    const n = Math.min(Math.max(h.namelen, 0), g.addr.length);
    if (n > 0) writeGuest(gm(ctx), h.name, g.addr.subarray(0, n));
    namelen = g.addr.length;
  }
  writeMsgBack(ctx, va, namelen, g.controllen, g.flags);
  return g.n;
}

function* sendmmsg(ctx: SysContext, a: Args): Pending {
  const fd = a.int(0), vec = a.ptr(1), vlen = Math.min(a.ptr(2) >>> 0, 1024), flags = a.int(3);
  sockOf(ctx, fd);
  const size = mmsghdrSize(ctx), m = gm(ctx), lenOff = ctx.image.is64 ? 56 : 28;
  let done = 0;
  for (; done < vlen; done++) {
    let n: number;
    try {
      n = yield* sendmsgOne(ctx, fd, vec + done * size, flags);
    } catch (e) {
      if (done > 0 && e instanceof SysError) break;
      throw e;
    }
    if (n < 0) {
      if (done > 0) break;
      return n;
    }
    writeGuest(m, vec + done * size + lenOff, new Struct(4, m.le).u32(0, n).b);
  }
  return done;
}

function* recvmmsg(ctx: SysContext, a: Args, time64: boolean): Pending {
  const fd = a.int(0), vec = a.ptr(1), vlen = Math.min(a.ptr(2) >>> 0, 1024);
  let flags = a.int(3);
  const tp = a.ptr(4);
  sockOf(ctx, fd);
  let until = Infinity;
  if (tp !== 0) {
    const t = readTimespec(ctx, tp, time64 ? "time64" : ctx.image.is64 ? "long64" : "old32");
    if (t.sec < 0n || t.frac < 0n || t.frac >= 1_000_000_000n) return -E.EINVAL;
    until = ctx.k.port.now() + Number(t.sec * 1_000_000_000n + t.frac);
  }
  const size = mmsghdrSize(ctx), m = gm(ctx), lenOff = ctx.image.is64 ? 56 : 28;
  let done = 0;
  for (; done < vlen; done++) {
    let n: number;
    try {
      n = yield* recvmsgOne(ctx, fd, vec + done * size, flags);
    } catch (e) {
      if (done > 0 && e instanceof SysError) break;
      throw e;
    }
    writeGuest(m, vec + done * size + lenOff, new Struct(4, m.le).u32(0, n).b);
    if ((flags & MSG.WAITFORONE) !== 0) flags |= MSG.DONTWAIT;
    if (ctx.k.port.now() >= until) {
      done++;
      break;
    }
  }
  return done;
}

export const SOCKET_DATA: Record<string, ArgsHandler> = {
  sendto,
  send: (ctx, a) => doSendPlain(ctx, a),
  recvfrom,
  recv: (ctx, a) => recvfrom(ctx, { ptr: (i) => (i < 4 ? a.ptr(i) : 0), int: (i) => a.int(i) }),
  sendmsg: (ctx, a) => sendmsgOne(ctx, a.int(0), a.ptr(1), a.int(2)),
  recvmsg: (ctx, a) => recvmsgOne(ctx, a.int(0), a.ptr(1), a.int(2)),
  sendmmsg,
  recvmmsg: (ctx, a) => recvmmsg(ctx, a, false),
  recvmmsg_time64: (ctx, a) => recvmmsg(ctx, a, true),
};

function doSendPlain(ctx: SysContext, a: Args): Pending {
  return sendto(ctx, { ptr: (i) => (i < 4 ? a.ptr(i) : 0), int: (i) => (i < 4 ? a.int(i) : 0) });
}
