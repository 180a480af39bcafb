// Page migration (move_pages, mbind with MPOL_MF_MOVE) of a page that a thread on another
// processor is writing: no store may be lost.
//
// KNOWN BUG, marked todo: FCM.migrate copies the page to its new frame and switches the index
// entry, and only then does Process.migrate remove the translation, whose shootdown completes
// later (Space.settle). A processor still holding the old translation in its TLB stores into the
// old frame in between; those stores are lost when the old frame is freed. The parallel run
// loses hundreds of the 200000 increments; the deterministic interleaving does not open the
// window (so only the parallel run is here). The fix is Linux's order (migration entries): make
// the page unreachable first — faults on it wait, as for a page-in — shoot the translation down,
// then copy, switch and wake; it must also hold against fork's handOver, munmap and teardown
// of the FCM during the wait, which is why it is not done in this change.

import { test } from "node:test";
import assert from "node:assert/strict";
import { boot } from "../boot.js";
import type { FileLog } from "./testing/file-programs.js";

const PROGRAMS = new URL("./testing/file-programs.js", import.meta.url).href;

test("parallel: page migration racing a writer on another processor loses no store", { todo: "FCM.migrate copies before the shootdown (see the comment at the top)" }, async () => {
  const r = await boot({ mode: "parallel", cpus: 2, workers: 2, memBytes: 64 << 20 }, { module: PROGRAMS, name: "migrateRace", args: { n: 200_000 } });
  assert.deepEqual(r.errors, []);
  assert.equal(r.deadlock, undefined);
  assert.deepEqual((r.cpus[0].result as FileLog).log, [
    "counter exit 0; moved while it ran: true; count 200000 of 200000",
    "frames outstanding after: 0",
  ]);
});
