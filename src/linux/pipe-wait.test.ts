// The personality's pipe ends waiting for each other across processors, in both run modes
// (testing/pipe-programs.ts): a FIFO's blocking open for reading waits for a writer's open; a
// read on processor 1 blocks on an empty pipe until processor 0
// writes; a blocking write into a full pipe waits until the reader makes room; a blocked reader
// sees end of file when the last writer closes. The pipe server runs on processor 0 only, so
// the reader's calls and its wakes cross processors. A lost wake stops the machine deadlocked.

import { test } from "node:test";
import assert from "node:assert/strict";
import { boot } from "../kernel/boot.js";

const PROGRAMS = new URL("./testing/pipe-programs.js", import.meta.url).href;

for (const mode of ["deterministic", "parallel"] as const) {
  test(`${mode}: a reader and a writer on two processors wait for each other through the pipe server`, async () => {
    // maxCycles: a failing thread would leave the other polling the control block for ever.
    const r = await boot({ mode, cpus: 2, traceMask: 0, maxCycles: 1e10 }, { module: PROGRAMS, name: "pipeWaits" });
    assert.deepEqual(r.errors, []);
    assert.equal(r.deadlock, undefined, `a wake was lost: ${r.deadlock}`);
    for (const c of r.cpus) assert.deepEqual(c.threadErrors, [], `cpu ${c.cpu}`);
    const [w, rd] = r.cpus.map((c) => (c.result as { log: string[] }).log);
    assert.deepEqual(w, ["opened the FIFO for writing", "wrote 5", "full at 65536: errno 11", "blocking write of 6000 took 6000", "closed the write end"]);
    assert.deepEqual(rd, ["the FIFO open for reading waited for a writer: true", 'read "hello" after waiting: true', "read 71536 bytes in all", "read at the end: 0"]);
    assert.equal((r.cpus[0].result as { pipes: number }).pipes, 0, "the pipe went with its last end");
  });
}
