// Job control's stop and continue (kernel/signal.c do_signal_stop, do_notify_parent_cldstop and
// get_signal's SIGNAL_CLD_CONTINUED): what delivery does when a stop signal's default action
// runs, and after a SIGCONT continued the process.
//
// Stop (a Wait made by delivery, so it may make PPCs):
//   1. SIGTSTP, SIGTTIN and SIGTTOU do nothing to a process whose group is orphaned (nobody in
//      the session could continue it): the signal is dropped (SIGSTOP always stops);
//   2. the process is stopped: every thread stops at its next return to user mode (those in an
//      interruptible wait are woken for it, and restart their call after the continue);
//   3. ProcessLinux records the stop (wait4 with WUNTRACED reports it once) and the parent is
//      sent SIGCHLD with CLD_STOPPED, unless its SIGCHLD action has SA_NOCLDSTOP; its waits
//      look again either way;
//   4. the thread waits for SIGCONT (or SIGKILL).
// Continue: send.ts marks the continued process (continuedNotice); its thread, back from the
// stop, tells ProcessLinux (WCONTINUED reports it) and sends the parent SIGCHLD with
// CLD_CONTINUED (again unless SA_NOCLDSTOP).

import type { Block } from "../../kernel/sched/thread.js";
import type { ThreadEnd, Wait } from "../../kernel/exec/guest-thread.js";
import type { SysContext } from "../process/syscalls.js";
import { fsc } from "../vfs/fs-call.js";
import { SA, SIG, signalName } from "./numbers.js";
import { fromProcess, type SigInfo } from "./siginfo.js";

/** The block a stopped thread waits in (SIGCONT wakes it). */
export const STOPPED_WHAT = "stopped (SIGCONT continues it)";

/** SIGCHLD's si_code for a stopped and a continued child. */
export const CLD_STOPPED = 5, CLD_CONTINUED = 6;

/** The default action of stop signal `sig`: stop the process (steps 1–3), then `then` (the wait for SIGCONT). */
export function stopWait(ctx: SysContext, sig: number, then: Wait): Wait {
  return {
    what: `stopping on ${signalName(sig)}`,
    *run(): Generator<Block, ThreadEnd | undefined, unknown> {
      const proc = ctx.thread.proc, sys = proc.sys, p = ctx.task.signals;
      if (sig !== SIG.STOP && (yield* fsc(sys.pids.orphaned(0))) === 1) {
        ctx.log(`${signalName(sig)}: dropped, the process group of ${proc.pid} is orphaned`);
        return undefined;
      }
      if (p.groupExit !== undefined) return undefined;
      p.stopped = true;
      for (const t of proc.threads.values()) if (t !== ctx.thread) sys.interrupt(t);
      yield* tellParent(ctx, sig);
      return yield* then.run();
    },
  };
}

/** After a continue: the parent is told (the notice is taken first, so it is given once). */
export function continuedWait(ctx: SysContext): Wait {
  ctx.task.signals.continuedNotice = false;
  return {
    what: "telling the parent of a continue",
    *run(): Generator<Block, ThreadEnd | undefined, unknown> {
      yield* tellParent(ctx, 0);
      return undefined;
    },
  };
}

/** ProcessLinux records a stop by `sig` (0: a continue); the parent gets SIGCHLD unless SA_NOCLDSTOP, and its waits look again. */
function* tellParent(ctx: SysContext, sig: number): Generator<Block, void, unknown> {
  const proc = ctx.thread.proc, sys = proc.sys;
  const r = (yield* fsc(sys.pids.stopped(sig))) as unknown as { parent: number };
  const parent = sys.procs.get(r.parent);
  if (parent !== undefined && (parent.task.signals.action(SIG.CHLD).flags & SA.NOCLDSTOP) === 0) {
    const info: SigInfo = {
      ...fromProcess(SIG.CHLD, sig !== 0 ? CLD_STOPPED : CLD_CONTINUED, proc.pid, ctx.task.creds.uid),
      status: sig !== 0 ? sig : SIG.CONT, utime: 0, stime: 0,
    };
    sys.signal(parent, SIG.CHLD, info);
  }
  sys.childChanged(r.parent);
}
