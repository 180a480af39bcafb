// The threads of a process as /proc shows them: each thread's state letter and its own CPU
// accounts (what /proc/PID/task/TID/stat prints, and what the process's lines sum).
//
// A thread's state comes from its kernel thread: one blocked in a wait (a sleep, a pipe, a
// child, a signal) is sleeping (S) — every wait a system call makes here is interruptible, as
// Linux's TASK_INTERRUPTIBLE ones are; a process stopped by a stop signal is T; one whose
// threads all ended is a zombie (Z). Anything else is running or ready to run (R). A thread
// placed on another processor runs user code there between its calls: R, unless one of its
// calls waits at home now.

import type { ProcState } from "../servers/proc/iface.js";
import { ThreadState } from "../kernel/sched/thread.js";
import type { LinuxProcess, LinuxThread } from "./process/lprocess.js";
import type { ThreadInfo } from "./proc-info.js";

/** The state letter of thread `t` now. */
export function threadState(t: LinuxThread): ProcState {
  const p = t.proc;
  if (p.ended) return "Z";
  if (p.task.signals.stopped) return "T";
  const kt = t.kthread;
  if (kt === undefined) return "R"; // on another processor, in user code
  return kt.state === ThreadState.Blocked ? "S" : "R";
}

/** Thread `t` as /proc counts it (`cpu`: the processor it runs on). */
export function threadInfo(t: LinuxThread, instructionNs: number): ThreadInfo {
  const c = t.clock;
  return {
    tid: t.tid, state: threadState(t), cpu: t.runsOn < 0 ? t.k.cpu : t.runsOn,
    utimeNs: c.instructions * instructionNs, stimeNs: c.kernelCycles,
    minflt: c.faults, majflt: 0,
    voluntarySwitches: 0, involuntarySwitches: 0,
  };
}

/**
 * The threads of `p`, the leader first. The process's ended threads' time is added to the
 * leader's line (Linux keeps it in the signal struct and adds it to the process's totals), so
 * the sum over the threads is the process's CPU time.
 */
export function processThreads(p: LinuxProcess, instructionNs: number, voluntary: number): ThreadInfo[] {
  const live = [...p.threads.values()].sort((a, b) => (a.tid === p.pid ? -1 : b.tid === p.pid ? 1 : a.tid - b.tid));
  const out = live.map((t) => threadInfo(t, instructionNs));
  const r = p.retired;
  const first = out[0];
  const retired = { utimeNs: r.instructions * instructionNs, stimeNs: r.kernelCycles, minflt: r.faults };
  if (first === undefined) {
    // A zombie: no thread lives; its line carries what the threads used.
    return [{ tid: p.pid, state: "Z", cpu: 0, ...retired, majflt: 0, voluntarySwitches: voluntary, involuntarySwitches: 0 }];
  }
  out[0] = {
    ...first, utimeNs: first.utimeNs + retired.utimeNs, stimeNs: first.stimeNs + retired.stimeNs,
    minflt: first.minflt + retired.minflt, voluntarySwitches: voluntary,
  };
  return out;
}
