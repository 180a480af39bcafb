// The signal family's actions and masks (kernel/signal.c): actions (rt_sigaction; ppc32's old
// sigaction; signal), the thread's blocked mask (rt_sigprocmask; ppc32's sigprocmask), the
// pending set (rt_sigpending; ppc32's sigpending) and the thread's alternate stack
// (sigaltstack). raise() is the entry for the rest of the personality (the file layer's
// SIGPIPE). Sending (kill, tkill, tgkill, sigqueue), waiting (pause, sigsuspend,
// sigtimedwait), the interval timers and delivery on signal frames are in linux/signals/.
//
// Layouts: struct sigaction is {handler, flags, restorer, mask} in longs with a 64-bit
// sigset_t (ppc64: 32 bytes; ppc32: 20 bytes, the set as two 32-bit words, low signals first);
// ppc32's old_sigaction is {handler, mask, flags, restorer} with a 32-bit mask. SA_RESTORER is
// kept and read back, as powerpc does, but never used: handlers return through the trampoline
// page (signals/trampoline.ts).

import { E } from "../errno.js";
import type { Handler, SysContext } from "../process/syscalls.js";
import { MINSIGSTKSZ, SIG, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK, SA, bit, validSignal, type SigAction } from "../task/signal-state.js";
import { SI, fromProcess } from "../signals/siginfo.js";
import { receiverOf, sendSignal, type Sent } from "../signals/send.js";
import { altStackFlags, onAltStack } from "../signals/deliver.js";
import { writeGuest } from "./guest-mem.js";
import { getSigset, getU64, mem, newStruct, putSigset, readStruct, writeStruct, argInt, argPtr, wordOf } from "./user.js";

/** sizeof(sigset_t): 64 signals. */
const SIGSET_SIZE = 8;

/**
 * Send `sig` (1..64) to the calling thread as the kernel does for a signal it generates for it
 * (a write to a broken pipe: send_sig's SI_USER from the thread's own process). Delivery, or
 * the default action, happens when the thread returns to user mode.
 */
export function raise(ctx: SysContext, sig: number): Sent {
  if (!validSignal(sig)) throw new RangeError(`raise: no signal ${sig}`);
  return sendSignal(receiverOf(ctx), fromProcess(sig, SI.USER, ctx.task.pid, ctx.task.creds.uid), "thread");
}

// ---- actions ----

/** struct sigaction of the process's ABI at `va`. */
function readSigaction(ctx: SysContext, va: number): SigAction {
  if (ctx.image.is64) {
    const s = readStruct(ctx, va, 32);
    return { handler: Number(getU64(s, 0)), flags: Number(getU64(s, 8) & 0xffffffffn), restorer: Number(getU64(s, 16)), mask: getSigset(s, 24, true) };
  }
  const s = readStruct(ctx, va, 20);
  return { handler: s.getU32(0), flags: s.getU32(4), restorer: s.getU32(8), mask: getSigset(s, 12, false) };
}

function writeSigaction(ctx: SysContext, va: number, a: SigAction): void {
  const is64 = ctx.image.is64, w = wordOf(ctx);
  const s = newStruct(ctx, is64 ? 32 : 20);
  s.long(0, a.handler, is64);
  if (is64) s.u64(8, a.flags);
  else s.u32(4, a.flags);
  s.long(2 * w, a.restorer, is64);
  putSigset(s, 3 * w, a.mask, is64);
  writeStruct(ctx, va, s);
}

/** do_sigaction: 1..64, and SIGKILL/SIGSTOP may be read but not changed. */
function doSigaction(ctx: SysContext, sig: number, act: SigAction | undefined): SigAction | number {
  if (!validSignal(sig) || (act !== undefined && (sig === SIG.KILL || sig === SIG.STOP))) return -E.EINVAL;
  const st = ctx.task.signals;
  const old = st.action(sig);
  // A signal that becomes ignored leaves every pending set, the threads' too.
  if (act !== undefined && st.setAction(sig, act)) ctx.sig.pending.drop(bit(sig));
  return old;
}

