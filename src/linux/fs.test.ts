// The file-system guest programs (guest/fs/*.c) on k42 against qemu-user: each runs in the
// same small tree — for k42 as its guest root, for qemu as its working directory in an equal
// host copy — and stdout, stderr and exit status must be identical. The programs print what
// every call returned (values, errnos by name), so a difference names the call.

import { test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runProgram, runProgramParallel, type RunOptions } from "./process.js";
import { buildGuest, repoPath } from "./testing/cross.js";
import { freshTree, hashTree, removeTree, runQemuIn, type HostRun } from "./testing/fs-tree.js";
import type { Target } from "../machine/power/difftest/harness.js";

const TARGETS: Target[] = ["ppc64", "ppc64le", "ppc32"];

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

/** The cross compilers' sysroots: a dynamic program's interpreter and libraries (in lib/). */
const SYSROOT: Record<Target, string> = { ppc64: "/usr/powerpc64-linux-gnu", ppc64le: "/usr/powerpc64le-linux-gnu", ppc32: "/usr/powerpc-linux-gnu" };

/**
 * Run `prog` on both sides in fresh trees; the k42 side's root is hashed before and after. A
 * dynamic build finds its interpreter and libraries in the sysroot's lib/, which k42 mounts
 * read-only at /lib and /lib64 and qemu takes with -L.
 */
function compare(t: Target, prog: string, dynamic = false): void {
  const args: string[] = [];
  const exe = dynamic ? buildGuest(t, `fs/${prog}.c`, ["-O2"], `${prog}-dyn`) : buildGuest(t, `fs/${prog}.c`);
  const kroot = freshTree("k42"), qdir = freshTree("qemu");
  const lib = join(SYSROOT[t], "lib");
  const volumes = dynamic ? [{ host: lib, guest: "/lib", readonly: true }, { host: lib, guest: "/lib64", readonly: true }] : undefined;
  try {
    const before = hashTree(kroot);
    const q = runQemuIn(t, exe, args, qdir, dynamic ? SYSROOT[t] : undefined);
    const k = runK42(exe, args, kroot, volumes !== undefined ? { volumes } : {});
    assert.equal(k.error, undefined, `${prog} ${t}: ${k.error}`);
    const [kout, klinux] = split(k.stdout), [qout] = split(q.stdout);
    assert.equal(kout, qout, `${prog} ${t}: stdout`);
    assert.equal(klinux, LINUX_ONLY[prog], `${prog} ${t}: the part where Linux, not qemu, is the oracle`);
    assert.equal(k.stderr, q.stderr, `${prog} ${t}: stderr`);
    assert.equal(k.status, q.status, `${prog} ${t}: exit status`);
    assert.equal(hashTree(kroot), before, `${prog} ${t}: the host root is unchanged`);
  } finally {
    removeTree(kroot);
    removeTree(qdir);
  }
}

for (const prog of ["files", "dirs", "links", "stat", "fcntl-locks", "efault", "errno"]) {
  for (const t of TARGETS) {
    test(`guest/fs/${prog}.c matches qemu-user (${t}, static)`, () => compare(t, prog));
    test(`guest/fs/${prog}.c matches qemu-user (${t}, dynamic: ld.so and libc from a read-only volume)`, () => compare(t, prog, true));
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
        assert.equal(k.stdout, readFileSync(repoPath("guest", "fs", tty ? "k42only-tty.expected" : "k42only.expected"), "utf8"), `${t} tty ${tty}`);
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

test("guest/fs/files.c in parallel mode on 2 processors, the process on processor 1 (its file servers on processor 0: every call a remote PPC) matches qemu-user (ppc64)", async () => {
  const exe = buildGuest("ppc64", "fs/files.c");
  const kroot = freshTree("par"), qdir = freshTree("qemu");
  const outDir = mkdtempSync(join(tmpdir(), "k42-par-out-"));
  const outFile = join(outDir, "out"), errFile = join(outDir, "err");
  const fo = openSync(outFile, "w"), fe = openSync(errFile, "w");
  try {
    const before = hashTree(kroot);
    const r = await runProgramParallel(new Uint8Array(readFileSync(exe)), {
      argv: [exe], exePath: exe, root: kroot, cpus: 2, cpu: 1, memBytes: 64 << 20, seed: 1, epoch: 1_700_000_000, outputFds: [fo, fe],
    });
    const q = runQemuIn("ppc64", exe, [], qdir);
    assert.equal(r.error, undefined, r.error);
    assert.equal(readFileSync(outFile, "utf8"), q.stdout);
    assert.equal(readFileSync(errFile, "utf8"), q.stderr);
    assert.equal(r.exitCode, q.status);
    assert.equal(hashTree(kroot), before);
  } finally {
    closeSync(fo);
    closeSync(fe);
    removeTree(outDir);
    removeTree(kroot);
    removeTree(qdir);
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
