// The k42 command as a user runs it: the embedded demo, a guest's exit status, bad input.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { buildGuest } from "../linux/testing/cross.js";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { validateChrome } from "../kernel/trace/chrome.js";
import { K42_BIN } from "../linux/testing/k42-bin.js";

const CLI = K42_BIN;
/**
 * The k42 command. `k42 run` gets an empty guest root (--root) unless the test gives one: these
 * programs are static host files, and without --root k42 would build its default Debian root.
 */
const EMPTY_ROOT = mkdtempSync(join(tmpdir(), "k42-empty-root-"));
const withRoot = (args: string[]): string[] => (args[0] === "run" && !args.includes("--root") ? ["run", "--root", EMPTY_ROOT, ...args.slice(1)] : args);
const k42 = (...args: string[]) => spawnSync(process.execPath, [CLI, ...withRoot(args)], { encoding: "utf8" });

test("k42 demo runs the embedded demo program", () => {
  const r = k42("demo");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Hello from k42ts/);
  // sum of i*i for i = 1..1000, computed by the guest with mulld/divdu
  assert.match(r.stdout, /: 333833500\n$/);
});

test("k42 run passes arguments and returns the guest's exit status", () => {
  const exe = buildGuest("ppc64", "hello/hello.c");
  const r = k42("run", "--", exe, "x", "y");
  assert.equal(r.status, 3);
  assert.equal(r.stdout, "Hello from PowerPC, 2 arguments\n  argv[1] = x\n  argv[2] = y\n");
});

test("k42 run --parallel runs the program as a guest thread with one worker per processor", () => {
  const exe = buildGuest("ppc64", "hello/hello.c");
  const r = k42("run", "--parallel", "--cpus", "4", "--numa", "2", "--", exe, "x", "y");
  assert.equal(r.status, 3, r.stderr);
  assert.equal(r.stdout, "Hello from PowerPC, 2 arguments\n  argv[1] = x\n  argv[2] = y\n");
  const four = k42("run", "--parallel", "--cpus", "4", "--workers", "2", "--", exe);
  assert.equal(four.status, 0, four.stderr);
  assert.equal(four.stdout, "Hello from PowerPC, 0 arguments\n");
  const bad = k42("run", "--parallel", "--", CLI);
  assert.equal(bad.status, 126);
  assert.match(bad.stderr, /not an ELF file/);
});

test("bad input gets a one-line message and a non-zero status, never a stack trace", () => {
  for (const [args, status, re] of [
    [["run", "--", "/nonexistent/prog"], 127, /\/nonexistent\/prog: not found in the root .* nor on the host \(ENOENT\)/],
    [["run", "--", "prog-on-no-path"], 127, /prog-on-no-path: not found on the guest's PATH/],
    [["run", "--", CLI], 126, /not an ELF file|permission denied/],
    [["run", "--", tmpdir()], 126, /is a directory/],
    [["run", "--root", "/nonexistent/root", "--", "x"], 125, /--root \/nonexistent\/root: ENOENT/],
    [["run", "--max-instructions", "x"], 2, /--max-instructions needs a positive number/],
    [["frobnicate"], 2, /unknown command frobnicate/],
    [["run", "--cpus", "0"], 2, /--cpus needs a whole number from 1 to 64/],
    [["run", "--cpus", "65"], 2, /--cpus needs a whole number from 1 to 64/],
    [["run", "--cpus", "2", "--numa", "3"], 2, /more NUMA nodes than processors/],
    [["run", "--trace"], 2, /argument missing/],
    [["run", "--workers", "2"], 2, /--workers needs --parallel/],
    [["run", "--frobnicate"], 2, /Unknown option '--frobnicate'/],
    // fails before the run, not after it
    [["run", "--trace", "/nonexistent/dir/t.json", "--", "x"], 2, /--trace \/nonexistent\/dir\/t.json: ENOENT/],
    [["trace"], 2, /usage: k42 trace FILE/],
  ] as [string[], number, RegExp][]) {
    const r = k42(...args);
    assert.equal(r.status, status, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  }
});

test("a guest that runs past its instruction limit is stopped", () => {
  const r = k42("run", "--max-instructions", "1000", "--", buildGuest("ppc64", "hello/hello.c"));
  assert.equal(r.status, 137);
  assert.match(r.stderr, /instruction limit 1000 reached/);
});

test("k42 run --trace writes Chrome trace-event JSON of a static hello world; k42 trace summarises it", () => {
  const exe = buildGuest("ppc64", "hello/hello.c");
  const dir = mkdtempSync(join(tmpdir(), "k42-trace-"));
  const file = join(dir, "hello.json");
  try {
    const r = k42("run", "--cpus", "2", "--seed", "5", "--epoch", "1000000000", "--trace", file, "--", exe, "a");
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stdout, /^Hello from PowerPC, 1 argument\n/);
    const json = JSON.parse(readFileSync(file, "utf8")) as { traceEvents: { ph: string; name: string; cat: string; tid: number }[] };
    assert.deepEqual(validateChrome(json), []);
    // the program's system calls (write, exit_group) are slices on processor 0's track
    const syscalls = json.traceEvents.filter((e) => e.cat === "Linux" && e.ph === "B");
    assert.ok(syscalls.length >= 2, `syscall slices: ${syscalls.length}`);
    assert.ok(json.traceEvents.some((e) => e.ph === "M" && e.name === "thread_name"));
    const s = k42("trace", file);
    assert.equal(s.status, 0, s.stderr);
    assert.match(s.stdout, /Linux/);
    assert.match(s.stdout, /Sched/);
    // deterministic mode: the same run (same seed and epoch) gives the same trace, byte for byte
    const again = join(dir, "again.json");
    assert.equal(k42("run", "--cpus", "2", "--seed", "5", "--epoch", "1000000000", "--trace", again, "--", exe, "a").status, 3);
    assert.equal(readFileSync(again, "utf8"), readFileSync(file, "utf8"));
    const bad = k42("trace", join(dir, "missing.json"));
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^k42 trace: cannot read .*missing\.json: ENOENT\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("k42 run: the guest waits for standard input from a pipe that stays open, in both modes", () => {
  const exe = buildGuest("ppc64le", "regress/cat.c");
  for (const mode of [[], ["--parallel", "--cpus", "2"]]) {
    // The second line arrives 0.4 s after the first: the machine must wait for it (not
    // deadlock, not stop) and the guest sees end of input only when the pipe closes.
    const cmd = `(printf 'hello\\n'; sleep 0.4; printf 'world\\n') | "${process.execPath}" "${CLI}" run ${mode.join(" ")} -- "${exe}"`;
    const r = spawnSync("sh", ["-c", cmd], { encoding: "utf8" });
    assert.equal(r.status, 0, `${mode.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "hello\nworld\n");
    assert.equal(r.stderr, "12 bytes\n");
  }
  // A regular file is available up front (a deterministic run).
  const dir = mkdtempSync(join(tmpdir(), "k42-stdin-"));
  try {
    const file = join(dir, "in.txt");
    spawnSync("sh", ["-c", `printf 'abc' > "${file}"`]);
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${CLI}" run -- "${exe}" < "${file}"`], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "abc");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
