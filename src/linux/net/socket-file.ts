// A Unix-domain socket as an open file (file-object.ts): each process's SocketFile names the
// run's one UnixSocket (unix.ts), counted in its `refs` until released, so that fork and
// SCM_RIGHTS share it the way Linux shares a struct file. read and write are recv and send
// without flags (write's EPIPE raises SIGPIPE in sys/rw.ts). The waits of sends, receives,
// connects and accepts are here: each tries the socket, and when it says "wait", waits on the
// socket's channels (through the process's Vfs.wait: interruptible by signals) until a notify,
// SO_RCVTIMEO/SO_SNDTIMEO (then EAGAIN), or a signal (ERESTARTSYS; EINTR when a timeout was set,
// as sock_intr_errno answers).

import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { ChannelWait } from "../../kernel/sched/wait-channel.js";
import type { Attr } from "../../servers/fs/iface.js";
import { E } from "../errno.js";
import { SysError } from "../sys/guest-mem.js";
import { ERESTARTSYS } from "../signals/interruptible.js";
import type { FileObject, Readiness } from "../vfs/file-object.js";
import type { Sink, Source } from "../vfs/io.js";
import type { OpenFile } from "../vfs/open-file.js";
import type { Vfs } from "../vfs/vfs.js";
import { SockType } from "./abi.js";
import { dropRights } from "./rights.js";
import { recvDgram, recvStream, release, sendDgram, sendStream, type Extras, type Received, type SocketSpace, type UnixSocket } from "./unix.js";

/** sockfs's device (an anonymous device; 0:8 on a typical Linux boot). */
export const SOCKFS_DEV = 8;

/**
 * Try `attempt` until it answers, waiting on `channels()` (asked again before each wait: a
 * connect changes them) until machine time `until` (Infinity: none).
 */
export function* waitFor<T>(
  k: Kernel, v: Vfs, channels: () => readonly number[], what: string, nonblock: boolean, timeoutNs: bigint,
  attempt: () => T | "wait",
): Generator<Block, T, unknown> {
  const until = timeoutNs > 0n ? k.port.now() + Number(timeoutNs) : Infinity;
  let w: ChannelWait | undefined;
  try {
    for (;;) {
      const r = attempt();
      if (r !== "wait") return r;
      if (nonblock) throw new SysError(E.EAGAIN);
      if (w === undefined) {
        w = k.waits.prepare(channels(), what);
        continue; // look again, subscribed
      }
      if (k.port.now() >= until) throw new SysError(E.EAGAIN);
      const end = yield* v.wait(w, until);
      if (end === "interrupted") throw new SysError(until === Infinity ? ERESTARTSYS : E.EINTR, `${what}: interrupted by a signal`);
      k.waits.finish(w);
      w = k.waits.prepare(channels(), what);
    }
  } finally {
    if (w !== undefined) k.waits.finish(w);
  }
}

export class SocketFile implements FileObject {
  readonly kind = "socket";
  readonly dev = SOCKFS_DEV;

  constructor(readonly sock: UnixSocket, readonly space: SocketSpace) {}

  get ino(): number {
    return this.sock.ino;
  }

  *read(k: Kernel, v: Vfs, f: OpenFile, len: number, sink: Sink): Generator<Block, number, unknown> {
    const r = yield* this.recv(k, v, f.nonblock, len, false, false);
    if (r === 0) return 0;
    if (r.rights !== undefined) yield* dropRights(k, r.rights); // read() takes no control data: the descriptors are closed
    if (r.bytes.length > 0 && sink(0, r.bytes) === 0) throw new SysError(E.EFAULT);
    return r.bytes.length;
  }

  *write(k: Kernel, v: Vfs, f: OpenFile, len: number, src: Source): Generator<Block, number, unknown> {
    const data = src(0, len);
    if (data.length === 0) throw new SysError(E.EFAULT);
    if (this.sock.type !== SockType.Stream) {
      const p = this.sock.peer;
      if (p === undefined || this.sock.state !== "connected" && this.sock.type === SockType.SeqPacket) throw new SysError(this.sock.type === SockType.Dgram ? E.EDESTADDRREQ : E.ENOTCONN);
      yield* this.sendTo(k, v, f.nonblock, p, data, { cred: this.space.who(false), rights: undefined }, true);
      return data.length;
    }
    return yield* this.sendStream(k, v, f.nonblock, data, { cred: this.space.who(false), rights: undefined });
  }

