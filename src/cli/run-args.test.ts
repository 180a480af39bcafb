// `k42 run`'s option parsing: docker-like flags, the program's own options left alone, and a
// one-line complaint for each kind of bad input.

import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_ENV, parseRunArgs, UsageError } from "./run-args.js";

const parse = (...a: string[]) => parseRunArgs(a, { HOME: "/home/me", EDITOR: "vi" }, "/work");

test("options end at the program: its own options stay its own", () => {
  const r = parse("--cpus", "2", "-v", "/data:/mnt:ro", "-e", "A=1", "ls", "-la", "/", "--cpus", "9");
  assert.deepEqual(r.program, ["ls", "-la", "/", "--cpus", "9"]);
  assert.equal(r.cpus, 2);
  assert.deepEqual(r.volumes, [{ host: "/data", guest: "/mnt", readOnly: true }]);
  const s = parse("--strace", "--", "-weird-name", "x");
  assert.deepEqual(s.program, ["-weird-name", "x"]);
  assert.equal(s.strace, "-");
  assert.equal(parse("--strace=/tmp/log", "true").strace, "/tmp/log");
  assert.deepEqual(parse().program, []);
});

test("the environment is a clean default plus -e; -e VAR copies the host's value or nothing", () => {
  const r = parse("-e", "LANG=fr_FR.UTF-8", "-e", "EDITOR", "-e", "MISSING", "-e", "X=a=b", "true");
  assert.deepEqual(r.env, [
    ...DEFAULT_ENV.map((e) => (e.startsWith("LANG=") ? "LANG=fr_FR.UTF-8" : e)),
    "EDITOR=vi", "X=a=b",
  ]);
  assert.ok(!r.env.some((e) => e.startsWith("MISSING")));
});

test("working directory, user, volumes: canonical guest paths, host paths from the host's cwd", () => {
  const r = parse("-w", "/srv/./app/../x/", "--user", "1000:100", "-v", "data:/d/", "true");
  assert.equal(r.cwd, "/srv/x");
  assert.deepEqual(r.user, { uid: 1000, gid: 100 });
  assert.deepEqual(r.volumes, [{ host: "/work/data", guest: "/d", readOnly: false }]);
  assert.deepEqual(parse("--user", "0", "true").user, { uid: 0 });
  assert.equal(parse("true").cwd, "/");
});

test("bad flags get one line each", () => {
  for (const [args, re] of [
    [["--cpus", "0"], /--cpus needs a whole number from 1 to 64/],
    [["--cpus", "65"], /--cpus needs a whole number from 1 to 64/],
    [["--cpus", "2", "--numa", "3"], /more NUMA nodes than processors/],
    [["--cpus", "2", "--cpu", "2"], /the machine has processors 0..1/],
    [["--workers", "2"], /--workers needs --parallel/],
    [["--engine", "fast"], /--engine needs block, step or wasm/],
    [["--object", "nonsense"], /--object needs TYPE=IMPL/],
    [["--max-instructions", "x"], /--max-instructions needs a positive number/],
    [["-v", "/only"], /--volume needs HOST:GUEST/],
    [["-v", "/a:relative"], /is not an absolute path/],
    [["-w", "rel"], /-w: "rel" is not an absolute path/],
    [["--user", "root"], /--user needs UID or UID:GID/],
    [["--frobnicate"], /Unknown option '--frobnicate'/],
    [["--trace"], /argument missing/],
    [["-e", "=x"], /-e needs VAR or VAR=VALUE/],
  ] as [string[], RegExp][]) {
    assert.throws(() => parse(...args), (e: unknown) => e instanceof UsageError && re.test(e.message) && !e.message.includes("\n"), args.join(" "));
  }
});
