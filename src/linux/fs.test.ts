// The file-system guest programs (guest/fs/*.c) on k42 against qemu-user: each runs in the
// same small tree — for k42 as its guest root, for qemu as its working directory in an equal
// host copy — and stdout, stderr and exit status must be identical. The programs print what
// every call returned (values, errnos by name), so a difference names the call.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runProgram, runProgramParallel, type RunOptions } from "./process.js";
import { buildGuest, repoPath } from "./testing/cross.js";
import { buildLinked, libVolumes, LINKAGES, MODES, runK42In, SYSROOT, TARGETS, type Linkage, type Mode } from "./testing/matrix.js";
import { freshTree, hashTree, removeTree, runQemuIn, type HostRun } from "./testing/fs-tree.js";
import type { Target } from "../machine/power/difftest/harness.js";

function runK42(exe: string, args: string[], root: string, extra: Partial<RunOptions> = {}): HostRun & { error?: string } {
  const out: Buffer[] = [], err: Buffer[] = [];
  const r = runProgram(new Uint8Array(readFileSync(exe)), {
    argv: [exe, ...args], env: ["PATH=/bin"], exePath: exe, root, memBytes: 64 << 20, seed: 1, epoch: 1_700_000_000,
    stdout: (b) => out.push(Buffer.from(b)), stderr: (b) => err.push(Buffer.from(b)), ...extra,
  });
  return { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), status: r.exitCode, signal: null, ...(r.error !== undefined ? { error: r.error } : {}) };
}

/**
 * What follows a program's "--- linux only ---" line is checked against Linux's answer here
 * rather than qemu-user's (where qemu 7.2 is not Linux; the program says why).
 */
const MARKER = "--- linux only ---\n";
const LINUX_ONLY: Record<string, string> = {
  efault: [
    "read across into an unmapped page = 5", 'got "hello"', "position after the short read = 5",
    "write from across an unmapped page = 3", "w/f size 5", "",
  ].join("\n"),
  errno: ["ioctl unknown on a file = -1 ENOTTY", "lseek dir end = -1 EINVAL", ""].join("\n"),
};

function split(out: string): [string, string | undefined] {
  const i = out.indexOf(MARKER);
  return i < 0 ? [out, undefined] : [out.slice(0, i + MARKER.length), out.slice(i + MARKER.length)];
}

/**
 * Run `prog` on both sides in fresh trees; the k42 side's root is hashed before and after. A
 * dynamic build finds its interpreter and libraries in the sysroot's lib/, which k42 mounts
 * read-only at /lib and /lib64 and qemu takes with -L. The programs print no value that
 * depends on the run mode (no times of day: stat.c prints relations between times, and
 * UTIME_NOW only as whether the time moved on), so both modes are held to the same qemu output.
 */
async function compare(t: Target, prog: string, linkage: Linkage, mode: Mode): Promise<void> {
  const args: string[] = [];
  const exe = buildLinked(t, `fs/${prog}.c`, linkage);
  const kroot = freshTree("k42"), qdir = freshTree("qemu");
  const what = `${prog} ${t} ${linkage} ${mode}`;
  try {
    const before = hashTree(kroot);
    const q = runQemuIn(t, exe, args, qdir, linkage === "dynamic" ? SYSROOT[t] : undefined);
    const k = await runK42In(mode, new Uint8Array(readFileSync(exe)), {
      argv: [exe, ...args], env: ["PATH=/bin"], exePath: exe, root: kroot, memBytes: 64 << 20, seed: 1, epoch: 1_700_000_000, ...libVolumes(t, linkage),
    });
    assert.equal(k.error, undefined, `${what}: ${k.error}`);
    const [kout, klinux] = split(k.stdout), [qout] = split(q.stdout);
    assert.equal(kout, qout, `${what}: stdout`);
    assert.equal(klinux, LINUX_ONLY[prog], `${what}: the part where Linux, not qemu, is the oracle`);
    assert.equal(k.stderr, q.stderr, `${what}: stderr`);
    assert.equal(k.status, q.status, `${what}: exit status`);
    assert.equal(hashTree(kroot), before, `${what}: the host root is unchanged`);
  } finally {
    removeTree(kroot);
    removeTree(qdir);
  }
}

// The full matrix: every program, every target, static and dynamic, in both run modes (the
// parallel mode on 2 processors with the process on processor 1, so that its calls to the file
// servers on processor 0 are cross-processor PPCs). Every file-system call is a server call, so
// all cells are worth their time: the 84 tests take about 90 s on the two-core CI machine, 74 s
// of it in the parallel cells (a parallel run starts two worker threads).
for (const prog of ["files", "dirs", "links", "stat", "fcntl-locks", "efault", "errno"]) {
  for (const t of TARGETS) {
    for (const linkage of LINKAGES) {
      for (const mode of MODES) {
        const how = linkage === "dynamic" ? "dynamic: ld.so and libc from a read-only volume" : "static";
        test(`guest/fs/${prog}.c matches qemu-user (${t}, ${how}, ${mode})`, () => compare(t, prog, linkage, mode));
      }
    }
  }
}

