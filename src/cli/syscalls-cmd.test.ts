// `k42 syscalls`: the table with statuses and the count line, filters, bad arguments.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { syscallsCommand } from "./syscalls-cmd.js";
import { syscallNumbers } from "../linux/syscalls/status.js";
import { K42_BIN } from "../linux/testing/k42-bin.js";

function run(...args: string[]): { status: number; out: string; err: string } {
  let out = "", err = "";
  const status = syscallsCommand(args, (s) => { out += s; }, (s) => { err += s; });
  return { status, out, err };
}

const rows = (out: string): string[] => out.split("\n").filter((l) => /^\s*\d+\s/.test(l));

test("k42 syscalls prints every ppc64 call with its status, and the counts", () => {
  const r = run();
  assert.equal(r.status, 0);
  assert.equal(rows(r.out).length, syscallNumbers("ppc64").length);
  assert.match(r.out, /^\s+3 {2}read\s+implemented$/m);
  assert.match(r.out, /^\s+120 {2}clone\s+partial: namespaces/m);
  assert.match(r.out, /^\s+282 {2}unshare\s+ENOSYS: issue 10: processes, threads, signals, IPC$/m);
  assert.match(r.out, /^\s+318 {2}inotify_init1\s+ENOSYS: not built$/m);
  assert.match(r.out, /^\s+202 {2}getdents64\s+implemented$/m);
  assert.match(r.out, /^\s+286 {2}openat\s+partial: O_TMPFILE/m);
  assert.match(r.out, /^\s+291 {2}newfstatat\s/m);
  const m = /^ppc64: (\d+) system calls: (\d+) implemented, (\d+) partial, (\d+) ENOSYS\n$/m.exec(r.out);
  assert.ok(m !== null, r.out.slice(-200));
  assert.equal(Number(m[1]), syscallNumbers("ppc64").length);
  assert.equal(Number(m[2]) + Number(m[3]) + Number(m[4]), Number(m[1]));
  assert.equal(Number(m[2]), rows(run("--status", "implemented").out).length);
});

test("--arch ppc32 and --status filter the table; the count line stays the whole table's", () => {
  const r = run("--arch", "ppc32", "--status=enosys");
  assert.equal(r.status, 0);
  assert.ok(rows(r.out).every((l) => / ENOSYS: /.test(l)));
  assert.match(r.out, /^\s+262 {2}mq_open\s+ENOSYS: not built/m);
  assert.doesNotMatch(r.out, / read /);
  assert.doesNotMatch(r.out, / socketcall /); // built: not among the ENOSYS rows
  assert.match(r.out, /^ppc32: 431 system calls: .* \((\d+) shown\)$/m);
  const partial = run("--arch=ppc32", "--status", "partial");
  assert.ok(rows(partial.out).length > 0 && rows(partial.out).every((l) => / partial: /.test(l)));
  assert.match(partial.out, /^\s+5 {2}open\s+partial/m);
});

test("k42 syscalls refuses bad arguments with a one-line reason and the usage", () => {
  for (const [args, re] of [
    [["--arch", "x86"], /--arch needs ppc64 or ppc32/],
    [["--status", "maybe"], /--status needs implemented, partial or enosys/],
    [["--arch"], /--arch needs/],
    [["extra"], /unknown argument extra/],
  ] as [string[], RegExp][]) {
    const r = run(...args);
    assert.equal(r.status, 2);
    assert.match(r.err, re);
    assert.match(r.err, /usage: k42 syscalls/);
    assert.equal(r.out, "");
  }
});

test("the k42 command runs it", () => {
  const cli = K42_BIN;
  const r = spawnSync(process.execPath, [cli, "syscalls", "--arch", "ppc32", "--status", "implemented"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\s+1 {2}exit\s+implemented$/m);
  assert.match(r.stdout, /^ppc32: 431 system calls/m);
});
