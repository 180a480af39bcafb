// Job control's checks at a terminal (Linux's __tty_check_change and n_tty_read's
// job_control): a process of a background group of the terminal's session that reads it is
// sent SIGTTIN (its whole group), one that writes with TOSTOP or changes its settings SIGTTOU;
// the call answers ERESTARTSYS, so it runs again once the group is continued in the
// foreground. A read is EIO instead when SIGTTIN is ignored or blocked, or when the group is
// orphaned (no one could continue it); a change goes ahead when SIGTTOU is ignored or blocked,
// and is EIO for an orphaned group.

import type { Block } from "../../kernel/sched/thread.js";
import { E } from "../errno.js";
import { SysError } from "../sys/guest-mem.js";
import { ERESTARTSYS } from "../signals/interruptible.js";
import { SIG, SIG_IGN, bit } from "../signals/numbers.js";
import type { LinuxProcess, LinuxThread } from "../process/lprocess.js";
import type { LinuxSystem } from "../process/system.js";
import { fsc } from "../vfs/fs-call.js";
import type { Tty } from "./tty.js";

/** Is `tty` the controlling terminal of process `p`? */
export function controls(tty: Tty, p: LinuxProcess): boolean {
  return tty.session !== 0 && tty.session === p.task.sid && !tty.detached.has(p.pid);
}

/** is_ignored: blocked by the thread, or ignored by the process. */
function ignored(t: LinuxThread, sig: number): boolean {
  return (t.sig.blocked & bit(sig)) !== 0n || t.proc.task.signals.handler(sig) === SIG_IGN;
}

/** Send `sig` to every process of group `pgrp` (kill_pgrp). */
export function signalGroup(sys: LinuxSystem, pgrp: number, sig: number): void {
  for (const p of [...sys.procs.values()]) if (p.task.pgid === pgrp && !p.ended) sys.signal(p, sig);
}

/**
 * The calling thread may read (`sig` SIGTTIN) or write/change (SIGTTOU) `tty`: returns, or
 * throws SysError(EIO) or SysError(ERESTARTSYS) after signalling its group.
 */
export function* checkJob(sys: LinuxSystem, tty: Tty, sig: typeof SIG.TTIN | typeof SIG.TTOU): Generator<Block, void, unknown> {
  const t = sys.current();
  if (t === undefined) return;
  const p = t.proc;
  if (!controls(tty, p) || tty.pgrp === 0 || p.task.pgid === tty.pgrp) return;
  if (ignored(t, sig)) {
    if (sig === SIG.TTIN) throw new SysError(E.EIO, `${tty.name}: background read with SIGTTIN ignored or blocked`);
    return;
  }
  if ((yield* fsc(sys.pids.orphaned(0))) === 1) throw new SysError(E.EIO, `${tty.name}: an orphaned background group`);
  signalGroup(sys, p.task.pgid, sig);
  throw new SysError(ERESTARTSYS, `${tty.name}: a background group (${sig === SIG.TTIN ? "SIGTTIN" : "SIGTTOU"})`);
}
