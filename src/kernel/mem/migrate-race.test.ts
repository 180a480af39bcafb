// Page migration (move_pages, mbind with MPOL_MF_MOVE) of a page that a thread on another
// processor is writing in a loop: no store may be lost, every move is made (faults wait for it),
// nothing leaks.
//
// The migration used to copy the page and switch the FCM's entry before the shootdown of its
// translation: a processor that still held the translation stored into the old frame in
// between, and those stores were lost when the frame was freed (the parallel run lost hundreds
// of increments, every run). It now follows Linux's order (FCM.markMove, the
// shootdown, FCM.move): the page is marked and its translation shot down first, faults on it
// wait, and only then is it copied. The deterministic interleaving never opened the window (its
// run passed before the fix too): it is here for the fault-waits-for-the-move path; the parallel
// run is the one that failed.

import { test } from "node:test";
import assert from "node:assert/strict";
import { boot, type MachineOptions } from "../boot.js";
import type { FileLog } from "./testing/file-programs.js";

const PROGRAMS = new URL("./testing/file-programs.js", import.meta.url).href;

for (const [mode, workers] of [["deterministic", undefined], ["parallel", 2]] as const) {
  test(`${mode}: page migration racing a writer on another processor loses no store`, async () => {
    const m: MachineOptions = { mode, cpus: 2, memBytes: 64 << 20, ...(workers !== undefined ? { workers } : {}) };
    const r = await boot(m, { module: PROGRAMS, name: "migrateRace", args: { moves: 20 } });
    assert.deepEqual(r.errors, []);
    for (const c of r.cpus) assert.deepEqual(c.threadErrors, [], `cpu ${c.cpu}`);
    assert.equal(r.deadlock, undefined);
    assert.deepEqual((r.cpus[0].result as FileLog).log, [
      "writer exit 0; moved 20 of 20; the page holds every increment: true (true)",
      "frames outstanding after: 0",
    ]);
  });
}
