// The system-call dispatcher: a guest `sc` runs through its architecture's table
// (linux/syscalls/status.ts): the handler registered for the call's name, or the call's errno,
// named with its reason in the verbose log. Results go to r3 and CR0.SO as the kernel sets them;
// a handler that waits runs as the thread's wait; --strace lines are written when the result
// is known.

import { S } from "../../machine/power/state.js";
import { GuestFault } from "../../machine/power/mmu.js";
import { lo32, hi32 } from "../../kernel/mem/va.js";
import { ObjectBusy } from "../../kernel/cos/manager.js";
import { PageWait, pageWait } from "../../kernel/mem/region.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { SyscallResult, ThreadEnd } from "../../kernel/exec/guest-thread.js";
import { E, errnoName } from "../errno.js";
import { SysError, readGuest } from "../sys/guest-mem.js";
import { straceEnter, type StraceCall, type StraceTarget } from "../strace/decode.js";
import { signalName } from "../strace/names.js";
import { choiceOf, type Pending, type SysContext } from "../process/syscalls.js";
import type { SyscallTable } from "./status.js";

export class SyscallDispatcher {
  constructor(private readonly table: SyscallTable) {}

  /**
   * Handle the system call the engine stopped on: r3 and CR0.SO get the result, now or — for a
   * call that waits — when the returned wait finishes. A thread end when the call ended it.
   */
  dispatch(ctx: SysContext): SyscallResult {
    const c = ctx.cpu;
    const nr = c.r[0] >>> 0;
    const args: number[] = [];
    for (let i = 0; i < 6; i++) args.push(c.r[(3 + i) * 2] >>> 0);
    const e = this.table.get(nr);
    const name = e?.name ?? `syscall_${nr}`;
    // --strace: the arguments are decoded at entry (the call may change what they point at),
    // the line written when the result is known.
    const trace = ctx.strace === undefined ? undefined : straceEnter(straceTarget(ctx), name, rawArgs(ctx));
    if (e === undefined || e.handler === undefined) {
      const s = e?.status;
      const errno = s?.kind === "errno" ? s.errno : E.ENOSYS;
      ctx.log(e === undefined
        ? `syscall ${nr}: no such system call on ${this.table.arch}, returning ENOSYS`
        : `${name}: ${s?.kind === "errno" ? s.reason : "no handler"}, returning ${errnoName(errno)}`);
      setResult(ctx, -errno);
      if (trace !== undefined) ctx.strace?.(trace.exit(-errno));
      return undefined;
    }
    const handler = e.handler;
    let res: number | Pending;
    try {
      res = handler(ctx, args);
      // A handler that is a generator runs at once up to its first wait: calls that never
      // wait (a local PPC to a file server that answers at once) finish on the fast path.
      if (typeof res !== "number") {
        const gen = res;
        const first = gen.next();
        if (first.done === true) res = first.value;
        else {
          const step = first;
          res = (function* (): Pending {
            return yield* resume(gen, step);
          })();
        }
      }
    } catch (err) {
      if (err instanceof ObjectBusy || err instanceof PageWait) {
        // A memory object is being hot-swapped, or a file page the call copies is being read:
        // wait for it outside every object, then run the call again from the start (nothing
        // was done yet: handlers fault before acting).
        const block: Block = err instanceof ObjectBusy ? { kind: "swap", obj: err.obj } : pageWait(err.obj);
        const again = (): SyscallResult => this.dispatch(ctx);
        return {
          what: `${name}: object ${err.obj} ${err instanceof ObjectBusy ? "being swapped" : "reading a page"}`,
          *run(): Generator<Block, ThreadEnd | undefined, unknown> {
            yield block;
            const r = again();
            return r !== undefined && "run" in r ? yield* r.run() : r;
          },
        };
      }
      res = failure(err);
    }
    if (typeof res === "number") {
      setResult(ctx, res);
      if (trace !== undefined) straceExit(ctx, trace, res);
      return ended(ctx);
    }
    const wait = res;
    const dispatchAgain = (): SyscallResult => this.dispatch(ctx);
    return {
      what: name,
      *run(): Generator<Block, ThreadEnd | undefined, unknown> {
        let r: number;
        try {
          r = yield* wait;
        } catch (err) {
          if (err instanceof PageWait) {
            // A copy after the call's first wait met a file page being read: wait for it and
            // run the call again. (A call that consumed something before such a copy must
            // retry the copy itself instead, as the console read does.)
            yield pageWait(err.obj);
            const again = dispatchAgain();
            return again !== undefined && "run" in again ? yield* again.run() : again;
          }
          r = failure(err);
        }
        setResult(ctx, r);
        if (trace !== undefined) straceExit(ctx, trace, r);
        return ended(ctx);
      },
    };
  }
}