/** rt_sigaction(sig, act, oact, sigsetsize). */
const rtSigaction: Handler = (ctx) => {
  const sig = argInt(ctx, 0), ap = argPtr(ctx, 1), op = argPtr(ctx, 2);
  if (argPtr(ctx, 3) !== SIGSET_SIZE) return -E.EINVAL;
  const act = ap === 0 ? undefined : readSigaction(ctx, ap);
  const old = doSigaction(ctx, sig, act);
  if (typeof old === "number") return old;
  if (op !== 0) writeSigaction(ctx, op, old);
  return 0;
};

/** ppc32's old sigaction(sig, act, oact): {handler, mask (signals 1..32), flags, restorer}. */
const oldSigaction: Handler = (ctx) => {
  const sig = argInt(ctx, 0), ap = argPtr(ctx, 1), op = argPtr(ctx, 2);
  let act: SigAction | undefined;
  if (ap !== 0) {
    const s = readStruct(ctx, ap, 16);
    act = { handler: s.getU32(0), mask: BigInt(s.getU32(4)), flags: s.getU32(8), restorer: s.getU32(12) };
  }
  const old = doSigaction(ctx, sig, act);
  if (typeof old === "number") return old;
  if (op !== 0) {
    writeStruct(ctx, op, newStruct(ctx, 16).u32(0, old.handler).u32(4, Number(old.mask & 0xffffffffn)).u32(8, old.flags).u32(12, old.restorer));
  }
  return 0;
};

/** signal(sig, handler): a one-shot, non-deferring action; returns the old handler. */
const sysSignal: Handler = (ctx) => {
  const old = doSigaction(ctx, argInt(ctx, 0), { handler: argPtr(ctx, 1), flags: (SA.RESETHAND | SA.NODEFER) >>> 0, mask: 0n, restorer: 0 });
  return typeof old === "number" ? old : old.handler;
};

// ---- the blocked mask and the pending set ----

const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;

/** sigprocmask's change of the blocked mask by `how`, or EINVAL. */
function changeBlocked(ctx: SysContext, how: number, set: bigint, low32Only: boolean): number {
  const st = ctx.sig;
  let next: bigint;
  switch (how) {
    case SIG_BLOCK: next = st.blocked | set; break;
    case SIG_UNBLOCK: next = st.blocked & ~set; break;
    case SIG_SETMASK: next = low32Only ? (st.blocked & ~0xffffffffn) | set : set; break;
    default: return -E.EINVAL;
  }
  st.setBlocked(next);
  return 0;
}

/** A sigset_t of `size` bytes in the process's layout. */
function readSigset(ctx: SysContext, va: number): bigint {
  return getSigset(readStruct(ctx, va, SIGSET_SIZE), 0, ctx.image.is64);
}

function sigsetStruct(ctx: SysContext, set: bigint): ReturnType<typeof newStruct> {
  const s = newStruct(ctx, SIGSET_SIZE);
  putSigset(s, 0, set, ctx.image.is64);
  return s;
}

/** rt_sigprocmask(how, set, oset, sigsetsize): the old mask is written after the change. */
const rtSigprocmask: Handler = (ctx) => {
  const how = argInt(ctx, 0), sp = argPtr(ctx, 1), op = argPtr(ctx, 2);
  if (argPtr(ctx, 3) !== SIGSET_SIZE) return -E.EINVAL;
  const old = ctx.sig.blocked;
  if (sp !== 0) {
    const r = changeBlocked(ctx, how, readSigset(ctx, sp), false);
    if (r < 0) return r;
  }
  if (op !== 0) writeStruct(ctx, op, sigsetStruct(ctx, old));
  return 0;
};

/** ppc32's old sigprocmask(how, set, oset): 32-bit masks (signals 1..32). */
const oldSigprocmask: Handler = (ctx) => {
  const how = argInt(ctx, 0), sp = argPtr(ctx, 1), op = argPtr(ctx, 2);
  const old = ctx.sig.blocked & 0xffffffffn;
  if (sp !== 0) {
    const r = changeBlocked(ctx, how, BigInt(readStruct(ctx, sp, 4).getU32(0)), true);
    if (r < 0) return r;
  }
  if (op !== 0) writeStruct(ctx, op, newStruct(ctx, 4).u32(0, Number(old)));
  return 0;
};

