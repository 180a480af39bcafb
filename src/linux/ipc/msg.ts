// System V message queues (ipc/msg.c): msgget, msgsnd, msgrcv, msgctl.
//
// A queue holds typed messages in arrival order, bounded by msg_qbytes (MSGMNB by default) in
// bytes and in count. msgsnd to a full queue waits (EAGAIN with IPC_NOWAIT); a message sent
// while receivers wait goes straight to the first one whose type selection it meets (one whose
// buffer is too small, without MSG_NOERROR, is woken with E2BIG and the next is tried), else it
// joins the queue. msgrcv takes the first message of the type asked (0: any; > 0: that type,
// or any other with MSG_EXCEPT; < 0: the lowest type up to |msgtyp|), or with MSG_COPY the
// message at that position without taking it, and waits when there is none (ENOMSG with
// IPC_NOWAIT). Removing a queue wakes its receivers and senders with EIDRM; IPC_SET makes them
// look again (permissions or the size may have changed). An interruption is EINTR (Linux
// returns ERESTARTNOHAND: restarted when no handler ran; the signal code decides that).

import type { Block } from "../../kernel/sched/thread.js";
import { assertNever } from "../../machine/assert.js";
import { Cap } from "../task/credentials.js";
import { E } from "../errno.js";
import type { SysContext } from "../process/syscalls.js";
import { readGuest } from "../sys/guest-mem.js";
import { mem, readStruct, writeStruct } from "../sys/user.js";
import { IpcIds, ipcGet, ipcOwns, ipcPermits, newPerm, updatePerm, type IpcPerm } from "./ids.js";
import {
  IPC_INFO, IPC_NOWAIT, IPC_RMID, IPC_SET, IPC_STAT, MSGMAP, MSGMAX, MSGMNB, MSGMNI, MSGPOOL, MSGSEG, MSGSSZ, MSGTQL, MSG_COPY,
  MSG_EXCEPT, MSG_INFO, MSG_NOERROR, MSG_STAT, MSG_STAT_ANY, S_IRUGO, S_IWUGO,
} from "./limits.js";
import { MSQID_DS, PERM64_SIZE, abiOf, getPermSet, nowSec, oldLayout, putAfter, putPerm, putTime, structOf, type CtlCmd } from "./abi.js";
import { ipcWait, ipcWake, waiterOf, type IpcWaiter } from "./wait.js";

type Gen<T> = Generator<Block, T, unknown>;

interface Msg {
  readonly type: bigint;
  readonly text: Uint8Array;
}

/** How msgrcv selects (convert_mode). */
const enum Search { Any, Equal, NotEqual, LessEqual, Number }

interface Receiver {
  readonly type: bigint;
  readonly mode: Search;
  /** The largest message it takes (its buffer; unbounded with MSG_NOERROR). */
  readonly maxsize: number;
  readonly pid: number;
  /** What a sender or a change handed it: a message, or -errno (EAGAIN: look again). */
  result: Msg | number | undefined;
  readonly waiter: IpcWaiter;
}

interface Sender {
  readonly size: number;
  readonly waiter: IpcWaiter;
}

export class MsgQueue {
  readonly msgs: Msg[] = [];
  cbytes = 0;
  qbytes = MSGMNB;
  lspid = 0;
  lrpid = 0;
  stime = 0;
  rtime = 0;
  readonly receivers: Receiver[] = [];
  readonly senders: Sender[] = [];

  constructor(readonly perm: IpcPerm, public ctime: number) {}

  /** Would a message of `size` bytes fit now (bytes and count both bounded by msg_qbytes)? */
  fits(size: number): boolean {
    return size + this.cbytes <= this.qbytes && 1 + this.msgs.length <= this.qbytes;
  }
}

const LONG_MAX = (1n << 63n) - 1n, LONG_MIN = -(1n << 63n);

function matches(m: Msg, type: bigint, mode: Search): boolean {
  switch (mode) {
    case Search.Any:
    case Search.Number:
      return true;
    case Search.Equal:
      return m.type === type;
    case Search.NotEqual:
      return m.type !== type;
    case Search.LessEqual:
      return m.type <= type;
    default:
      return assertNever(mode, "msgrcv search mode");
  }
}

