// The poll family (fs/select.c): poll, ppoll (ppc32: ppoll and ppoll_time64), select
// (_newselect; ppc32's select, which takes its arguments in a block when the first is an
// address), pselect6 (ppc32: pselect6 and pselect6_time64). Each looks at every descriptor's
// readiness (vfs/ready.ts), and when nothing is ready and time remains, subscribes to the wait
// channels the descriptors named, looks again, and waits (sys/wait.ts waitOn) — until a notify,
// host input, or the deadline; after the deadline it looks once more, as Linux does.
//
// Timeouts run on the guest's monotonic clock (the machine's clock: virtual in the
// deterministic mode). select, pselect6 and ppoll write the time left back (none for a zero
// timeout; a write that faults is ignored), poll does not. A signal ends the wait as Linux's
// does: ERESTARTNOHAND (EINTR after a handler, else the call runs again), for poll a restart
// block that keeps the deadline; the sets and timeouts are not written then (revents are).
// ppoll and pselect6 run with the given signal mask: it is put back at the end, or — when a
// signal interrupted the call — after its handler (ThreadSignals.savedMask).
//
// fd_set: an array of C longs (64 bits on ppc64, 32 on ppc32) in the process's byte order,
// descriptor d at bit d % bits of long d / bits. `n` is cut to the descriptor table's size
// (Linux's max_fds: a long's bits, then grown in powers of two as descriptors were allocated),
// and only the longs covering `n` are read and written back.

import type { Block } from "../../kernel/sched/thread.js";
import type { ChannelWait } from "../../kernel/sched/wait-channel.js";
import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import type { OpenFile } from "../vfs/open-file.js";
import { POLL, readiness } from "../vfs/ready.js";
import { Rlimit } from "../task/resource-limits.js";
import { gm, isFault } from "./fs-common.js";
import { readGuest, writeGuest, SysError, type GuestMem } from "./guest-mem.js";
import { ERESTART_RESTARTBLOCK, ERESTARTNOHAND } from "../signals/interruptible.js";
import { putTimespec, readTimespec, validTimespec, type TimespecAbi } from "./time.js";
import { argInt, argPtr, argU32, getSigset, readStruct } from "./user.js";
import { waitOn } from "./wait.js";

// select counts a descriptor that is not a file to poll (O_PATH: POLLNVAL) as ready in every
// set it is in (Linux since 5.15, "select: Fix indefinitely sleeping task").
const POLLIN_SET = POLL.RDNORM | POLL.RDBAND | POLL.IN | POLL.HUP | POLL.ERR | POLL.NVAL;
const POLLOUT_SET = POLL.WRBAND | POLL.WRNORM | POLL.OUT | POLL.ERR | POLL.NVAL;
const POLLEX_SET = POLL.PRI | POLL.NVAL;

/** What pollLoop answers when a signal ended the wait. */
const INTERRUPTED: unique symbol = Symbol("interrupted");

/** A deadline on the machine's clock (Infinity: none) and the timeout it came from (0: no write-back). */
interface Deadline {
  readonly until: number;
  readonly zero: boolean;
}

const NEVER: Deadline = { until: Infinity, zero: false };

/** poll_select_set_timeout: EINVAL unless sec >= 0 and 0 <= nsec < 1e9; the deadline on the guest's clock. */
function deadline(ctx: SysContext, sec: bigint, nsec: bigint): Deadline {
  const ns = validTimespec({ sec, frac: nsec });
  if (ns === undefined) throw new SysError(E.EINVAL);
  if (ns === 0n) return { until: ctx.k.port.now(), zero: true };
  const capped = ns > 10n ** 17n ? 10n ** 17n : ns;
  return { until: Number(ctx.time.monotonicNs() + capped), zero: false };
}

/** The time left before `d`, in nanoseconds (0 once passed). */
function left(ctx: SysContext, d: Deadline): bigint {
  const r = BigInt(Math.ceil(d.until)) - ctx.time.monotonicNs();
  return r > 0n ? r : 0n;
}

/** What one look at the descriptors found. */
interface Look<T> {
  readonly ready: boolean;
  readonly result: T;
  readonly channels: number[];
  readonly host: boolean;
}

/**
 * Look with `scan` until something is ready or `d` passes, waiting on what the last look named
 * in between (subscribed before the look that decides to wait: steps W2–W5 of wait-channel.ts).
 * INTERRUPTED when a signal for the thread ended the wait (nothing was ready).
 */
