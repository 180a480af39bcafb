// interruptible(): a thread told to die must not start a wait. A doom (LinuxSystem.doom: a
// fatal signal's group exit, exit_group by another thread, init's SIGKILL at the run's end) wakes
// a thread through its interrupt hook, which is set only while the thread is in an interruptible
// wait; a thread inside a PPC at that moment (a pipe read asking the pipe server on another
// processor, before it waits for data) misses that wake-up, and the wait it begins afterwards
// must see the doom at its first check — as Linux's signal_pending sees the SIGKILL that
// zap_other_threads queued. Without that check the thread waited for ever and the run
// deadlocked. The interleaving is forced here on a bare context: the doom comes while no wait is
// in progress, then the wait starts.

import { test } from "node:test";
import assert from "node:assert/strict";
import type { Block } from "../../kernel/sched/thread.js";
import type { SysContext } from "../process/syscalls.js";
import { SignalState } from "../task/signal-state.js";
import { INTERRUPTED, interruptible } from "./interruptible.js";
import { ThreadSignals } from "./thread-signals.js";

/** Only what interruptible() reads of a system call's context: the signal state, the thread, the scheduler. */
function bareContext(): { ctx: SysContext; thread: { doomed: boolean } } {
  const thread = { doomed: false };
  const me = { id: 1 };
  const ctx = { task: { signals: new SignalState() }, sig: new ThreadSignals(), thread, k: { sched: { current: me, wake: () => {} } } };
  return { ctx: ctx as unknown as SysContext, thread };
}

const block: Block = { kind: "event", what: "data in a pipe" };

test("interruptible: a thread not told to die waits", () => {
  const { ctx } = bareContext();
  const r = interruptible(ctx, block).next();
  assert.equal(r.done, false);
  assert.equal(r.value, block);
});

test("interruptible: a thread told to die while it was in no wait does not start one (the doom's wake-up came before)", () => {
  const { ctx, thread } = bareContext();
  thread.doomed = true; // LinuxSystem.doom found no interrupt hook to call
  const r = interruptible(ctx, block).next();
  assert.deepEqual(r, { done: true, value: INTERRUPTED });
});