/** The message-queue part of an IPC namespace. */
export class MsgNamespace {
  readonly ids = new IpcIds<MsgQueue>(MSGMNI);
  /** Messages and bytes queued in every queue (MSG_INFO). */
  private totalMsgs = 0;
  private totalBytes = 0;

  get(ctx: SysContext, key: number, flags: number): number {
    return ipcGet(ctx.task, this.ids, key, flags, {
      create: () => this.ids.add(new MsgQueue(newPerm(ctx.task, key, flags), nowSec(ctx))),
    });
  }

  // ---- msgsnd ----

  /** msgsnd of a message of type `mtype` (already read) whose text is `size` bytes at `textVa`. */
  *send(ctx: SysContext, id: number, mtype: bigint, textVa: number, size: number, flags: number): Gen<number> {
    if (size > MSGMAX || id < 0) return -E.EINVAL;
    if (mtype < 1n) return -E.EINVAL;
    const msg: Msg = { type: mtype, text: readGuest(mem(ctx), textVa, size) };
    const q = this.ids.get(id);
    if (q === undefined) return -E.EINVAL;
    for (;;) {
      if (!ipcPermits(ctx.task, q.perm, S_IWUGO)) return -E.EACCES;
      if (q.perm.deleted) return -E.EIDRM;
      if (q.fits(size)) break;
      if ((flags & IPC_NOWAIT) !== 0) return -E.EAGAIN;
      const s: Sender = { size, waiter: waiterOf(ctx) };
      q.senders.push(s);
      const end = yield* ipcWait(ctx, s.waiter, `msgsnd to message queue ${q.perm.id}`, undefined);
      const i = q.senders.indexOf(s);
      if (i >= 0) q.senders.splice(i, 1);
      if (end === "interrupted") return -E.EINTR;
    }
    q.lspid = ctx.thread.proc.pid;
    q.stime = nowSec(ctx);
    if (!this.handOver(q, msg, q.stime)) {
      q.msgs.push(msg);
      q.cbytes += size;
      this.totalMsgs++;
      this.totalBytes += size;
    }
    return 0;
  }

  /** pipelined_send: give `msg` to the first waiting receiver it suits; false if none takes it. */
  private handOver(q: MsgQueue, msg: Msg, now: number): boolean {
    for (let i = 0; i < q.receivers.length; i++) {
      const r = q.receivers[i];
      if (!matches(msg, r.type, r.mode)) continue;
      q.receivers.splice(i, 1);
      i--;
      if (r.maxsize < msg.text.length) {
        r.result = -E.E2BIG;
        ipcWake(r.waiter);
        continue;
      }
      q.lrpid = r.pid;
      q.rtime = now;
      r.result = msg;
      ipcWake(r.waiter);
      return true;
    }
    return false;
  }

  /** Wake the senders whose message fits now (they look again, in their order). */
  private wakeSenders(q: MsgQueue, all: boolean): void {
    for (let i = 0; i < q.senders.length; i++) {
      const s = q.senders[i];
      if (!all && !q.fits(s.size)) continue;
      q.senders.splice(i, 1);
      i--;
      ipcWake(s.waiter);
    }
  }

  // ---- msgrcv ----