/** What sigpending reports: signals pending for the thread or its process that the thread blocks. */
const pendingBlocked = (ctx: SysContext): bigint => (ctx.sig.pending.set | ctx.task.signals.shared.set) & ctx.sig.blocked;

/** rt_sigpending(set, sigsetsize): a smaller size copies that many bytes of the set. */
const rtSigpending: Handler = (ctx) => {
  const p = argPtr(ctx, 0), size = argPtr(ctx, 1);
  if (size > SIGSET_SIZE) return -E.EINVAL;
  const s = sigsetStruct(ctx, pendingBlocked(ctx));
  writeGuest(mem(ctx), p, s.b.subarray(0, size));
  return 0;
};

/** ppc32's old sigpending(set): signals 1..32. */
const oldSigpending: Handler = (ctx) => {
  writeStruct(ctx, argPtr(ctx, 0), newStruct(ctx, 4).u32(0, Number(pendingBlocked(ctx) & 0xffffffffn)));
  return 0;
};

// ---- the alternate signal stack ----

/** MINSIGSTKSZ of the ABI (powerpc's asm/signal.h). */
const minStack = (ctx: SysContext): number => (ctx.image.is64 ? MINSIGSTKSZ.ppc64 : MINSIGSTKSZ.ppc32);

/** sigaltstack(ss, oss): ss is read first; the old stack is written only if the call succeeds. */
const sigaltstack: Handler = (ctx) => {
  const ssp = argPtr(ctx, 0), osp = argPtr(ctx, 1), is64 = ctx.image.is64, w = wordOf(ctx);
  const size = is64 ? 24 : 12;
  let want: { sp: number; flags: number; size: number } | undefined;
  if (ssp !== 0) {
    const s = readStruct(ctx, ssp, size);
    want = { sp: s.getULong(0, is64), flags: s.getU32(w), size: s.getULong(2 * w, is64) };
  }
  const st = ctx.sig, cur = st.altStack;
  // The caller's stack pointer (r1) decides whether it runs on the alternate stack now.
  const r1 = is64 ? (ctx.cpu.r[3] >>> 0) * 2 ** 32 + (ctx.cpu.r[2] >>> 0) : ctx.cpu.r[2] >>> 0;
  const onStack = onAltStack(st, r1);
  const old = { sp: cur.sp, size: cur.size, flags: (altStackFlags(st, r1) | (cur.flags & SS_AUTODISARM)) >>> 0 };
  if (want !== undefined) {
    if (onStack) return -E.EPERM;
    const mode = (want.flags & ~SS_AUTODISARM) >>> 0;
    if (mode !== SS_DISABLE && mode !== SS_ONSTACK && mode !== 0) return -E.EINVAL;
    if (!(want.sp === cur.sp && want.size === cur.size && want.flags >>> 0 === cur.flags >>> 0)) {
      if (mode === SS_DISABLE) st.altStack = { sp: 0, size: 0, flags: want.flags >>> 0 };
      else if (want.size < minStack(ctx)) return -E.ENOMEM;
      else st.altStack = { sp: want.sp, size: want.size, flags: want.flags >>> 0 };
    }
  }
  if (osp !== 0) {
    const s = newStruct(ctx, size).long(0, old.sp, is64).u32(w, old.flags >>> 0).long(2 * w, old.size, is64);
    writeStruct(ctx, osp, s);
  }
  return 0;
};

/** The family (sigaction, sigprocmask and sigpending are ppc32's old calls: ppc64's slots are sys_ni_syscall, which the table keeps). */
export const SIGNAL_CALLS: Record<string, Handler> = {
  rt_sigaction: rtSigaction,
  rt_sigprocmask: rtSigprocmask,
  rt_sigpending: rtSigpending,
  sigaltstack,
  signal: sysSignal,
  sigaction: oldSigaction,
  sigprocmask: oldSigprocmask,
  sigpending: oldSigpending,
};

export const SIGNAL_PARTIAL: Readonly<Record<string, string>> = {};
