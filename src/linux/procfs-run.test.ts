// /proc and /sys as a program running under k42 sees them: guest/fs/procself.c reads its own
// command line, exe, cwd, status, maps and descriptors, the mount table, the processors and the
// NUMA nodes on a 4-processor, 2-node machine. Under qemu-user those files are the host's (its
// /proc, its processors), so the oracle here is what Linux would print for k42's machine and
// process: pid 1 (the machine's first process), the uid and gid it was given, the mounts of the
// name space in table order, cpus 0-3 with 2-3 on node 1. Both run modes.

import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { runProgram, runProgramParallel, type RunOptions } from "./process.js";
import { buildGuest } from "./testing/cross.js";
import type { Target } from "../machine/power/difftest/harness.js";

const TARGETS: Target[] = ["ppc64le", "ppc64", "ppc32"];

/** What Linux prints for the program at host path `exe` run as uid 1000 with two arguments. */
function expected(exe: string): string {
  return [
    `cmdline = [${exe}] [one] [two words]`,
    `readlink /proc/self/exe = ${exe}`,
    "readlink /proc/self/cwd = /tmp",
    `Name:\t${basename(exe)}`, // comm: the program file's name
    "Pid:\t2", // init's child
    "PPid:\t1",
    "Uid:\t1000\t1000\t1000\t1000",
    "Gid:\t1000\t1000\t1000\t1000",
    "maps: lines naming the executable yes, [stack] 1",
    // The console on 0, 1 and 2, and the directory being listed on the lowest free descriptor.
    "fd: 0 1 2 3 (the directory's own: 3)",
    "mounts: /(ext4) /proc(proc) /sys(sysfs) /dev(devtmpfs) /dev/pts(devpts) /dev/shm(tmpfs) /tmp(tmpfs)",
    "cpuinfo processors: 4",
    "cpu/online: 0-3",
    "node1/cpulist: 2-3",
    "",
  ].join("\n");
}

/**
 * The program for target `t`. ppc32 is built with 64-bit file offsets (readdir on getdents64's
 * 64-bit inode numbers): procfs numbers a descriptor's node sub × 2^22 + pid, past 2^32, so a
 * plain 32-bit readdir of /proc/self/fd gets EOVERFLOW from glibc where Linux's small inode
 * numbers would not (a known limit of procfs's numbering, not of what it lists).
 */
const program = (t: Target): string =>
  t === "ppc32" ? buildGuest(t, "fs/procself.c", ["-O2", "-static", "-D_FILE_OFFSET_BITS=64"], "procself-lfs") : buildGuest(t, "fs/procself.c");

function options(exe: string, root: string): RunOptions {
  return {
    argv: [exe, "one", "two words"], env: ["PATH=/bin"], exePath: exe, root, cpus: 4, nodes: 2, memBytes: 64 << 20,
    uid: 1000, gid: 1000, seed: 1, epoch: 1_700_000_000,
  };
}

function withRoot<T>(f: (root: string) => T): T {
  const root = mkdtempSync(join(tmpdir(), "k42-procfs-"));
  chmodSync(root, 0o755); // searchable by the guest's uid 1000 (mkdtemp makes it 0700)
  try {
    return f(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

for (const t of TARGETS) {
  test(`/proc/self and /sys from the process's own objects (${t}, deterministic)`, () => {
    const exe = program(t);
    withRoot((root) => {
      const out: Buffer[] = [], err: Buffer[] = [];
      const r = runProgram(new Uint8Array(readFileSync(exe)), {
        ...options(exe, root), stdout: (b) => out.push(Buffer.from(b)), stderr: (b) => err.push(Buffer.from(b)),
      });
      assert.equal(r.error, undefined);
      assert.equal(Buffer.concat(err).toString(), "");
      assert.equal(Buffer.concat(out).toString(), expected(exe));
      assert.equal(r.exitCode, 0);
    });
  });
}

test("/proc/self and /sys in the parallel mode: ProcInfo on the process's worker, procfs everywhere (ppc64le)", { timeout: 120_000 }, async () => {
  const exe = program("ppc64le");
  const root = mkdtempSync(join(tmpdir(), "k42-procfs-"));
  chmodSync(root, 0o755);
  const outFile = join(root, "..", `${root.split("/").pop() ?? "x"}.out`);
  try {
    // The workers write the console to host descriptors: a file here.
    const fd = openSync(outFile, "w");
    let r;
    try {
      r = await runProgramParallel(new Uint8Array(readFileSync(exe)), { ...options(exe, root), outputFds: [fd, fd] });
    } finally {
      closeSync(fd);
    }
    assert.equal(r.error, undefined);
    assert.equal(readFileSync(outFile, "utf8"), expected(exe));
    assert.equal(r.exitCode, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(outFile, { force: true });
  }
});