  /**
   * msgrcv into the buffer at `bufVa` (its type, a long of `word` bytes, then the text) of
   * `bufsz` bytes (signed: negative is EINVAL): the text's length, or -errno.
   */
  *receive(ctx: SysContext, id: number, bufVa: number, bufsz: number, msgtyp: bigint, flags: number): Gen<number> {
    if (id < 0 || bufsz < 0) return -E.EINVAL;
    let copyLimit = 0;
    if ((flags & MSG_COPY) !== 0) {
      if ((flags & MSG_EXCEPT) !== 0 || (flags & IPC_NOWAIT) === 0) return -E.EINVAL;
      copyLimit = Math.min(bufsz, MSGMAX);
    }
    let type = msgtyp, mode: Search;
    if ((flags & MSG_COPY) !== 0) mode = Search.Number;
    else if (type === 0n) mode = Search.Any;
    else if (type < 0n) {
      type = type === LONG_MIN ? LONG_MAX : -type;
      mode = Search.LessEqual;
    } else mode = (flags & MSG_EXCEPT) !== 0 ? Search.NotEqual : Search.Equal;
    const q = this.ids.get(id);
    if (q === undefined) return -E.EINVAL;
    let got: Msg;
    for (;;) {
      if (!ipcPermits(ctx.task, q.perm, S_IRUGO)) return -E.EACCES;
      if (q.perm.deleted) return -E.EIDRM;
      const at = find(q, type, mode);
      if (at >= 0) {
        const m = q.msgs[at];
        if (bufsz < m.text.length && (flags & MSG_NOERROR) === 0) return -E.E2BIG;
        if ((flags & MSG_COPY) !== 0) {
          if (m.text.length > copyLimit) return -E.EINVAL; // copy_msg: the copy buffer is too small
          got = m;
          break;
        }
        q.msgs.splice(at, 1);
        q.cbytes -= m.text.length;
        this.totalMsgs--;
        this.totalBytes -= m.text.length;
        q.rtime = nowSec(ctx);
        q.lrpid = ctx.thread.proc.pid;
        this.wakeSenders(q, false);
        got = m;
        break;
      }
      if ((flags & IPC_NOWAIT) !== 0) return -E.ENOMSG;
      const r: Receiver = {
        type, mode, maxsize: (flags & MSG_NOERROR) !== 0 ? 0x7fffffff : bufsz, pid: ctx.thread.proc.pid, result: undefined, waiter: waiterOf(ctx),
      };
      q.receivers.push(r);
      const end = yield* ipcWait(ctx, r.waiter, `msgrcv from message queue ${q.perm.id}`, undefined);
      if (end === "woken" && r.result !== undefined) {
        if (typeof r.result !== "number") {
          got = r.result;
          break;
        }
        if (r.result !== -E.EAGAIN) return r.result;
        continue; // IPC_SET: look again
      }
      const i = q.receivers.indexOf(r);
      if (i >= 0) q.receivers.splice(i, 1);
      if (end === "interrupted") return -E.EINTR;
    }
    // do_msg_fill: the type, then as much of the text as the buffer takes.
    const is64 = ctx.image.is64, w = is64 ? 8 : 4;
    const t = structOf(ctx, w);
    if (is64) t.dv.setBigInt64(0, got.type, t.le);
    else t.dv.setInt32(0, Number(BigInt.asIntN(32, got.type)), t.le);
    const n = Math.min(bufsz, got.text.length);
    yield* putAfter(ctx, bufVa, t.b);
    yield* putAfter(ctx, bufVa + w, got.text.subarray(0, n));
    return n;
  }

  // ---- msgctl ----

  ctl(ctx: SysContext, id: number, c: CtlCmd, buf: number): number {
    const { cmd, v64 } = c;
    if (id < 0 || cmd < 0) return -E.EINVAL;
    switch (cmd) {
      case IPC_INFO:
      case MSG_INFO:
        return this.info(ctx, cmd, buf);
      case IPC_STAT:
      case MSG_STAT:
      case MSG_STAT_ANY:
        return v64 ? this.stat(ctx, id, cmd, buf) : oldLayout(ctx, "msgctl", cmd);
      case IPC_SET: {
        if (!v64) return oldLayout(ctx, "msgctl", cmd);
        // A 32-bit process's perm and msg_qbytes only (compat's copy); a 64-bit one's whole structure.
        const is64 = ctx.image.is64;
        const s = readStruct(ctx, buf, is64 ? MSQID_DS.ppc64 : PERM64_SIZE);
        const qbytes = is64 ? s.getU64(88) : readStruct(ctx, buf + 80, 4).getU32(0);
        return this.down(ctx, id, cmd, { ...getPermSet(s, 0), qbytes });
      }
      case IPC_RMID:
        return this.down(ctx, id, cmd, undefined);
      default:
        return -E.EINVAL;
    }
  }

