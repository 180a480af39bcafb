// The pipe server: PipeIface's methods on one processor, over the one shared table of pipes
// and ends (PipeTable). An end is an open file description of a pipe; its handle is made for
// the domain that opened it (clientData = the end's number), and a call through any other
// handle, or a number the table does not hold for that very handle, is EBADF. Every change a
// waiter could be waiting for is notified on the pipe's channel: data or end of file on `rd`,
// room or a broken pipe on `wr`, a FIFO partner on `rd`; a change of the open counts on both.

import { Rights, type CallContext, type Impl, type ServerEnv } from "../../kernel/ppc/iface.js";
import type { Handle, Json } from "../../kernel/ppc/values.js";
import { PipeErrno, refuse } from "./errno.js";
import { EndMode, PipeIface, type FifoEnd, type Notifier, type PipeInfo, type PipePair, END } from "./iface.js";
import { EMPTY, FULL, PAGE, Pipe } from "./pipe.js";

/** An open file description of a pipe. */
interface End {
  readonly pipe: Pipe;
  readonly mode: EndMode;
  /** f_version: a FIFO opened for reading without a writer reports no POLLHUP until one came. */
  readonly version: number;
  /** The handle made for it: only a call through this very handle reaches it. */
  readonly xh: number;
  /** The FIFO's key, for a named pipe. */
  readonly fifo: string | undefined;
}

/** pipefs's first inode number (anonymous pipes count up from here). */
const FIRST_INO = 0x5000;

/** The pipes and their ends, shared by the server's dispatchers. */
export class PipeTable {
  readonly ends = new Map<number, End>();
  readonly fifos = new Map<string, Pipe>();
  private nextEnd = 1;
  private nextIno = FIRST_INO;
  /** Pipes alive (tests). */
  pipes = 0;

  constructor(readonly capacity: number) {}

  endNumber(): number {
    if (this.ends.size >= this.capacity) refuse(PipeErrno.ENFILE, "pipe server's table of ends is full");
    while (this.nextEnd === 0 || this.ends.has(this.nextEnd)) this.nextEnd = (this.nextEnd + 1) >>> 0;
    return this.nextEnd++;
  }

  ino(): number {
    return this.nextIno++;
  }
}

const asJson = (v: unknown): Json => v as Json;

/** The rights of an end's handle: its access, the end methods, and grant. */
function endRights(mode: EndMode): number {
  return ((mode & EndMode.Read) !== 0 ? Rights.Read : 0) | ((mode & EndMode.Write) !== 0 ? Rights.Write : 0) | END | Rights.Grant;
}

/** One processor's dispatcher object (all of them share the table). */
export class PipeServer implements Impl<typeof PipeIface> {
  constructor(
    private readonly t: PipeTable,
    private readonly env: ServerEnv,
    /** This processor's wait channels. */
    private readonly ch: Notifier,
  ) {}

  // ---- making pipes ----

  create(ctx: CallContext): Json {
    const p = this.newPipe();
    p.readers = p.writers = 1;
    p.rCounter = p.wCounter = 1;
    const read = this.newEnd(p, EndMode.Read, 0, undefined, ctx.caller);
    const write = this.newEnd(p, EndMode.Write, 0, undefined, ctx.caller);
    return asJson({ read, write, ino: p.ino, rd: p.rd, wr: p.wr } satisfies PipePair);
  }

  openFifo(key: string, mode: number, nonblock: boolean, ctx: CallContext): Json {
    if (mode !== EndMode.Read && mode !== EndMode.Write && mode !== EndMode.Both) refuse(PipeErrno.EINVAL, "FIFO open mode");
    let p = this.t.fifos.get(key);
    if (p === undefined) {
      p = this.newPipe();
      this.t.fifos.set(key, p);
    }
    let version = 0;
    let partner: number | undefined;
    switch (mode) {
      case EndMode.Read:
        p.rCounter++;
        p.readers++;
        if (p.writers === 0) {
          if (nonblock) version = p.wCounter; // no POLLHUP before a writer came
          else partner = p.wCounter;
        }
        break;
      case EndMode.Write:
        if (nonblock && p.readers === 0) {
          this.dropIfUnused(p, key);
          refuse(PipeErrno.ENXIO, "no reader of the FIFO");
        }
        p.wCounter++;
        p.writers++;
        if (p.readers === 0) partner = p.rCounter;
        break;
      case EndMode.Both:
        p.readers++;
        p.writers++;
        p.rCounter++;
        p.wCounter++;
        break;
    }
    // Wake the other side's opener (and pollers: the counts changed).
    this.ch.notify(p.rd);
    this.ch.notify(p.wr);
    const end = this.newEnd(p, mode, version, key, ctx.caller);
    return asJson({ end, rd: p.rd, wr: p.wr, ...(partner !== undefined ? { partner } : {}) } satisfies FifoEnd);
  }

