// The file servers in both run modes through the boot program of testing/programs.ts: with
// dispatchers on processor 0 only, processor 0's worker holds the one shared state, every
// processor's client sees every other's files, processor 0 calls locally and the others by
// cross-processor PPC.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boot } from "../../kernel/boot.js";

const PROGRAMS = new URL("./testing/programs.js", import.meta.url).href;

for (const mode of ["deterministic", "parallel"] as const) {
  test(`${mode}: one file-server state, reached from every processor`, async () => {
    const root = mkdtempSync(join(tmpdir(), "k42fs-par-"));
    const r = await boot({ mode, cpus: 3, memBytes: 64 << 20 }, { module: PROGRAMS, name: "fsShared", args: { root, mode } });
    assert.deepEqual(r.errors, []);
    for (const c of r.cpus) assert.deepEqual(c.threadErrors, [], `cpu ${c.cpu}`);
    assert.equal(r.deadlock, undefined);
    for (const c of r.cpus) {
      const x = c.result as { out: { files: string[]; contents: string[]; error?: string }; holdsState: boolean; local: number; remote: number };
      assert.equal(x.out.error, undefined, `cpu ${c.cpu}`);
      assert.deepEqual(x.out.contents, ["written on cpu 0", "written on cpu 1", "written on cpu 2"], `cpu ${c.cpu}`);
      assert.equal(x.holdsState, c.cpu === 0, "only processor 0 made the servers' state");
      if (c.cpu === 0) assert.equal(x.remote, 0);
      else assert.ok(x.remote > 0 && x.local === 0, `cpu ${c.cpu}: ${x.local} local, ${x.remote} remote`);
    }
  });
}
