// epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2 (fs/eventpoll.c)
// over EpollInstance (epoll-object.ts). struct epoll_event is not packed on PowerPC: {u32
// events; u32 pad; u64 data}, 16 bytes on ppc64 and ppc32 alike (qemu's target_epoll_event is
// packed for x86-64 only). A wait ends with events, at its timeout (0), or with EINTR for a
// signal — never restarted, as Linux's epoll_wait; epoll_pwait and epoll_pwait2 wait with the
// given signal mask (put back at the end, or after the handler of the signal that ended it).

import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import type { ChannelWait } from "../../kernel/sched/wait-channel.js";
import { E } from "../errno.js";
import { O } from "../vfs/open-file.js";
import { EPOLL, EpollFile, EpollInstance, type Event } from "./epoll-object.js";
import { gm } from "./fs-common.js";
import { readGuest, Struct, writeGuest } from "./guest-mem.js";
import { readTimespec, validTimespec } from "./time.js";
import { argInt, argPtr, getSigset, readStruct } from "./user.js";
import { waitOn } from "./wait.js";

const EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
const EVENT_SIZE = 16;
/** EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event). */
const MAX_EVENTS = Math.floor(0x7fffffff / EVENT_SIZE);
/** What EPOLLEXCLUSIVE may be combined with (EPOLLEXCLUSIVE_OK_BITS). */
const EXCLUSIVE_OK = EPOLL.IN | EPOLL.OUT | EPOLL.ERR | EPOLL.HUP | EPOLL.WAKEUP | EPOLL.ET | EPOLL.EXCLUSIVE;

function* create(ctx: SysContext, flags: number): Pending {
  if ((flags & ~O.CLOEXEC) !== 0) return -E.EINVAL;
  const v = ctx.vfs;
  const f = v.newFile("epoll", O.RDWR, undefined, undefined, undefined, new EpollFile(new EpollInstance(ctx.k.waits.create())));
  const fd = v.fds.alloc(f, (flags & O.CLOEXEC) !== 0);
  if (fd < 0) yield* v.release(ctx.k, f);
  return fd;
}

const ctl: Handler = (ctx) => {
  const epfd = argInt(ctx, 0), op = argInt(ctx, 1), fd = argInt(ctx, 2), evp = argPtr(ctx, 3);
  const m = gm(ctx);
  let events = 0, data = 0n;
  if (op !== EPOLL_CTL_DEL) {
    const s = new Struct(readGuest(m, evp, EVENT_SIZE), m.le);
    events = s.getU32(0);
    data = s.dv.getBigUint64(8, m.le);
  }
  const ef = ctx.vfs.file(epfd);
  const tf = ctx.vfs.file(fd);
  if (tf.kind === "path") return -E.EBADF;
  if (tf.kind === "file" || tf.kind === "dir") return -E.EPERM; // no poll method
  if (op !== EPOLL_CTL_DEL && (events & EPOLL.EXCLUSIVE) !== 0) {
    if (op === EPOLL_CTL_MOD) return -E.EINVAL;
    if (op === EPOLL_CTL_ADD && (tf.obj instanceof EpollFile || (events & ~EXCLUSIVE_OK) !== 0)) return -E.EINVAL;
  }
  if (ef === tf || !(ef.obj instanceof EpollFile)) return -E.EINVAL;
  const ep = ef.obj.ep;
  ep.prune();
  const it = ep.find(fd, tf);
  // EPOLLWAKEUP needs CAP_BLOCK_SUSPEND; without it, it is dropped silently (as Linux).
  if (ctx.task.creds.euid !== 0) events &= ~EPOLL.WAKEUP;
  switch (op) {
    case EPOLL_CTL_ADD:
      if (it !== undefined) return -E.EEXIST;
      if (tf.obj instanceof EpollFile && ep.reaches(tf.obj.ep)) return -E.ELOOP;
      tf.desc.watchers++;
      ep.items.push({ fd, file: tf, events: (events | EPOLL.ERR | EPOLL.HUP) >>> 0, data, disabled: false, seqs: undefined });
      break;
    case EPOLL_CTL_MOD:
      if (it === undefined) return -E.ENOENT;
      if ((it.events & EPOLL.EXCLUSIVE) !== 0) return -E.EINVAL;
      it.events = (events | EPOLL.ERR | EPOLL.HUP) >>> 0;
      it.data = data;
      it.disabled = false;
      it.seqs = undefined;
      break;
    case EPOLL_CTL_DEL:
      if (it === undefined) return -E.ENOENT;
      ep.items = ep.items.filter((x) => x !== it);
      it.file.desc.watchers--;
      break;
    default:
      return -E.EINVAL;
  }
  ctx.k.waits.notify(ep.ch);
  return 0;
};

