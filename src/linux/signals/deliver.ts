// Delivery: what the thread does with its pending signals each time it returns to user mode
// (arch/powerpc/kernel/signal.c do_signal, kernel/signal.c get_signal and signal_delivered).
// The kernel layer calls `returnToUser` before the engine runs the thread again after any
// kernel entry — a system call, a fault, the end of a time slice — and it:
//   1. ends the thread if its process is exiting on a fatal signal, and waits while the
//      process is stopped;
//   2. takes the next deliverable signal (the thread's synchronous faults first, then the
//      thread's own, then the process's; by next_signal's order within each) and applies its
//      action: ignored signals are dropped; a default action terminates (with or without a
//      core dump: no core file is written), stops until SIGCONT, or ignores; a handler gets a
//      signal frame (frame64.ts, frame32.ts) and runs;
//   3. when returning from a system call that answered a restart code, turns it into EINTR
//      or restarts the call (check_syscall_restart), before the registers are saved;
//   4. puts back sigsuspend's mask when no handler ran.
// The registers are changed only once the frame is written: a wait on the way (mapping the
// trampoline page, a page of the stack being read) returns a Wait, after which the kernel layer
// calls again and the work starts over with the same signal.

import type { Cpu } from "../../machine/power/cpu.js";
import { S } from "../../machine/power/state.js";
import { GuestFault } from "../../machine/power/mmu.js";
import { ObjectBusy } from "../../kernel/cos/manager.js";
import { PageWait, pageWait } from "../../kernel/mem/region.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { ThreadEnd, Wait } from "../../kernel/exec/guest-thread.js";
import type { SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import type { SigAction } from "../task/signal-state.js";
import { readGuest, writeGuest } from "../sys/guest-mem.js";
import { guestMem } from "../process/syscalls.js";
import { DefaultAction, SA, SIG, SIG_DFL, SIG_IGN, SS_AUTODISARM, SS_DISABLE, bit, defaultAction, signalName } from "./numbers.js";
import type { SigPending } from "./pending.js";
import { fromKernel, siginfoBytes, type SigInfo } from "./siginfo.js";
import { forceSignal, receiverOf, signalPending } from "./send.js";
import { INTERRUPT_ENTRY, type ThreadSignals } from "./thread-signals.js";
import { capture, getReg, nipOf, setCtr, setLr, setNip, setReg } from "./regs.js";
import { userMsr, feMsr, type EntryRegs } from "./frame-common.js";
import { F64, build64 } from "./frame64.js";
import { RT32, SIG32, buildRt32, buildSig32 } from "./frame32.js";
import { SIGNAL_FRAMESIZE, TRAMP, mapTrampoline, trampolineOf } from "./trampoline.js";
import { ERESTARTNOHAND, ERESTARTNOINTR, ERESTARTSYS, ERESTART_RESTARTBLOCK } from "./interruptible.js";
import { checkCpuTimers } from "./itimers.js";
import { fpStore } from "../../machine/power/fpu/fpscr.js";
import { deliveryLine } from "./strace-line.js";
import { STOPPED_WHAT, continuedWait, stopWait } from "./job-stop.js";

/** restart_syscall's number (0 on both PowerPC ABIs). */
const NR_RESTART_SYSCALL = 0;

/** Anything for delivery to do (the cheap test made at every return to user mode). */
function work(ctx: SysContext, c: Cpu): boolean {
  const t = ctx.sig, p = ctx.task.signals;
  return p.groupExit !== undefined || p.stopped || p.continuedNotice || signalPending(p, t) || t.savedMask !== undefined ||
    (t.entry.kind === "syscall" && restartCode(c) !== 0);
}

/** The restart code a system call left in r3 with CR0.SO, or 0. */
function restartCode(c: Cpu): number {
  if ((c.r[S.CR] & 1) === 0 || c.r[7] !== 0) return 0;
  const r = c.r[6];
  return r === ERESTARTSYS || r === ERESTARTNOINTR || r === ERESTARTNOHAND || r === ERESTART_RESTARTBLOCK ? r : 0;
}

/**
 * The kernel layer's hook: run before the thread's user code runs again (after every chunk of
 * a time slice too, so the common case — nothing pending, no CPU timer, not from a system
 * call — is a few comparisons that allocate nothing).
 */
export function returnToUser(ctx: SysContext, c: Cpu): ThreadEnd | Wait | undefined {
  ctx.cpu = c;
  const t = ctx.sig, p = ctx.task.signals, its = p.itimers;
  if (t.pending.set === 0n && p.shared.set === 0n && t.entry === INTERRUPT_ENTRY && t.savedMask === undefined &&
    p.groupExit === undefined && !p.stopped && !p.continuedNotice && its.virt.expiry === undefined && its.prof.expiry === undefined &&
    its.posix.cpuArmed.size === 0) return undefined;
  checkCpuTimers(ctx);
  if (!work(ctx, c)) {
    t.entry = INTERRUPT_ENTRY;
    return undefined;
  }
  return doSignal(ctx, c);
}

/** The next signal to take: the set it is in, its number and the siginfo it would give. */
interface Next {
  readonly from: SigPending;
  readonly sig: number;
  readonly info: SigInfo;
}

/** dequeue_synchronous_signal, then dequeue_signal: the thread's own set before the process's. */
function nextSignal(ctx: SysContext): Next | undefined {
  const t = ctx.sig, p = ctx.task.signals;
  const sync = t.pending.firstFault(t.blocked);
  if (sync !== undefined) return { from: t.pending, sig: sync.signo, info: sync };
  for (const from of [t.pending, p.shared]) {
    const sig = from.next(t.blocked);
    if (sig !== 0) return { from, sig, info: from.peek(sig) };
  }
  return undefined;
}

function doSignal(ctx: SysContext, c: Cpu): ThreadEnd | Wait | undefined {
  const t = ctx.sig, p = ctx.task.signals;
  for (;;) {
    if (p.groupExit !== undefined) return death(ctx, p.groupExit, pendingInfo(ctx, p.groupExit));
    if (p.stopped) return stopped(ctx);
    if (p.continuedNotice) return continuedWait(ctx);
    const n = nextSignal(ctx);
    if (n === undefined) break;
    const act = p.action(n.sig);
    if (act.handler === SIG_IGN) {
      n.from.take(n.sig, n.info);
      continue;
    }
    if (act.handler !== SIG_DFL) {
      const r = runHandler(ctx, c, n, act);
      if (r === "again") continue;
      return r;
    }
    n.from.take(n.sig, n.info);
    switch (defaultAction(n.sig)) {
      case DefaultAction.Ignore:
      case DefaultAction.Continue:
        continue;
      case DefaultAction.Stop:
        return stopWait(ctx, n.sig, stopped(ctx));
      case DefaultAction.Terminate:
      case DefaultAction.Core:
        return death(ctx, n.sig, n.info);
    }
  }
  // No handler runs: a call that answered a restart code is restarted; sigsuspend's mask comes back.
  syscallRestart(ctx, c, undefined);
  if (t.savedMask !== undefined) {
    t.setBlocked(t.savedMask);
    t.savedMask = undefined;
  }
  t.entry = INTERRUPT_ENTRY;
  return undefined;
}

/** The siginfo a pending `sig` would be taken with (the thread's own first), if it is pending. */
function pendingInfo(ctx: SysContext, sig: number): SigInfo | undefined {
  for (const from of [ctx.sig.pending, ctx.task.signals.shared]) if (from.has(sig)) return from.peek(sig);
  return undefined;
}

/** The process ends on `sig` (do_group_exit); the strace lines and the run's error say so. */
function death(ctx: SysContext, sig: number, info: SigInfo | undefined): ThreadEnd {
  const name = signalName(sig);
  ctx.killedBy = sig;
  ctx.log(`${name}: default action ${defaultAction(sig) === DefaultAction.Core ? "core dump (no core file is written)" : "terminate"}`);
  if (info !== undefined) ctx.strace?.(deliveryLine(info));
  ctx.strace?.(`+++ killed by ${name} +++`);
  return { exitCode: 128 + sig, error: info?.why ?? `killed by ${name}`, signal: sig };
}

/**
 * The stopped process's thread waits for SIGCONT, or for its death: SIGKILL, or the thread told
 * to die without a signal (LinuxSystem.kill: init ending what is left at the program's end, a
 * fault's death, another thread's exit_group), which wakes it through the same hook. Then
 * delivery goes on (a doomed thread ends at its return to user mode).
 */
function stopped(ctx: SysContext): Wait {
  const p = ctx.task.signals, t = ctx.sig;
  const what = STOPPED_WHAT;
  const dying = (): boolean => t.pending.has(SIG.KILL) || p.groupExit !== undefined || ctx.thread.doomed;
  return {
    what,
    *run(): Generator<Block, ThreadEnd | undefined, unknown> {
      const sched = ctx.k.sched, me = sched.current;
      if (me === undefined) throw new Error("stop outside a thread");
      while (p.stopped && !dying()) {
        t.interrupt = () => sched.wake(me);
        try {
          yield { kind: "event", what };
        } finally {
          t.interrupt = undefined;
        }
      }
      if (dying()) p.stopped = false;
      return undefined;
    },
  };
}

/** A Wait that waits for `block` and then lets delivery start over. */
function waitThenRetry(what: string, block: Block): Wait {
  return {
    what,
    *run(): Generator<Block, ThreadEnd | undefined, unknown> {
      yield block;
      return undefined;
    },
  };
}

/**
 * check_syscall_restart: the thread returns from a system call that answered a restart code
 * (r3 with CR0.SO). With a handler about to run (`act`), ERESTARTNOHAND and
 * ERESTART_RESTARTBLOCK become EINTR, ERESTARTSYS too unless SA_RESTART; ERESTARTNOINTR always
 * restarts. A restart runs `sc` again: r3 its first argument again, or r0 restart_syscall.
 */
function syscallRestart(ctx: SysContext, c: Cpu, act: SigAction | undefined): void {
  const e = ctx.sig.entry;
  if (e.kind !== "syscall") return;
  ctx.sig.entry = INTERRUPT_ENTRY; // once: the registers below are final
  const code = restartCode(c);
  if (code === 0) return;
  const handler = act !== undefined;
  let restart: boolean;
  switch (code) {
    case ERESTART_RESTARTBLOCK:
    case ERESTARTNOHAND:
      restart = !handler;
      break;
    case ERESTARTSYS:
      restart = !handler || (act.flags & SA.RESTART) !== 0;
      break;
    default:
      restart = true;
  }
  if (restart) {
    if (code === ERESTART_RESTARTBLOCK) setReg(c, 0, BigInt(NR_RESTART_SYSCALL));
    else setReg(c, 3, e.origR3);
    setNip(c, nipOf(c) - 4n);
    c.r[S.CR] &= ~1;
  } else {
    setReg(c, 3, BigInt(E.EINTR));
    c.r[S.CR] |= 1;
  }
}

/** The pt_regs fields a frame records for the entry the thread returns from. */
function entryRegs(ctx: SysContext, c: Cpu): EntryRegs {
  const e = ctx.sig.entry, is64 = ctx.image.is64;
  const ppr = (BigInt(c.r[S.PPR + 1] >>> 0) << 32n) | BigInt(c.r[S.PPR] >>> 0);
  const base = { msr: userMsr(is64, ctx.image.le) | feMsr(c.r[S.FE]), ppr };
  switch (e.kind) {
    case "syscall": {
      const so = (c.r[S.CR] & 1) !== 0, r3 = getReg(c, 3);
      return { ...base, origR3: e.origR3, trap: 0xc00, dar: 0, dsisr: 0, result: so ? -r3 : r3 };
    }
    case "fault":
      return { ...base, origR3: getReg(c, 3), trap: e.trap, dar: e.dar, dsisr: e.dsisr, result: 0n };
    case "interrupt":
      return { ...base, origR3: getReg(c, 3), trap: 0x900, dar: 0, dsisr: 0, result: 0n };
  }
}

/** on_sig_stack: is `sp` inside the alternate stack (never while it is auto-disarmed)? */
export function onAltStack(t: ThreadSignals, sp: number): boolean {
  const a = t.altStack;
  if ((a.flags & SS_AUTODISARM) !== 0) return false;
  return sp > a.sp && sp - a.sp <= a.size;
}

/** sas_ss_flags(sp): SS_DISABLE without a stack, SS_ONSTACK on it, else 0. */
export function altStackFlags(t: ThreadSignals, sp: number): number {
  if (t.altStack.size === 0) return SS_DISABLE;
  return onAltStack(t, sp) ? 1 : 0;
}

/** Build the frame of `n` for its handler and enter the handler; "again" when delivery must look again. */
function runHandler(ctx: SysContext, c: Cpu, n: Next, act: SigAction): ThreadEnd | Wait | "again" {
  const t = ctx.sig, is64 = ctx.image.is64, le = ctx.image.le;
  const tramp = trampolineOf(ctx);
  if (tramp === undefined) {
    return {
      what: "mapping the signal trampoline page",
      *run(): Generator<Block, ThreadEnd | undefined, unknown> {
        if (!(yield* mapTrampoline(ctx))) {
          n.from.take(n.sig, n.info);
          frameFailed(ctx, n.sig);
        }
        return undefined;
      },
    };
  }
  syscallRestart(ctx, c, act);
  const regs = capture(c);
  const sp = is64 ? regs.gpr[1] : regs.gpr[1] & 0xffffffffn;
  // sigsp: the alternate stack's top when asked and not on it already.
  const onStack = (act.flags & SA.ONSTACK) !== 0 && altStackFlags(t, Number(sp)) === 0;
  const top = onStack ? BigInt(t.altStack.sp + t.altStack.size) : sp;
  const siginfo = (act.flags & SA.SIGINFO) !== 0;
  const oldmask = t.savedMask ?? t.blocked;
  const entry = entryRegs(ctx, c);
  const stack = { ...t.altStack };
  const m = guestMem(ctx);
  let handlerEntry = BigInt(act.handler), toc: bigint | undefined;
  let frame: bigint, bytes: Uint8Array, newsp: bigint;
  try {
    if (is64) {
      frame = (top - BigInt(F64.SIZE)) & ~15n;
      bytes = build64({ frame: Number(frame), le, sig: n.sig, handler: act.handler, info: siginfoBytes(n.info, true, le), oldmask, stack, img: regs, entry });
      newsp = frame - BigInt(SIGNAL_FRAMESIZE.ppc64);
      if (!ctx.image.elfv2) {
        // ELFv1: the handler is a function descriptor {entry, TOC}.
        const d = readGuest(m, act.handler, 16);
        const dv = new DataView(d.buffer, d.byteOffset, 16);
        handlerEntry = dv.getBigUint64(0, le);
        toc = dv.getBigUint64(8, le);
      }
    } else {
      const rt = siginfo;
      frame = (top - BigInt(rt ? RT32.SIZE : SIG32.SIZE)) & ~15n;
      const a = { frame: Number(frame), sig: n.sig, handler: act.handler, oldmask, img: regs, entry };
      bytes = rt ? buildRt32({ ...a, info: siginfoBytes(n.info, false, false), stack }) : buildSig32(a);
      newsp = frame - BigInt(SIGNAL_FRAMESIZE.ppc32 + (rt ? 16 : 0));
    }
    writeGuest(m, Number(frame), bytes);
    // The dummy caller frame's back chain: the interrupted stack pointer.
    const chain = new Uint8Array(is64 ? 8 : 4);
    const cv = new DataView(chain.buffer);
    if (is64) cv.setBigUint64(0, regs.gpr[1], le);
    else cv.setUint32(0, Number(sp), false);
    writeGuest(m, Number(newsp), chain);
  } catch (e) {
    if (e instanceof PageWait) return waitThenRetry("a page of the signal frame", pageWait(e.obj));
    if (e instanceof ObjectBusy) return waitThenRetry("a memory object being swapped", { kind: "swap", obj: e.obj });
    if (!(e instanceof GuestFault)) throw e;
    // The frame cannot be written (a stack overflow without an alternate stack, a bad descriptor).
    n.from.take(n.sig, n.info);
    frameFailed(ctx, n.sig);
    return "again";
  }
  // Committed: the signal is taken and the handler entered.
  n.from.take(n.sig, n.info);
  ctx.strace?.(deliveryLine(n.info));
  if ((act.flags & SA.RESETHAND) !== 0) ctx.task.signals.resetHandler(n.sig);
  enter(ctx, c, { sig: n.sig, frame, newsp, tramp, handlerEntry, toc, siginfo });
  // signal_delivered: the handler's mask and (without SA_NODEFER) the signal itself are blocked.
  t.setBlocked(oldmask | act.mask | ((act.flags & SA.NODEFER) !== 0 ? 0n : bit(n.sig)));
  t.savedMask = undefined;
  if ((t.altStack.flags & SS_AUTODISARM) !== 0) t.altStack = { sp: 0, size: 0, flags: SS_DISABLE };
  t.entry = INTERRUPT_ENTRY;
  return "again";
}

/** The registers the handler starts with (handle_rt_signal64, handle_rt_signal32, handle_signal32). */
function enter(ctx: SysContext, c: Cpu, h: { sig: number; frame: bigint; newsp: bigint; tramp: number; handlerEntry: bigint; toc: bigint | undefined; siginfo: boolean }): void {
  const is64 = ctx.image.is64;
  if (is64) {
    // Through the trampoline's bctrl: it calls CTR, and the handler returns to the sigreturn path after it.
    setNip(c, BigInt(h.tramp + TRAMP.rt64));
    setCtr(c, h.handlerEntry);
    if (ctx.image.elfv2) setReg(c, 12, h.handlerEntry);
    else setReg(c, 2, h.toc ?? 0n);
    if (h.siginfo) {
      setReg(c, 4, h.frame + BigInt(F64.INFO));
      setReg(c, 5, h.frame);
      setReg(c, 6, h.frame);
    } else {
      setReg(c, 4, h.frame + BigInt(F64.MCONTEXT));
    }
  } else {
    setNip(c, h.handlerEntry);
    setLr(c, BigInt(h.tramp + (h.siginfo ? TRAMP.rt32 : TRAMP.sigreturn32)));
    if (h.siginfo) {
      setReg(c, 4, h.frame + BigInt(RT32.INFO));
      setReg(c, 5, h.frame + BigInt(RT32.UC));
      setReg(c, 6, h.frame);
    } else {
      setReg(c, 4, h.frame + BigInt(SIG32.SCTX));
    }
  }
  setReg(c, 1, h.newsp);
  setReg(c, 3, BigInt(h.sig));
  // The handler runs in the process's byte order, with no FP exception enabled or pending.
  c.setMode(is64, ctx.image.le);
  fpStore(c, 0, 0, 0xffff);
}

/**
 * signal_setup_done's failure (force_sigsegv): a frame that could not be written is a SIGSEGV;
 * if the signal being delivered was SIGSEGV itself, it can no longer be caught.
 */
function frameFailed(ctx: SysContext, sig: number): void {
  const p = ctx.task.signals;
  ctx.log(`${signalName(sig)}: its signal frame could not be written (stack at 0x${Number(getReg(ctx.cpu, 1)).toString(16)}): SIGSEGV`);
  if (sig === SIG.SEGV) p.resetHandler(SIG.SEGV);
  forceSignal(receiverOf(ctx), fromKernel(SIG.SEGV));
}
