// `k42 run --strace[=FILE]`: the lines go to stderr or FILE, in both run modes; an unwritable
// FILE fails before the run.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildGuest } from "../linux/testing/cross.js";
import { K42_BIN } from "../linux/testing/k42-bin.js";

const hello = (): string => buildGuest("ppc64le", "hello/hello.c");

const CLI = K42_BIN;
const ROOT = mkdtempSync(join(tmpdir(), "k42-strace-root-"));
/** `k42 run` on an empty root (the program is a static host file). */
const k42 = (...args: string[]) => spawnSync(process.execPath, [CLI, "run", "--root", ROOT, ...args], { encoding: "utf8" });

/** A static hello world's last calls: its one write, then the exit. */
const HELLO_END = [
  /^write\(1, "Hello from PowerPC, 0 arguments\\n", 32\) = 32$/,
  /^exit_group\(0\) = \?$/,
  /^\+\+\+ exited with 0 \+\+\+$/,
];

function assertHello(text: string): void {
  const lines = text.trimEnd().split("\n");
  assert.ok(lines.length > HELLO_END.length, text);
  assert.match(lines[0], /^(brk|set_tid_address|uname|mmap)\(/, "the first call of glibc's static start-up");
  HELLO_END.forEach((re, i) => assert.match(lines[lines.length - HELLO_END.length + i], re));
}

test("k42 run --strace writes the decoded calls to stderr", () => {
  const r = k42("--strace", "--", hello());
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "Hello from PowerPC, 0 arguments\n");
  assertHello(r.stderr);
});

test("k42 run --strace=FILE writes them to FILE, deterministic and parallel", () => {
  const dir = mkdtempSync(join(tmpdir(), "k42-strace-"));
  try {
    for (const mode of [[], ["--parallel", "--cpus", "2"]]) {
      const file = join(dir, `out${mode.length}.txt`);
      const r = k42(...mode, `--strace=${file}`, "--", hello());
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, "");
      assertHello(readFileSync(file, "utf8"));
    }
    const bad = k42("--strace=/nonexistent/dir/s.txt", "--", hello());
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout, "", "the run does not start");
    assert.match(bad.stderr, /^k42: --strace: cannot write \/nonexistent\/dir\/s.txt: ENOENT\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