function* pollLoop<T>(ctx: SysContext, d: Deadline, what: string, scan: () => Generator<Block, Look<T>, unknown>): Generator<Block, T | typeof INTERRUPTED, unknown> {
  const waits = ctx.k.waits;
  let w: ChannelWait | undefined;
  let subscribed = "";
  try {
    for (;;) {
      const s = yield* scan();
      if (s.ready || d.until <= ctx.k.port.now()) return s.result;
      const key = `${s.host}:${s.channels.join(",")}`;
      if (w === undefined || key !== subscribed) {
        if (w !== undefined) waits.finish(w);
        w = waits.prepare(s.channels, what, s.host);
        subscribed = key;
        continue; // look again, subscribed
      }
      if ((yield* waitOn(ctx, w, d.until)) === "interrupted") return INTERRUPTED;
      waits.finish(w);
      w = waits.prepare(s.channels, what, s.host); // subscribed for the next look already
    }
  } finally {
    if (w !== undefined) waits.finish(w);
  }
}

/** A descriptor's open file as poll and select take it: none for a closed or O_PATH one. */
function pollable(ctx: SysContext, fd: number): OpenFile | undefined {
  const f = ctx.vfs.fds.get(fd)?.file;
  return f === undefined || f.kind === "path" ? undefined : f;
}

// ---- poll ----

interface PollFd {
  readonly fd: number;
  /** The events asked for, with POLLERR and POLLHUP (always reported). */
  readonly filter: number;
}

/** do_sys_poll: nfds checked against RLIMIT_NOFILE, the array read, the loop, the revents written back. */
function* doPoll(ctx: SysContext, ufds: number, nfds: number, d: Deadline): Pending {
  const limit = Number(ctx.task.limits.get(Rlimit.NOFILE)?.cur ?? 1024n);
  if (nfds > limit) return -E.EINVAL;
  const m = gm(ctx);
  const raw = nfds === 0 ? new Uint8Array(0) : readGuest(m, ufds, nfds * 8);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const items: PollFd[] = [];
  for (let i = 0; i < nfds; i++) items.push({ fd: dv.getInt32(i * 8, m.le), filter: dv.getUint16(i * 8 + 4, m.le) | POLL.ERR | POLL.HUP });
  const revents = yield* pollLoop(ctx, d, `poll on ${items.length > 8 ? `${items.length} descriptors` : `descriptors ${items.map((x) => x.fd).join(",")}`}`, function* () {
    const out: number[] = [];
    const channels: number[] = [];
    let host = false, ready = 0;
    for (const it of items) {
      let mask = 0;
      if (it.fd >= 0) {
        const f = pollable(ctx, it.fd);
        if (f === undefined) mask = POLL.NVAL;
        else {
          const r = yield* readiness(ctx.k, f);
          mask = r.mask & it.filter;
          if (mask === 0) {
            channels.push(...r.channels);
            host ||= r.host === true;
          }
        }
      }
      if (mask !== 0) ready++;
      out.push(mask);
    }
    return { ready: ready > 0, result: out, channels, host };
  });
  const got = revents === INTERRUPTED ? new Array<number>(nfds).fill(0) : revents;
  for (let i = 0; i < nfds; i++) dv.setUint16(i * 8 + 6, got[i], m.le);
  // Only the revents fields are stored (fd and events stay as the guest has them now).
  for (let i = 0; i < nfds; i++) writeGuest(m, ufds + i * 8 + 6, raw.subarray(i * 8 + 6, i * 8 + 8));
  return revents === INTERRUPTED ? -ERESTARTNOHAND : got.filter((r) => r !== 0).length;
}

/**
 * poll(fds, nfds, timeout in ms): negative waits for ever. No write-back. Interrupted, it leaves
 * a restart block that polls again until the same deadline (do_restart_poll).
 */
const poll: Handler = (ctx) => {
  const ms = argInt(ctx, 2);
  const d = ms < 0 ? NEVER : deadline(ctx, BigInt(Math.trunc(ms / 1000)), BigInt(ms % 1000) * 1_000_000n);
  const ufds = argPtr(ctx, 0), nfds = argU32(ctx, 1);
  const again = function* (c: SysContext): Pending {
    const r = yield* doPoll(c, ufds, nfds, d);
    if (r !== -ERESTARTNOHAND) return r;
    c.sig.restart = again;
    return -ERESTART_RESTARTBLOCK;
  };
  return again(ctx);
};

/** A timeout argument of `abi` at `va` (NULL: none), as its deadline. */
function timeoutArg(ctx: SysContext, va: number, abi: TimespecAbi): Deadline {
  if (va === 0) return NEVER;
  const t = readTimespec(ctx, va, abi);
  return deadline(ctx, t.sec, t.frac);
}

