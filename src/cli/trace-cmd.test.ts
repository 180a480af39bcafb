// `k42 trace FILE` tests: a valid trace prints the summary (exit 0); a missing, non-JSON or
// invalid file prints one line (exit 2).

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toChrome, writeChrome } from "../kernel/trace/chrome.js";
import { Major, PPC, Sched } from "../kernel/trace/events.js";
import { traceCommand } from "./trace-cmd.js";

function run(args: string[]): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = traceCommand(args, (s) => {
    assert.ok(s.endsWith("\n"), "out() gets whole lines");
    lines.push(...s.slice(0, -1).split("\n"));
  });
  return { code, lines };
}

test("k42 trace: summary of a valid trace; one-line errors with status 2", () => {
  const dir = mkdtempSync(join(tmpdir(), "k42-trace-cmd-"));
  try {
    const good = join(dir, "good.json");
    writeChrome(good, toChrome([
      { cpu: 0, ts: 100, major: Major.Sched, minor: Sched.Dispatch, data: [1, 0] },
      { cpu: 1, ts: 200, major: Major.PPC, minor: PPC.Refused, data: [4, 1, 2] },
    ], { unit: "ns", cpus: 2 }));
    const ok = run([good]);
    assert.equal(ok.code, 0);
    assert.match(ok.lines.join("\n"), /^Sched\s+1\s+0\s+1$/m);
    assert.match(ok.lines.join("\n"), /^PPC\s+0\s+1\s+1$/m);

    const missing = run([join(dir, "nope.json")]);
    assert.equal(missing.code, 2);
    assert.equal(missing.lines.length, 1);
    assert.match(missing.lines[0], /cannot read .*nope\.json: ENOENT/);

    const notJson = join(dir, "bad.json");
    writeFileSync(notJson, "{ traceEvents: ");
    const nj = run([notJson]);
    assert.deepEqual([nj.code, nj.lines.length], [2, 1]);
    assert.match(nj.lines[0], /not JSON/);

    const invalid = join(dir, "invalid.json");
    writeFileSync(invalid, JSON.stringify({ traceEvents: [{ name: "x", ph: "E", ts: 1, pid: 1, tid: 1 }] }));
    const inv = run([invalid]);
    assert.deepEqual([inv.code, inv.lines.length], [2, 1]);
    assert.match(inv.lines[0], /invalid trace: .*unbalanced E/);

    assert.equal(run([]).code, 2);
    assert.equal(run([good, good]).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
