// Unix-domain sockets (net/unix/af_unix.c) as one object graph of the personality: every
// process of a run lives on its home processor, so the sockets of all of them are plain objects
// in that processor's heap, reached through each process's SocketFile (socket-file.ts). This
// file holds the state and the transitions that never wait: each answers at once, or says
// "wait" — the caller (socket-file.ts, calls.ts) then waits on the socket's wait channel
// (kernel/sched/wait-channel.ts) and asks again, or answers EAGAIN for a non-blocking call.
//
// Invariants, as Linux keeps them:
//  - A connected stream or seqpacket socket has `peer`; it stays set after the peer closed (the
//    peer is `dead`), so that sends find EPIPE and reads find the end of the stream.
//  - A listener's `pending` are embryos: server-side sockets already connected to their client
//    (the client may send before accept), handed out by accept in order.
//  - Every message queued on a socket is charged (`truesize`) to its sender's `wmem` until it
//    is read or dropped; a sender is writable while 4 * wmem <= sndbuf (unix_writable).
//  - Every change that could change what a socket's poll reports, or let a waiter go on, is
//    notified on that socket's channel (`ch`); a socket's readiness is read from it and its peer,
//    so its waiters subscribe to both channels.

import type { Kernel } from "../../kernel/kernel.js";
import { E } from "../errno.js";
import { SysError } from "../sys/guest-mem.js";
import { POLL } from "../vfs/ready.js";
import { DEFAULT_BUF, MAX_DGRAM_QLEN, SockType, SOMAXCONN } from "./abi.js";

/** struct ucred: what SO_PEERCRED and SCM_CREDENTIALS carry. */
export interface Ucred {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

/** Descriptors travelling in a message (SCM_RIGHTS; rights.ts): opaque here. */
export interface Carried {
  readonly count: number;
}

/** One skb: a datagram, a seqpacket record, or a piece of a stream. */
export interface Message {
  readonly data: Uint8Array;
  /** Bytes of a stream piece already read. */
  off: number;
  readonly from: UnixSocket;
  /** The sender's name when it sent (recvfrom's address): sun_path's bytes, or none. */
  readonly addr: Uint8Array | undefined;
  readonly cred: Ucred;
  rights: Carried | undefined;
  readonly truesize: number;
}

/** Linux's sk_shutdown bits. */
export const RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2, SHUTDOWN_MASK = 3;

/** What an skb costs its sender beyond its bytes (about sizeof(sk_buff) and its shared info on 64-bit). */
const SKB_OVERHEAD = 576;

/** A bound name: sun_path's bytes as getsockname shows them, and the key the name space files it under. */
export interface UnixName {
  readonly bytes: Uint8Array;
  readonly key: string;
}

export type SockState = "unconnected" | "listening" | "connected";

export class UnixSocket {
  state: SockState = "unconnected";
  name: UnixName | undefined;
  peer: UnixSocket | undefined;
  readonly queue: Message[] = [];
  /** Embryos connected to this listener, not yet accepted. */
  readonly pending: UnixSocket[] = [];
  backlog = 0;
  /** sk_shutdown: RCV_SHUTDOWN | SEND_SHUTDOWN. */
  shut = 0;
  /** sk_err: reported once by the next call that looks (SO_ERROR, a read). */
  err = 0;
  passcred = false;
  peerCred: Ucred | undefined;
  sndbuf = DEFAULT_BUF;
  rcvbuf = DEFAULT_BUF;
  wmem = 0;
  /** SO_RCVTIMEO/SO_SNDTIMEO in nanoseconds (0: none). */
  rcvtimeo = 0n;
  sndtimeo = 0n;
  /** Flag options kept for getsockopt (SO_REUSEADDR, SO_KEEPALIVE, …: nothing for AF_UNIX). */
  readonly opts = new Map<number, number>();
  /** Released: its last open file description closed. */
  dead = false;
  /** An embryo not accepted yet. */
  embryo = false;
  /** Open descriptions (SocketFiles) naming it in every process; it goes with the last. */
  refs = 1;

  constructor(readonly type: SockType, readonly ch: number, readonly ino: number) {}

  /** The wait channels a waiter on this socket subscribes to. */
  channels(): number[] {
    const p = this.peer;
    return p !== undefined && !p.dead ? [this.ch, p.ch] : [this.ch];
  }