  /**
   * A stream send of all of `data` (a blocking one waits for room between pieces): the count.
   * An error or a signal after some bytes ends it with the count so far.
   */
  *sendStream(k: Kernel, v: Vfs, nonblock: boolean, data: Uint8Array, x: Extras): Generator<Block, number, unknown> {
    const s = this.sock;
    let sent = 0;
    while (sent < data.length || (data.length === 0 && sent === 0)) {
      let n: number;
      try {
        n = yield* waitFor(k, v, () => s.channels(), `socket ${s.ino} room`, nonblock, s.sndtimeo, () => sendStream(k, s, data, sent, x));
      } catch (e) {
        if (sent > 0 && e instanceof SysError) break;
        throw e;
      }
      sent += n;
      if (data.length === 0) break;
    }
    return sent;
  }

  /** One datagram or record to `to` (waits for room unless `nonblock`). */
  *sendTo(k: Kernel, v: Vfs, nonblock: boolean, to: UnixSocket, data: Uint8Array, x: Extras, connected: boolean): Generator<Block, void, unknown> {
    const s = this.sock;
    yield* waitFor(k, v, () => [s.ch, to.ch], `socket ${s.ino} room`, nonblock, s.sndtimeo, () => sendDgram(k, s, to, data, x, connected));
  }

  /**
   * A receive: a datagram socket's first message, or a stream's bytes (MSG_WAITALL: until `len`
   * of them, the end, an error, a signal, or a piece that carried descriptors). 0 at the end.
   */
  *recv(k: Kernel, v: Vfs, nonblock: boolean, len: number, peek: boolean, waitall: boolean): Generator<Block, Received | 0, unknown> {
    const s = this.sock;
    const what = `socket ${s.ino} data`;
    if (s.type !== SockType.Stream) return yield* waitFor(k, v, () => s.channels(), what, nonblock, s.rcvtimeo, () => recvDgram(k, s, len, peek));
    const first = yield* waitFor(k, v, () => s.channels(), what, nonblock, s.rcvtimeo, () => recvStream(k, s, len, peek));
    if (first === 0 || !waitall || peek || first.bytes.length >= len || first.rights !== undefined) return first;
    // MSG_WAITALL: more pieces until the length; an end, an error, or a signal returns what came.
    const parts = [first.bytes];
    let got = first.bytes.length;
    let rights: Received["rights"] = first.rights;
    while (got < len) {
      let more: Received | 0;
      try {
        more = yield* waitFor(k, v, () => s.channels(), what, nonblock, s.rcvtimeo, () => recvStream(k, s, len - got, false));
      } catch (e) {
        if (e instanceof SysError) break;
        throw e;
      }
      if (more === 0) break;
      parts.push(more.bytes);
      got += more.bytes.length;
      // A piece that carried descriptors ends the receive, MSG_WAITALL or not (unix_stream_read_generic).
      if (more.rights !== undefined) {
        rights = more.rights;
        break;
      }
    }
    const bytes = new Uint8Array(got);
    let o = 0;
    for (const p of parts) {
      bytes.set(p, o);
      o += p.length;
    }
    return { ...first, bytes, size: got, rights };
  }

  *poll(): Generator<Block, Readiness, unknown> {
    return { mask: this.sock.poll(), channels: this.sock.channels() };
  }

  *attr(): Generator<Block, Attr, unknown> {
    const t: [number, number] = [0, 0];
    return { ino: this.sock.ino, mode: 0o140777, nlink: 1, uid: 0, gid: 0, size: 0, blocks: 0, blksize: 4096, rdev: 0, atime: t, mtime: t, ctime: t, btime: t };
  }

  link(): string {
    return `socket:[${this.sock.ino}]`;
  }

  *available(): Generator<Block, number | undefined, unknown> {
    return this.sock.available();
  }

  *release(k: Kernel): Generator<Block, void, unknown> {
    if (--this.sock.refs > 0) return;
    for (const r of release(k, this.space, this.sock)) yield* dropRights(k, r);
  }

  *share(): Generator<Block, SocketFile, unknown> {
    this.sock.refs++;
    return new SocketFile(this.sock, this.space);
  }
}
