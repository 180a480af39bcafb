// An IPC namespace: the segments, semaphore sets and message queues every process of a
// LinuxSystem shares (Linux's init_ipc_ns; no process makes another namespace yet). It lives
// with the personality's processes on their home processor, where every System V IPC call runs.

import type { Block } from "../../kernel/sched/thread.js";
import type { Kernel } from "../../kernel/kernel.js";
import { ShmNamespace } from "./shm.js";
import { SemNamespace } from "./sem.js";
import { MsgNamespace } from "./msg.js";

export class IpcNamespace {
  readonly shm = new ShmNamespace();
  readonly sem = new SemNamespace();
  readonly msg = new MsgNamespace();

  /**
   * Process `pid` ended (its memory already gone; `nowSec`: the real-time clock in seconds):
   * its SEM_UNDO adjustments are applied, and segments marked for removal that it was the
   * last to attach go.
   */
  *processEnded(k: Kernel, pid: number, nowSec: number): Generator<Block, void, unknown> {
    this.sem.exit(pid, nowSec);
    yield* this.shm.sweep(k);
  }
}
