// The memory objects under load, in both run modes: threads of one address space on two
// processors while another processor changes the space (shootdown completes before munmap and
// mprotect return; frames are freed only after it), guest threads deadlocked on each other, and
// hot-swaps of the page allocator and an FCM while a guest faults pages in.

import { test } from "node:test";
import assert from "node:assert/strict";
import { boot, type BootResult, type MachineOptions } from "../boot.js";
import { Major, Mem } from "../trace/events.js";
import type { ChangeResult, CowResult, MigrateResult, SwapLoadResult, SyscallLoopResult } from "./testing/programs.js";

const PROGRAMS = new URL("./testing/programs.js", import.meta.url).href;
const run = (opts: MachineOptions, name: string, args?: unknown): Promise<BootResult> => boot(opts, { module: PROGRAMS, name, args });

const noErrors = (r: BootResult): void => {
  assert.deepEqual(r.errors, []);
  for (const c of r.cpus) assert.deepEqual(c.threadErrors, [], `cpu ${c.cpu}`);
};

const DATA_VA = 0x10010000;

for (const [mode, workers] of [["deterministic", undefined], ["parallel", 2]] as const) {
  const m = (cpus: number): MachineOptions => ({ mode, cpus, memBytes: 64 << 20, ...(workers !== undefined ? { workers } : {}) });

  test(`${mode}: mprotect(PROT_READ) of a page a thread on another processor is writing — it faults right after, never later`, async () => {
    const r = await run(m(2), "changeUnderGuest", { op: "protect" });
    noErrors(r);
    const c = r.cpus[0].result as ChangeResult;
    assert.ok(c.before >= 1000, `the guest ran before the change (${c.before})`);
    // Not one store landed after mprotect returned: the shootdown had removed the writable
    // translation from processor 1's TLB by then.
    assert.equal(c.after, c.before);
    assert.deepEqual([c.signal, c.code, c.addr], [11, 2, DATA_VA], "SIGSEGV, SEGV_ACCERR, at the page");
  });

  test(`${mode}: munmap of a page a thread on another processor is writing — it faults right after; its frame is not reused before the shootdown`, async () => {
    const r = await run({ ...m(2), traceMask: 1 << Major.Mem }, "changeUnderGuest", { op: "unmap" });
    noErrors(r);
    const c = r.cpus[0].result as ChangeResult;
    assert.ok(c.before >= 1000, `the guest ran before the change (${c.before})`);
    assert.equal(c.after, c.before);
    assert.deepEqual([c.signal, c.code, c.addr], [11, 1, DATA_VA], "SIGSEGV, SEGV_MAPERR, at the page");
    // Frames handed out while the unmap ran were never written by the guest's stale translation.
    assert.equal(c.corrupted, 0);
    // And in the trace (processor 0's events are in order): the page's frame went back to the
    // allocator only after the unmap's shootdown completed.
    const ev = r.events.filter((e) => e.major === Major.Mem && e.cpu === 0);
    // The unmap's batch is processor 0's first FramesFreed (the test's allocator thread frees
    // its own frames without one; the teardown comes later). The frame may have been freed and
    // reused before the guest got it, so look for its free inside this batch: after the
    // batch's shootdown completed and before the batch's end.
    const batch = ev.findIndex((e) => e.minor === Mem.FramesFreed);
    assert.ok(batch >= 0, "the unmap freed frames");
    const [space, seq] = [ev[batch].data[0], ev[batch].data[1]];
    const start = ev.findIndex((e) => e.minor === Mem.ShootdownStart && e.data[0] === space && e.data[1] === seq);
    const done = ev.findIndex((e) => e.minor === Mem.ShootdownDone && e.data[0] === space && e.data[1] === seq);
    assert.ok(start >= 0 && done > start && batch > done, "the unmap shot down before its batch ended");
    const freed = ev.slice(start, batch).findIndex((e) => e.minor === Mem.FrameFree && e.data[0] === c.dataFrame) + start;
    assert.ok(c.dataFrame > 0 && freed >= start, "the page's frame was freed by the unmap");
    assert.ok(freed > done, "the frame was freed after the shootdown completed, not before");
    assert.equal(ev[start].data[2], 1, "the one processor running the space (1) was asked");
  });

  test(`${mode}: two guest threads each waiting for the other end in the one-line deadlock report`, async () => {
    const r = await run(m(2), "guestDeadlock");
    noErrors(r);
    assert.equal(r.deadlock, 'deadlock: thread "g0" on cpu 0 waits for event "g1 done"; thread "g1" on cpu 1 waits for event "g0 done"');
  });

  test(`${mode}: a guest looping on system calls on processor 0 does not starve another thread there`, async () => {
    const r = await run(m(2), "syscallLoop", { steps: 50 });
    noErrors(r);
    const s = r.cpus[0].result as SyscallLoopResult;
    // The other thread got all its turns and stopped the guest; the guest had made system
    // calls all along (before the fix its slice restarted at every call and it never yielded).
    assert.equal(s.steps, 50);
    assert.equal(s.exit, 0);
    assert.ok(s.syscalls > 50, `${s.syscalls} system calls`);
  });

  test(`${mode}: a guest thread migrates — another processor's engine runs its state block to the end`, async () => {
    const r = await run(m(2), "migrate", { n: 100_000, first: 120_001 });
    noErrors(r);
    const s = r.cpus[1].result as MigrateResult;
    assert.equal(s.exit, 0);
    assert.equal(s.count, 100_000, "the count went on from where processor 0 left it");
  });

  test(`${mode}: the page allocator and an FCM hot-swapped back and forth while a guest faults pages in`, async () => {
    const r = await run(m(2), "swapUnderLoad", { pages: 3000, swaps: 6 });
    noErrors(r);
    const s = r.cpus[0].result as SwapLoadResult;
    const swaps = (r.cpus[1].result as { swaps: number }).swaps;
    assert.equal(s.exit, 0);
    assert.equal(s.wrong, 0, "every page holds what the guest wrote");
    assert.ok(swaps >= 2, `swaps happened while the guest ran (${swaps})`);
    // The allocation counts travelled through every state transfer: all the guest's pages are in them.
    assert.ok(s.allocated.reduce((x, y) => x + y, 0) >= s.pages, JSON.stringify(s.allocated));
    assert.equal(s.types[0], swaps % 2 === 1 ? "PageAllocatorShared" : "PageAllocatorNuma");
  });
}

test("the FCM copy-on-write tree: shared read-only after fork, a write copies into the writer's FCM, the parent lives while a child does", async () => {
  const r = await run({ mode: "deterministic", cpus: 1, memBytes: 64 << 20 }, "cowTree");
  noErrors(r);
  assert.deepEqual((r.cpus[0].result as CowResult).log, [
    "read shares the parent's frame: true read-only: true byte 42",
    "child write copies: true writable: true copy had 42 -> now 7; parent still 42",
    "original write copies too: true sees 42",
    "page 2 never written: zero-filled in the child: true",
    "child teardown frees its own pages only: true",
    "last child frees the parent's pages: true",
  ]);
});

test("the clustered page allocator has one rep per NUMA node, each taking its node's frames", async () => {
  const r = await run({ mode: "deterministic", cpus: 4, nodes: 2, memBytes: 64 << 20 }, "allocatorReps", { n: 10 });
  noErrors(r);
  const s = r.cpus[0].result as { clusters: number; perRep: number[][] };
  assert.equal(s.clusters, 2);
  // Processors 0 and 1 (node 0) share the first rep, 2 and 3 (node 1) the second.
  assert.deepEqual(s.perRep, [[20, 0], [0, 20]]);
});