/**
 * poll_select_finish: a signal mask given for the call put back (unless a signal interrupted it:
 * then after its handler), and the time left written to `va` (not for a zero timeout). A write
 * that faults is ignored — but then an interrupted call cannot run again: EINTR.
 */
function finish(ctx: SysContext, r: number, va: number, d: Deadline, abi: TimespecAbi, usec: boolean): number {
  const t = ctx.sig;
  if (r !== -ERESTARTNOHAND && t.savedMask !== undefined) {
    t.setBlocked(t.savedMask);
    t.savedMask = undefined;
  }
  if (va === 0 || d.zero || d.until === Infinity) return r;
  try {
    putTimespec(ctx, va, left(ctx, d), abi, usec);
  } catch (e) {
    if (!isFault(e)) throw e;
    return r === -ERESTARTNOHAND ? -E.EINTR : r;
  }
  return r;
}

/**
 * set_user_sigmask: the mask at `maskp` (NULL: unchanged; `size` must be sizeof(sigset_t)) for
 * the call, the old one kept for finish() (or delivery) to put back. An error: the old mask
 * back at once.
 */
function* withSigmask(ctx: SysContext, maskp: number, size: number, body: () => Pending): Pending {
  if (maskp === 0) return yield* body();
  if (size !== 8) return -E.EINVAL;
  const set = getSigset(readStruct(ctx, maskp, 8), 0, ctx.image.is64);
  const t = ctx.sig;
  t.savedMask = t.blocked;
  t.setBlocked(set);
  try {
    return yield* body();
  } catch (e) {
    t.setBlocked(t.savedMask);
    t.savedMask = undefined;
    throw e;
  }
}

/** ppoll(fds, nfds, tsp, sigmask, sigsetsize). */
const ppoll = (abi?: TimespecAbi): Handler => function* (ctx): Pending {
  const a = abi ?? native(ctx);
  const tsp = argPtr(ctx, 2);
  const d = timeoutArg(ctx, tsp, a);
  const r = yield* withSigmask(ctx, argPtr(ctx, 3), argPtr(ctx, 4), () => doPoll(ctx, argPtr(ctx, 0), argU32(ctx, 1), d));
  return finish(ctx, r, tsp, d, a, false);
};

const native = (ctx: SysContext): TimespecAbi => (ctx.image.is64 ? "long64" : "old32");

// ---- select ----

/** Bits of a C long, and the fd_set bytes that hold `n` descriptors (whole longs). */
const bitsPerLong = (m: GuestMem): number => (m.is64 ? 64 : 32);
const fdsBytes = (m: GuestMem, n: number): number => Math.ceil(n / bitsPerLong(m)) * (bitsPerLong(m) / 8);

/** Byte and bit of descriptor `fd` in an fd_set of the process's word size and byte order. */
function place(m: GuestMem, fd: number): [number, number] {
  const bpl = bitsPerLong(m), wb = bpl / 8;
  const word = Math.floor(fd / bpl), bit = fd % bpl;
  const byteInWord = m.le ? bit >> 3 : wb - 1 - (bit >> 3);
  return [word * wb + byteInWord, bit & 7];
}

const isSet = (m: GuestMem, set: Uint8Array, fd: number): boolean => {
  const [byte, bit] = place(m, fd);
  return ((set[byte] >> bit) & 1) !== 0;
};

const setBit = (m: GuestMem, set: Uint8Array, fd: number): void => {
  const [byte, bit] = place(m, fd);
  set[byte] |= 1 << bit;
};

/** Linux's fdt->max_fds for a table reaching `end`: a long's bits, then 1024-byte pointer blocks in powers of two. */
function maxFds(m: GuestMem, end: number): number {
  const bpl = bitsPerLong(m);
  if (end <= bpl) return bpl;
  const per = 1024 / (m.is64 ? 8 : 4);
  return 2 ** Math.ceil(Math.log2(Math.floor((end - 1) / per) + 1)) * per;
}

