// `k42 run --strace[=FILE]`: the lines go to stderr or FILE, in both run modes; an unwritable
// FILE fails before the run.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const CLI = join(dirname(fileURLToPath(import.meta.url)), "k42.js");
const k42 = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });

/** The embedded demo's calls: two writes and the exit. */
const DEMO = [
  /^write\(1, "Hello from k42ts: a PowerPC64 gu"\.\.\., \d+\) = \d+$/,
  /^write\(1, "333833500\\n", 10\) = 10$/,
  /^exit_group\(0\) = \?$/,
  /^\+\+\+ exited with 0 \+\+\+$/,
];

function assertDemo(text: string): void {
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, DEMO.length, text);
  DEMO.forEach((re, i) => assert.match(lines[i], re));
}

test("k42 run --strace writes the decoded calls to stderr", () => {
  const r = k42("run", "--strace");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /: 333833500\n$/);
  assertDemo(r.stderr);
});

test("k42 run --strace=FILE writes them to FILE, deterministic and parallel", () => {
  const dir = mkdtempSync(join(tmpdir(), "k42-strace-"));
  try {
    for (const mode of [[], ["--parallel", "--cpus", "2"]]) {
      const file = join(dir, `out${mode.length}.txt`);
      const r = k42("run", ...mode, `--strace=${file}`);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, "");
      assertDemo(readFileSync(file, "utf8"));
    }
    const bad = k42("run", "--strace=/nonexistent/dir/s.txt");
    assert.equal(bad.status, 1);
    assert.equal(bad.stdout, "", "the run does not start");
    assert.match(bad.stderr, /^k42: --strace: cannot write \/nonexistent\/dir\/s.txt: ENOENT\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