/** The argument registers r3..r8 as unsigned values of the process's word size. */
function rawArgs(ctx: SysContext): bigint[] {
  const r = ctx.cpu.r, out: bigint[] = [];
  for (let i = 0; i < 6; i++) {
    const lo = BigInt(r[(3 + i) * 2] >>> 0);
    out.push(ctx.image.is64 ? (BigInt(r[(3 + i) * 2 + 1] >>> 0) << 32n) | lo : lo);
  }
  return out;
}

/**
 * Guest memory for the strace decoder: a copy as the kernel would make it, or undefined where
 * the guest could not read (the decoder then prints the address). A hot-swap in progress also
 * reads as unreadable: the handler, not the decoder, waits for it.
 */
function straceTarget(ctx: SysContext): StraceTarget {
  const m = { cpu: ctx.cpu, space: ctx.space, is64: ctx.image.is64, le: ctx.image.le, choice: (vpn: number) => choiceOf(ctx, vpn) };
  return {
    is64: ctx.image.is64, le: ctx.image.le,
    mem: {
      read: (va, len) => {
        try {
          return readGuest(m, va, len);
        } catch (e) {
          if (e instanceof GuestFault || e instanceof ObjectBusy || e instanceof PageWait) return undefined;
          throw e;
        }
      },
    },
  };
}

/** The strace line of a finished call, and the end of the process when the call ended it. */
function straceExit(ctx: SysContext, trace: StraceCall, res: number): void {
  const out = ctx.strace;
  if (out === undefined) return;
  if (ctx.exitCode !== undefined) {
    out(trace.noReturn());
    out(`+++ exited with ${ctx.exitCode} +++`);
  } else {
    out(trace.exit(res));
    if (ctx.killedBy !== undefined) out(`+++ killed by ${signalName(ctx.killedBy)} +++`);
  }
}

/** Continue a generator that has yielded `step` (forwarding what the scheduler sends or throws). */
function* resume(gen: Pending, step: IteratorResult<Block, number>): Pending {
  let s = step;
  while (s.done !== true) {
    let sent: unknown;
    try {
      sent = yield s.value;
    } catch (e) {
      s = gen.throw(e);
      continue;
    }
    s = gen.next(sent);
  }
  return s.value;
}

/**
 * A handler's exception as the call's result: a bad guest pointer met while copying is EFAULT,
 * a SysError its errno; anything else is a host bug and surfaces.
 */
function failure(err: unknown): number {
  if (err instanceof GuestFault) return -E.EFAULT;
  if (err instanceof SysError) return -err.errno;
  throw err;
}

/** How the call left the thread: exit or a fatal signal end it. */
function ended(ctx: SysContext): ThreadEnd | undefined {
  if (ctx.exitCode !== undefined) return { exitCode: ctx.exitCode };
  if (ctx.killedBy !== undefined) return { exitCode: 128 + ctx.killedBy, error: `killed by ${signalName(ctx.killedBy)}`, signal: ctx.killedBy };
  return undefined;
}

/**
 * r3 and CR0.SO as the kernel's system-call return sets them — except after a call that
 * restored every register itself (rt_sigreturn: TIF_RESTOREALL).
 */
function setResult(ctx: SysContext, res: number): void {
  const c = ctx.cpu;
  if (ctx.sig.restoreAll) {
    ctx.sig.restoreAll = false;
    return;
  }
  if (res < 0 && res >= -4095) {
    c.setGpr(3, -res, 0);
    c.r[S.CR] |= 1; // CR0.SO
  } else {
    c.setGpr(3, lo32(res), ctx.image.is64 ? hi32(res) : 0);
    c.r[S.CR] &= ~1;
  }
}