  // ---- an end ----

  read(max: number, ctx: CallContext): Uint8Array {
    const p = this.end(ctx).pipe;
    const wasFull = p.full;
    const r = p.read(Math.max(1, max));
    if (r === EMPTY) refuse(PipeErrno.EAGAIN, "pipe empty");
    if (wasFull && !p.full) this.ch.notify(p.wr);
    return r;
  }

  write(data: Uint8Array, merge: number, packet: boolean, ctx: CallContext): number {
    const p = this.end(ctx).pipe;
    if (data.length === 0) return 0;
    const r = p.write(data, Math.min(merge, data.length, PAGE - 1), packet);
    if (r === "epipe") refuse(PipeErrno.EPIPE, "no reader");
    if (r === FULL) refuse(PipeErrno.EAGAIN, "pipe full");
    this.ch.notify(p.rd);
    return r;
  }

  poll(ctx: CallContext): number {
    const e = this.end(ctx);
    return e.pipe.poll((e.mode & EndMode.Read) !== 0, (e.mode & EndMode.Write) !== 0, e.version);
  }

  info(ctx: CallContext): Json {
    const p = this.end(ctx).pipe;
    return asJson({ bytes: p.bytes, size: p.slots * PAGE, ino: p.ino } satisfies PipeInfo);
  }

  setSize(arg: number, privileged: boolean, ctx: CallContext): number {
    const p = this.end(ctx).pipe;
    const n = p.setSize(arg, privileged);
    this.ch.notify(p.wr); // more room, perhaps
    return n;
  }

  partner(counter: number, ctx: CallContext): boolean {
    const e = this.end(ctx);
    return (e.mode === EndMode.Read ? e.pipe.wCounter : e.pipe.rCounter) !== counter;
  }

  grant(owner: number, ctx: CallContext): Handle {
    const e = this.end(ctx);
    const p = e.pipe;
    if ((e.mode & EndMode.Read) !== 0) p.readers++;
    if ((e.mode & EndMode.Write) !== 0) p.writers++;
    return this.newEnd(p, e.mode, e.version, e.fifo, owner);
  }

  close(ctx: CallContext): void {
    const e = this.end(ctx);
    this.t.ends.delete(ctx.clientData);
    this.env.revoke(ctx.handle);
    const p = e.pipe;
    if ((e.mode & EndMode.Read) !== 0) p.readers--;
    if ((e.mode & EndMode.Write) !== 0) p.writers--;
    // The other side sees end of file, a broken pipe, or the end of its wait for a partner.
    this.ch.notify(p.rd);
    this.ch.notify(p.wr);
    if (p.unused) this.dropIfUnused(p, e.fifo);
  }

  // ---- the table ----

  private newPipe(): Pipe {
    this.t.pipes++;
    return new Pipe(this.t.ino(), this.ch.create(), this.ch.create());
  }

  /** A pipe with no end left goes (a FIFO's unread bytes with it, as Linux frees its pipe_inode_info). */
  private dropIfUnused(p: Pipe, fifo: string | undefined): void {
    if (!p.unused) return;
    if (fifo !== undefined && this.t.fifos.get(fifo) === p) this.t.fifos.delete(fifo);
    this.t.pipes--;
    this.ch.destroy(p.rd);
    this.ch.destroy(p.wr);
  }

  private newEnd(pipe: Pipe, mode: EndMode, version: number, fifo: string | undefined, owner: number): Handle {
    const no = this.t.endNumber();
    const h = this.env.createHandle(owner, endRights(mode), Rights.None, no);
    this.t.ends.set(no, { pipe, mode, version, xh: h.xh, fifo });
    return h;
  }

  /** The end a call came through, or EBADF (only the owner holds rights on an end's handle). */
  private end(ctx: CallContext): End {
    const e = ctx.clientData === 0 || (ctx.rights & END) === 0 ? undefined : this.t.ends.get(ctx.clientData);
    if (e === undefined || e.xh !== ctx.handle.xh) refuse(PipeErrno.EBADF, "not an end of this server's pipes");
    return e;
  }
}