  /** IPC_INFO and MSG_INFO: struct msginfo (MSG_INFO counts the queues, messages and bytes in use). */
  private info(ctx: SysContext, cmd: number, buf: number): number {
    const s = structOf(ctx, 32);
    const now = cmd === MSG_INFO;
    s.i32(0, now ? this.ids.inUse : MSGPOOL)
      .i32(4, now ? Math.min(this.totalMsgs, 0x7fffffff) : MSGMAP)
      .i32(8, MSGMAX).i32(12, MSGMNB).i32(16, MSGMNI).i32(20, MSGSSZ)
      .i32(24, now ? Math.min(this.totalBytes, 0x7fffffff) : MSGTQL)
      .u16(28, MSGSEG);
    writeStruct(ctx, buf, s);
    return Math.max(this.ids.highest(), 0);
  }

  private stat(ctx: SysContext, id: number, cmd: number, buf: number): number {
    const q = cmd === IPC_STAT ? this.ids.get(id) : this.ids.atIndex(id);
    if (q === undefined) return -E.EINVAL;
    if (cmd !== MSG_STAT_ANY && !ipcPermits(ctx.task, q.perm, S_IRUGO)) return -E.EACCES;
    const abi = abiOf(ctx), is64 = abi === "ppc64";
    const s = structOf(ctx, MSQID_DS[abi]);
    putPerm(s, 0, q.perm);
    putTime(s, 48, q.stime, is64);
    putTime(s, 56, q.rtime, is64);
    putTime(s, 64, q.ctime, is64);
    if (is64) {
      s.u64(72, q.cbytes).u64(80, q.msgs.length).u64(88, q.qbytes).i32(96, q.lspid).i32(100, q.lrpid);
    } else {
      s.u32(72, q.cbytes).u32(76, q.msgs.length).u32(80, q.qbytes).i32(84, q.lspid).i32(88, q.lrpid);
    }
    writeStruct(ctx, buf, s);
    return cmd === IPC_STAT ? 0 : q.perm.id;
  }

  /** IPC_SET (a larger msg_qbytes than MSGMNB needs CAP_SYS_RESOURCE) and IPC_RMID. */
  private down(ctx: SysContext, id: number, cmd: number, set: { uid: number; gid: number; mode: number; qbytes: number } | undefined): number {
    const q = this.ids.get(id);
    if (q === undefined) return -E.EINVAL;
    if (!ipcOwns(ctx.task, q.perm)) return -E.EPERM;
    if (cmd === IPC_SET && set !== undefined) {
      if (set.qbytes > MSGMNB && !ctx.task.creds.capable(Cap.SYS_RESOURCE)) return -E.EPERM;
      const r = updatePerm(q.perm, set.uid, set.gid, set.mode);
      if (r < 0) return r;
      q.qbytes = set.qbytes;
      q.ctime = nowSec(ctx);
      this.expunge(q, -E.EAGAIN);
      this.wakeSenders(q, false);
      return 0;
    }
    this.expunge(q, -E.EIDRM);
    this.wakeSenders(q, true);
    this.ids.remove(q);
    this.totalMsgs -= q.msgs.length;
    this.totalBytes -= q.cbytes;
    q.msgs.length = 0;
    q.cbytes = 0;
    return 0;
  }

  /** Every waiting receiver gets `err` (EIDRM: the queue went; EAGAIN: look again). */
  private expunge(q: MsgQueue, err: number): void {
    for (const r of q.receivers.splice(0)) {
      r.result = err;
      ipcWake(r.waiter);
    }
  }
}

/** find_msg: the index of the message msgrcv takes, or -1. */
function find(q: MsgQueue, type: bigint, mode: Search): number {
  let found = -1, limit = type, count = 0n;
  for (let i = 0; i < q.msgs.length; i++) {
    const m = q.msgs[i];
    if (!matches(m, limit, mode)) continue;
    if (mode === Search.LessEqual && m.type !== 1n) {
      // Keep looking for a lower type (the first of the lowest wins).
      limit = m.type - 1n;
      found = i;
    } else if (mode === Search.Number) {
      if (count === type) return i;
    } else return i;
    count++;
  }
  return found;
}