test("path safety: a guest vandalizing its root leaves the host tree byte-identical (deterministic, and parallel on 2 processors)", async () => {
  const exe = buildGuest("ppc64le", "fs/safety.c");
  const image = new Uint8Array(readFileSync(exe));
  for (const mode of ["deterministic", "parallel"] as const) {
    const root = freshTree("safety");
    try {
      const before = hashTree(root);
      let code: number;
      let out = "";
      if (mode === "deterministic") {
        const k = runK42(exe, [root], root);
        assert.equal(k.error, undefined, k.error);
        code = k.status ?? -1;
        out = k.stdout;
      } else {
        const r = await runProgramParallel(image, { argv: [exe, root, "-q"], exePath: exe, root, cpus: 2, memBytes: 64 << 20, seed: 3, epoch: 1_700_000_000 });
        assert.equal(r.error, undefined, r.error);
        code = r.exitCode;
      }
      assert.equal(code, 0, `${mode}: the guest saw its changes and made more than 50 of them\n${out}`);
      assert.equal(hashTree(root), before, `${mode}: the host tree is unchanged`);
    } finally {
      removeTree(root);
    }
  }
});

for (const t of TARGETS) {
  test(`the guest's own mounts (/dev, /tmp), devices, the console as a terminal or not, openat2, getdents: Linux's answers (${t})`, () => {
    const exe = buildGuest(t, "fs/k42only.c");
    for (const tty of [false, true]) {
      const root = freshTree("k42only");
      try {
        const before = hashTree(root);
        const k = runK42(exe, tty ? ["tty"] : [], root, {
          stdin: { kind: "bytes", bytes: new TextEncoder().encode("hello there") },
          ...(tty ? { tty: { stdin: true, stdout: true, stderr: true, winsize: () => ({ rows: 40, cols: 120 }) } } : {}),
        });
        assert.equal(k.error, undefined, k.error);
        let out = k.stdout;
        if (tty) {
          // On a terminal, as on Linux's: output newlines become CR LF (OPOST|ONLCR), and the
          // input, arriving at once, is echoed (ECHO) wherever the program's output stands then
          // (which depends on the target's instruction counts). Both checked, then taken out.
          assert.doesNotMatch(out, /[^\r]\n/, `${t}: every newline is CR LF`);
          assert.equal(out.split("hello there").length, 2, `${t}: the input is echoed once`);
          out = out.replace("hello there", "").replaceAll("\r\n", "\n");
        }
        assert.equal(out, readFileSync(repoPath("guest", "fs", tty ? "k42only-tty.expected" : "k42only.expected"), "utf8"), `${t} tty ${tty}`);
        assert.equal(k.status, 0);
        assert.equal(hashTree(root), before, "mount points made in the root's upper layer, not on the host");
      } finally {
        removeTree(root);
      }
    }
  });
}

test("a write to a closed console is EPIPE, and SIGPIPE ends the process (no handler can be set yet)", () => {
  const exe = buildGuest("ppc64", "hello/hello.c");
  const root = freshTree("epipe");
  try {
    let writes = 0;
    const r = runProgram(new Uint8Array(readFileSync(exe)), {
      argv: [exe], exePath: exe, root, memBytes: 64 << 20,
      stdout: () => {
        writes++;
        return false; // the host pipe's reader is gone
      },
    });
    assert.equal(writes, 1, "the first write reached the console");
    assert.equal(r.signal, 13);
    assert.equal(r.exitCode, 128 + 13);
  } finally {
    removeTree(root);
  }
});

test("--overlay: a second run sees the first run's changes, and the host tree stays as it was", () => {
  const exe = buildGuest("ppc64le", "fs/dirs.c");
  const root = freshTree("ovl-root");
  const overlay = mkdtempSync(join(tmpdir(), "k42-ovl-"));
  try {
    const before = hashTree(root);
    const first = runK42(exe, [], root, { overlay });
    assert.equal(first.status, 0, first.error);
    assert.match(first.stdout, /^mkdir t: ok$/m);
    const second = runK42(exe, [], root, { overlay });
    assert.match(second.stdout, /^mkdir t: EEXIST$/m, "the directory the first run made is there");
    assert.equal(hashTree(root), before, "the host root is unchanged");
  } finally {
    removeTree(root);
    removeTree(overlay);
  }
});