  /** unix_writable: not a listener, and its bytes in flight at most a quarter of sndbuf. */
  writable(): boolean {
    return this.state !== "listening" && this.wmem * 4 <= this.sndbuf;
  }

  get connectionless(): boolean {
    return this.type === SockType.Dgram;
  }

  /**
   * Bytes readable now (FIONREAD, unix_inq_len): a stream's or seqpacket's queued bytes, a
   * datagram socket's first message; a listening socket has none to count (EINVAL).
   */
  available(): number {
    if (this.state === "listening") throw new SysError(E.EINVAL);
    if (this.type === SockType.Dgram) return this.queue.length === 0 ? 0 : this.queue[0].data.length;
    let n = 0;
    for (const m of this.queue) n += m.data.length - m.off;
    return n;
  }

  /** unix_poll (stream) and unix_dgram_poll (datagram, seqpacket). */
  poll(): number {
    let mask = 0;
    if (this.err !== 0) mask |= POLL.ERR;
    if (this.shut === SHUTDOWN_MASK) mask |= POLL.HUP;
    if ((this.shut & RCV_SHUTDOWN) !== 0) mask |= POLL.RDHUP | POLL.IN | POLL.RDNORM;
    if (this.queue.length > 0 || this.pending.length > 0) mask |= POLL.IN | POLL.RDNORM;
    const connected = this.type !== SockType.Dgram;
    // A connection-based socket that is neither connected nor listening is "closed": hung up.
    if (connected && this.state === "unconnected") mask |= POLL.HUP;
    if (this.type === SockType.SeqPacket && this.state === "unconnected") return mask;
    let writable = this.writable();
    if (writable && this.type === SockType.Dgram) {
      const o = this.peer;
      if (o !== undefined && !o.dead && o.peer !== this && o.queueFull()) writable = false;
    }
    if (writable) mask |= POLL.OUT | POLL.WRNORM | POLL.WRBAND;
    return mask;
  }

  /** unix_recvq_full: more queued than the backlog (a listener's embryos, a datagram receiver's messages). */
  queueFull(): boolean {
    return this.state === "listening" ? this.pending.length > this.backlog : this.queue.length > this.backlog;
  }
}

/**
 * The run's socket name space and numbering: bound names (abstract ones by their bytes, path
 * ones by their node), sockfs inode numbers, autobind's counter. One per LinuxSystem.
 */
export class SocketSpace {
  private readonly names = new Map<string, UnixSocket>();
  private nextIno = 0x7000;
  private nextAuto = 0;
  /** Sockets alive (tests). */
  live = 0;

  /**
   * `who(effective)`: the calling thread's process as a ucred — pid (the thread group), and the
   * real ids (what SCM_CREDENTIALS carries) or the effective ones (SO_PEERCRED).
   */
  constructor(readonly who: (effective: boolean) => Ucred) {}

  create(k: Kernel, type: SockType): UnixSocket {
    const s = new UnixSocket(type, k.waits.create(), this.nextIno++);
    // A datagram socket's receive queue holds max_dgram_qlen (+1) from senders that are not its peer.
    if (type === SockType.Dgram) s.backlog = MAX_DGRAM_QLEN;
    this.live++;
    return s;
  }

  find(key: string): UnixSocket | undefined {
    return this.names.get(key);
  }

  /** Give `s` the name `n` (EADDRINUSE when another socket has it). */
  bind(s: UnixSocket, n: UnixName): void {
    if (this.names.has(n.key)) throw new SysError(E.EADDRINUSE);
    this.names.set(n.key, s);
    s.name = n;
  }

  /** An abstract name of five hex digits for `s` (unix_autobind). */
  autobind(s: UnixSocket): void {
    for (let tries = 0; tries <= 0xfffff; tries++) {
      const num = this.nextAuto;
      this.nextAuto = (this.nextAuto + 1) & 0xfffff;
      const bytes = new Uint8Array(6);
      bytes.set(new TextEncoder().encode(num.toString(16).padStart(5, "0")), 1);
      const n = abstractName(bytes, s.type);
      if (!this.names.has(n.key)) return this.bind(s, n);
    }
    throw new SysError(E.ENOSPC);
  }