/** core_sys_select after the timeout: the sets read, EBADF for a set bit on a closed descriptor, the loop, the sets written. */
function* doSelect(ctx: SysContext, nArg: number, inp: number, outp: number, exp: number, d: Deadline): Pending {
  if (nArg < 0) return -E.EINVAL;
  const m = gm(ctx);
  const n = Math.min(nArg, maxFds(m, ctx.vfs.fds.end));
  const bytes = fdsBytes(m, n);
  const read = (p: number): Uint8Array => (p === 0 || bytes === 0 ? new Uint8Array(bytes) : readGuest(m, p, bytes));
  const sets = [read(inp), read(outp), read(exp)];
  const fds: number[] = [];
  for (let fd = 0; fd < n; fd++) {
    if (!sets.some((s) => isSet(m, s, fd))) continue;
    if (ctx.vfs.fds.get(fd) === undefined) return -E.EBADF;
    fds.push(fd);
  }
  const res = yield* pollLoop(ctx, d, `select on ${fds.length > 8 ? `${fds.length} descriptors` : `descriptors ${fds.join(",")}`}`, function* () {
    const out = [new Uint8Array(bytes), new Uint8Array(bytes), new Uint8Array(bytes)];
    const channels: number[] = [];
    let host = false, count = 0;
    for (const fd of fds) {
      const f = pollable(ctx, fd);
      const r = f === undefined ? { mask: POLL.NVAL, channels: [] as readonly number[], host: false } : yield* readiness(ctx.k, f);
      let hit = false;
      for (const [i, want] of [[0, POLLIN_SET], [1, POLLOUT_SET], [2, POLLEX_SET]] as const) {
        if ((r.mask & want) !== 0 && isSet(m, sets[i], fd)) {
          setBit(m, out[i], fd);
          count++;
          hit = true;
        }
      }
      if (!hit) {
        channels.push(...r.channels);
        host ||= r.host === true;
      }
    }
    return { ready: count > 0, result: { out, count }, channels, host };
  });
  if (res === INTERRUPTED) return -ERESTARTNOHAND; // the sets stay as the guest gave them
  const ptrs = [inp, outp, exp];
  for (let i = 0; i < 3; i++) if (ptrs[i] !== 0 && bytes > 0) writeGuest(m, ptrs[i], res.out[i]);
  return res.count;
}

/** A struct timeval (long seconds, long microseconds) at `va`, as select normalises it. */
function timevalArg(ctx: SysContext, va: number): Deadline {
  if (va === 0) return NEVER;
  const t = readTimespec(ctx, va, native(ctx));
  // kern_select: seconds + usec / 1e6, (usec % 1e6) * 1000 (C division: toward zero).
  return deadline(ctx, t.sec + t.frac / 1_000_000n, (t.frac % 1_000_000n) * 1000n);
}

/** select(n, in, out, ex, struct timeval *tvp) with write-back of the time left. */
function* kernSelect(ctx: SysContext, n: number, inp: number, outp: number, exp: number, tvp: number): Pending {
  const d = timevalArg(ctx, tvp);
  const r = yield* doSelect(ctx, n, inp, outp, exp, d);
  return finish(ctx, r, tvp, d, native(ctx), true);
}

const newselect: Handler = (ctx) => kernSelect(ctx, argInt(ctx, 0), argPtr(ctx, 1), argPtr(ctx, 2), argPtr(ctx, 3), argPtr(ctx, 4));

/** ppc32's select (ppc_select): a first argument of 4096 or more is the address of the five arguments (old_select). */
const ppcSelect: Handler = (ctx) => {
  const n = argU32(ctx, 0);
  if (n < 4096) return newselect(ctx, []);
  const s = readStruct(ctx, n, 20);
  return kernSelect(ctx, s.getI32(0), s.getU32(4), s.getU32(8), s.getU32(12), s.getU32(16));
};

/** pselect6(n, in, out, ex, tsp, {sigmask *, size} *sig). */
const pselect6 = (abi?: TimespecAbi): Handler => function* (ctx): Pending {
  const a = abi ?? native(ctx);
  const sigp = argPtr(ctx, 5);
  let maskp = 0, size = 0;
  if (sigp !== 0) {
    const w = ctx.image.is64 ? 8 : 4;
    const s = readStruct(ctx, sigp, 2 * w);
    maskp = s.getULong(0, ctx.image.is64);
    size = s.getULong(w, ctx.image.is64);
  }
  const tsp = argPtr(ctx, 4);
  const d = timeoutArg(ctx, tsp, a);
  const r = yield* withSigmask(ctx, maskp, size, () => doSelect(ctx, argInt(ctx, 0), argPtr(ctx, 1), argPtr(ctx, 2), argPtr(ctx, 3), d));
  return finish(ctx, r, tsp, d, a, false);
};

export const POLL_CALLS: Record<string, Handler> = {
  poll,
  ppoll: ppoll(),
  ppoll_time64: ppoll("time64"),
  _newselect: newselect,
  select: ppcSelect,
  pselect6: pselect6(),
  pselect6_time64: pselect6("time64"),
};

const TABLE = "n is cut to the descriptor table's size as Linux would have grown it for the highest descriptor open now (Linux's table never shrinks)";
export const POLL_PARTIAL: Record<string, string> = {
  _newselect: TABLE, select: TABLE, pselect6: TABLE, pselect6_time64: TABLE,
};