/** do_epoll_wait: checks, then scans until events, the deadline (machine time; Infinity: none), or a signal (EINTR). */
function* doWait(ctx: SysContext, epfd: number, evp: number, max: number, until: number): Pending {
  if (max <= 0 || max > MAX_EVENTS) return -E.EINVAL;
  const m = gm(ctx);
  const f = ctx.vfs.file(epfd);
  if (!(f.obj instanceof EpollFile)) return -E.EINVAL;
  const ep = f.obj.ep;
  const k = ctx.k;
  let w: ChannelWait | undefined;
  let found: Event[] = [];
  try {
    for (;;) {
      const s = yield* ep.scan(k, max, true, 0, ctx.vfs);
      if (s.events.length > 0 || k.port.now() >= until) {
        found = s.events;
        break;
      }
      if (w === undefined) {
        w = k.waits.prepare(s.channels, `epoll_wait on ${epfd}`, s.host);
        continue;
      }
      if ((yield* waitOn(ctx, w, until)) === "interrupted") return -E.EINTR;
      k.waits.finish(w);
      w = k.waits.prepare(s.channels, `epoll_wait on ${epfd}`, s.host);
    }
  } finally {
    if (w !== undefined) k.waits.finish(w);
  }
  const out = new Struct(found.length * EVENT_SIZE, m.le);
  found.forEach((e, i) => {
    out.u32(i * EVENT_SIZE, e.events);
    out.dv.setBigUint64(i * EVENT_SIZE + 8, e.data, m.le);
  });
  if (found.length > 0) writeGuest(m, evp, out.b);
  return found.length;
}

const msDeadline = (ctx: SysContext, ms: number): number => (ms < 0 ? Infinity : ctx.k.port.now() + ms * 1_000_000);

/** epoll_pwait(2)'s mask: set for the wait, put back after (or by delivery when a signal ended it). */
function* withMask(ctx: SysContext, maskp: number, size: number, body: () => Pending): Pending {
  if (maskp === 0) return yield* body();
  if (size !== 8) return -E.EINVAL;
  const t = ctx.sig;
  const set = getSigset(readStruct(ctx, maskp, 8), 0, ctx.image.is64);
  t.savedMask = t.blocked;
  t.setBlocked(set);
  let r: number | undefined;
  try {
    r = yield* body();
    return r;
  } finally {
    // EINTR: the signal's delivery puts the mask back after its handler ran.
    if (r !== -E.EINTR && t.savedMask !== undefined) {
      t.setBlocked(t.savedMask);
      t.savedMask = undefined;
    }
  }
}

const epollWait: Handler = (ctx) => doWait(ctx, argInt(ctx, 0), argPtr(ctx, 1), argInt(ctx, 2), msDeadline(ctx, argInt(ctx, 3)));

const epollPwait: Handler = (ctx) =>
  withMask(ctx, argPtr(ctx, 4), argPtr(ctx, 5), () => doWait(ctx, argInt(ctx, 0), argPtr(ctx, 1), argInt(ctx, 2), msDeadline(ctx, argInt(ctx, 3))));

/** epoll_pwait2: a struct __kernel_timespec (NULL: none), EINVAL when invalid. */
const epollPwait2: Handler = function* (ctx): Pending {
  const tp = argPtr(ctx, 3);
  let until = Infinity;
  if (tp !== 0) {
    const t = readTimespec(ctx, tp, "time64");
    const ns = validTimespec(t);
    if (ns === undefined) return -E.EINVAL;
    until = ctx.k.port.now() + Number(ns);
  }
  return yield* withMask(ctx, argPtr(ctx, 4), argPtr(ctx, 5), () => doWait(ctx, argInt(ctx, 0), argPtr(ctx, 1), argInt(ctx, 2), until));
};

export const EPOLL_CALLS: Record<string, Handler> = {
  epoll_create: (ctx) => (argInt(ctx, 0) <= 0 ? -E.EINVAL : create(ctx, 0)),
  epoll_create1: (ctx) => create(ctx, argInt(ctx, 0)),
  epoll_ctl: ctl,
  epoll_wait: epollWait,
  epoll_pwait: epollPwait,
  epoll_pwait2: epollPwait2,
};

export const EPOLL_PARTIAL: Record<string, string> = {
  epoll_ctl: "an instance shared between processes polls each item through the polling process's own hold on the description; a process that never held it polls through the registering process's (its server may refuse: EIO)",
};