  /** `s` is released: its name is free again, and its channel goes. */
  forget(k: Kernel, s: UnixSocket): void {
    if (s.name !== undefined && this.names.get(s.name.key) === s) this.names.delete(s.name.key);
    k.waits.destroy(s.ch);
    this.live--;
  }
}

/**
 * An abstract name (sun_path[0] == 0): its bytes exactly as given. Linux files abstract names
 * by type (the hash includes it): sockets of different types may share one, and a connect finds
 * only its own type (ECONNREFUSED, where a path of another type is EPROTOTYPE).
 */
export function abstractName(bytes: Uint8Array, type: SockType): UnixName {
  return { bytes: bytes.slice(), key: `@${type}:${Buffer.from(bytes).toString("hex")}` };
}

/** A path name: the path's bytes and a NUL (the length getsockname shows), filed by node. */
export function pathName(path: Uint8Array, nodeKey: string): UnixName {
  const bytes = new Uint8Array(path.length + 1);
  bytes.set(path);
  return { bytes, key: `node:${nodeKey}` };
}

// ---- connections ----

/** listen: only a bound, unconnected (or listening) stream or seqpacket socket. */
export function listen(k: Kernel, s: UnixSocket, backlog: number, cred: Ucred): void {
  if (s.type === SockType.Dgram) throw new SysError(E.EOPNOTSUPP);
  if (s.name === undefined) throw new SysError(E.EINVAL);
  if (s.state !== "unconnected" && s.state !== "listening") throw new SysError(E.EINVAL);
  // __sys_listen caps the backlog (taken unsigned) at somaxconn.
  s.backlog = backlog >>> 0 > SOMAXCONN ? SOMAXCONN : backlog;
  s.state = "listening";
  s.peerCred = cred;
  k.waits.notify(s.ch); // connectors waiting for room look again
}

/** The stream/seqpacket connect's checks that do not depend on the backlog. */
export function checkConnect(s: UnixSocket, l: UnixSocket): void {
  if (s.state === "connected") throw new SysError(E.EISCONN);
  if (s.state === "listening") throw new SysError(E.EINVAL);
  if (l.type !== s.type) throw new SysError(E.EPROTOTYPE);
  if (l.dead || l.state !== "listening") throw new SysError(E.ECONNREFUSED);
}

/**
 * unix_stream_connect's attempt: `s` connected to a new embryo queued on listener `l`, or false
 * when the backlog is full (wait on `l`'s channel, or EAGAIN).
 */
export function connectStream(k: Kernel, space: SocketSpace, s: UnixSocket, l: UnixSocket, cred: Ucred): boolean {
  checkConnect(s, l);
  if (l.queueFull()) return false;
  const e = space.create(k, s.type);
  e.state = "connected";
  e.embryo = true;
  e.name = l.name; // the server side answers to the listener's name (getsockname)
  e.peer = s;
  e.peerCred = cred;
  e.refs = 0; // no open description until accept
  s.peer = e;
  s.state = "connected";
  s.peerCred = l.peerCred;
  l.pending.push(e);
  k.waits.notify(l.ch);
  return true;
}

/** accept's attempt: the next embryo (now a socket of its own), or undefined. */
export function accept(k: Kernel, l: UnixSocket): UnixSocket | undefined {
  if (l.state !== "listening") throw new SysError(E.EINVAL);
  const e = l.pending.shift();
  if (e === undefined) return undefined;
  e.embryo = false;
  e.refs = 1;
  k.waits.notify(l.ch); // a connector waiting for room
  return e;
}

/** socketpair: two sockets connected to each other, each with the creator's credentials as its peer's. */
export function pair(k: Kernel, space: SocketSpace, type: SockType, cred: Ucred): [UnixSocket, UnixSocket] {
  const a = space.create(k, type), b = space.create(k, type);
  a.peer = b;
  b.peer = a;
  a.state = b.state = "connected";
  a.peerCred = b.peerCred = cred;
  return [a, b];
}

/** shutdown(how): own bits; a stream or seqpacket peer gets the mirror bits. */
export function shutdown(k: Kernel, s: UnixSocket, how: number): void {
  const mode = how + 1; // SHUT_RD 0 → RCV_SHUTDOWN 1, SHUT_WR 1 → SEND_SHUTDOWN 2, SHUT_RDWR 2 → both
  s.shut |= mode;
  k.waits.notify(s.ch);
  const p = s.peer;
  if (p !== undefined && !p.dead && s.type !== SockType.Dgram) {
    if ((mode & RCV_SHUTDOWN) !== 0) p.shut |= SEND_SHUTDOWN;
    if ((mode & SEND_SHUTDOWN) !== 0) p.shut |= RCV_SHUTDOWN;
    k.waits.notify(p.ch);
  }
}

/**
 * unix_release_sock: `s` is gone. A stream or seqpacket peer is shut down both ways (with
 * ECONNRESET when unread data died here, or it was never accepted); a listener's embryos go
 * too. Answers the descriptors that travelled in messages nobody will read (to be dropped).
 */
export function release(k: Kernel, space: SocketSpace, s: UnixSocket): Carried[] {
  const dropped: Carried[] = [];
  s.dead = true;
  s.shut = SHUTDOWN_MASK;
  const p = s.peer;
  if (p !== undefined && !p.dead && s.type !== SockType.Dgram) {
    p.shut = SHUTDOWN_MASK;
    if (s.queue.length > 0 || s.embryo) p.err = E.ECONNRESET;
    k.waits.notify(p.ch);
  }
  for (const m of s.queue.splice(0)) dropped.push(...unqueue(k, m));
  if (s.state === "listening") for (const e of s.pending.splice(0)) dropped.push(...release(k, space, e));
  k.waits.notify(s.ch);
  space.forget(k, s);
  return dropped;
}

/** A message leaves its queue: its sender's bytes in flight go down; its descriptors, if any, are the caller's. */
function unqueue(k: Kernel, m: Message): Carried[] {
  m.from.wmem -= m.truesize;
  if (!m.from.dead) k.waits.notify(m.from.ch);
  const r = m.rights;
  m.rights = undefined;
  return r === undefined ? [] : [r];
}

// ---- sending ----

/** What a send carries besides its bytes. */
export interface Extras {
  readonly cred: Ucred;
  rights: Carried | undefined;
}

function enqueue(k: Kernel, to: UnixSocket, from: UnixSocket, data: Uint8Array, x: Extras): void {
  const truesize = data.length + SKB_OVERHEAD;
  to.queue.push({ data, off: 0, from, addr: from.name?.bytes, cred: x.cred, rights: x.rights, truesize });
  x.rights = undefined; // they travel with the first piece
  from.wmem += truesize;
  k.waits.notify(to.ch);
}

/**
 * unix_stream_sendmsg, one piece: the bytes of `data` from `at` it queued (at least one), or
 * "wait" (no room). EPIPE when this end was shut for writing or the peer for reading or gone;
 * ENOTCONN when not connected.
 */
export function sendStream(k: Kernel, s: UnixSocket, data: Uint8Array, at: number, x: Extras): number | "wait" {
  const p = s.peer;
  if (p === undefined) throw new SysError(E.ENOTCONN);
  if ((s.shut & SEND_SHUTDOWN) !== 0 || p.dead || (p.shut & RCV_SHUTDOWN) !== 0) throw new SysError(E.EPIPE);
  if (s.wmem >= s.sndbuf) return "wait";
  const piece = Math.min(data.length - at, (s.sndbuf >> 1) - 64, 32768 + 3776);
  enqueue(k, p, s, data.subarray(at, at + piece), x);
  return piece;
}

/**
 * unix_dgram_sendmsg's delivery of one datagram (or seqpacket record) to `to`: "sent" or
 * "wait" (the receiver's queue or this sender's buffer is full). `connected`: `to` is `s`'s
 * peer (not an address given with the call).
 */
export function sendDgram(k: Kernel, s: UnixSocket, to: UnixSocket, data: Uint8Array, x: Extras, connected: boolean): "sent" | "wait" {
  if (data.length > s.sndbuf - 32) throw new SysError(E.EMSGSIZE);
  if (to.dead) {
    if (s.type === SockType.SeqPacket) throw new SysError(E.EPIPE);
    if (connected && s.peer === to) s.peer = undefined; // disconnected: the next send says ENOTCONN... after this refusal
    throw new SysError(E.ECONNREFUSED);
  }
  if (s.type === SockType.Dgram && to.peer !== undefined && to.peer !== s) throw new SysError(E.EPERM);
  if ((to.shut & RCV_SHUTDOWN) !== 0 || (s.type === SockType.SeqPacket && (s.shut & SEND_SHUTDOWN) !== 0)) throw new SysError(E.EPIPE);
  if (to.peer !== s && to.queueFull()) return "wait";
  if (s.wmem >= s.sndbuf) return "wait";
  enqueue(k, to, s, data.slice(), x);
  return "sent";
}

// ---- receiving ----

/** What one receive took. */
export interface Received {
  /** Bytes copied to the caller. */
  readonly bytes: Uint8Array;
  /** The message's whole length (a datagram's, for MSG_TRUNC); a stream's: the bytes. */
  readonly size: number;
  readonly addr: Uint8Array | undefined;
  readonly cred: Ucred | undefined;
  readonly rights: Carried | undefined;
  /** The rights are still queued (MSG_PEEK): the receiver gets copies. */
  readonly peeked: boolean;
}

/**
 * A datagram or seqpacket receive: the first message (up to `len` of its bytes), or "wait", or
 * 0 at the end (RCV_SHUTDOWN). A pending error is answered (and cleared) first.
 */
export function recvDgram(k: Kernel, s: UnixSocket, len: number, peek: boolean): Received | 0 | "wait" {
  if (s.type === SockType.SeqPacket && s.state !== "connected") throw new SysError(E.ENOTCONN);
  const m = s.queue[0];
  if (m === undefined) {
    if (s.err !== 0) throw new SysError(takeErr(s));
    if ((s.shut & RCV_SHUTDOWN) !== 0) return 0;
    return "wait";
  }
  const r: Received = { bytes: m.data.subarray(0, Math.min(len, m.data.length)), size: m.data.length, addr: m.addr, cred: m.cred, rights: m.rights, peeked: peek };
  if (!peek) {
    s.queue.shift();
    m.rights = undefined;
    unqueue(k, m);
    k.waits.notify(s.ch);
  }
  return r;
}

/** sock_error: the pending error, cleared. */
export function takeErr(s: UnixSocket): number {
  const e = s.err;
  s.err = 0;
  return e;
}

/**
 * A stream receive: bytes from the queue's pieces (up to `len`), stopping after a piece that
 * carried descriptors; "wait" when none are there; 0 at the end of the stream. Credentials:
 * with SO_PASSCRED, pieces of different writers are not glued together.
 */
export function recvStream(k: Kernel, s: UnixSocket, len: number, peek: boolean, skip = 0): Received | 0 | "wait" {
  if (s.state !== "connected") throw new SysError(E.EINVAL);
  const parts: Uint8Array[] = [];
  let got = 0, skipLeft = skip;
  let cred: Ucred | undefined, rights: Carried | undefined, addr: Uint8Array | undefined;
  let i = 0;
  while (got < len && i < s.queue.length) {
    const m = s.queue[i];
    if (cred !== undefined && s.passcred && !sameCred(cred, m.cred)) break;
    let from = m.off;
    if (skipLeft > 0) {
      const sk = Math.min(skipLeft, m.data.length - from);
      skipLeft -= sk;
      from += sk;
      if (from >= m.data.length) {
        i++;
        continue;
      }
    }
    cred ??= m.cred;
    addr ??= m.addr;
    const take = Math.min(len - got, m.data.length - from);
    parts.push(m.data.subarray(from, from + take));
    got += take;
    if (!peek) {
      m.off += take;
      if (m.rights !== undefined) {
        rights = m.rights;
        m.rights = undefined;
      }
      if (m.off >= m.data.length) {
        s.queue.splice(i, 1);
        unqueue(k, m);
      } else i++;
    } else {
      if (m.rights !== undefined) rights = m.rights;
      i++;
    }
    if (rights !== undefined) break;
  }
  if (got === 0) {
    if (s.err !== 0) throw new SysError(takeErr(s));
    if ((s.shut & RCV_SHUTDOWN) !== 0) return 0;
    return "wait";
  }
  if (!peek) k.waits.notify(s.ch);
  const bytes = new Uint8Array(got);
  let o = 0;
  for (const p of parts) {
    bytes.set(p, o);
    o += p.length;
  }
  return { bytes, size: got, addr, cred, rights, peeked: peek };
}

const sameCred = (a: Ucred, b: Ucred): boolean => a.pid === b.pid && a.uid === b.uid && a.gid === b.gid;
