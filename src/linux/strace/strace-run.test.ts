// --strace on a real static guest: the lines of its system calls, decoded, in order.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runProgram } from "../process.js";
import { buildGuest } from "../testing/cross.js";
import type { Target } from "../../machine/power/difftest/harness.js";

for (const t of ["ppc64", "ppc64le", "ppc32"] as Target[]) {
  test(`--strace prints each system call of a static guest with decoded arguments and results (${t})`, () => {
    const dir = mkdtempSync(join(tmpdir(), "k42-strace-"));
    try {
      const file = join(dir, "input.txt");
      writeFileSync(file, "root:x:0:0:root:/root:/bin/bash\nsecond line\n");
      const exe = buildGuest(t, "strace/calls.c");
      const lines: string[] = [], log: string[] = [];
      let out = "";
      const r = runProgram(new Uint8Array(readFileSync(exe)), {
        // The input is a file of the guest root (the guest sees no host path).
        argv: [exe, "/input.txt"], exePath: exe, root: dir, memBytes: 64 << 20, seed: 1, epoch: 1,
        stdout: (b) => { out += Buffer.from(b).toString(); }, stderr: () => {},
        strace: (l) => lines.push(l), log: (m) => log.push(m),
      });
      assert.equal(r.exitCode, 0, r.error);
      const expected = "read 44, open -1 No such file or directory, rr -1\n";
      assert.equal(out, expected);
      const want = [
        `openat(AT_FDCWD, "/input.txt", O_RDONLY|O_CLOEXEC) = 3`,
        `read(3, "root:x:0:0:root:/root:/bin/bash\\n"..., 4096) = 44`,
        "close(3) = 0",
        `openat(AT_FDCWD, "/nonexistent/strace-test", O_RDONLY) = -1 ENOENT (No such file or directory)`,
        new RegExp(`^${t === "ppc32" ? "mmap2" : "mmap"}\\(NULL, 8192, PROT_READ\\|PROT_WRITE, MAP_PRIVATE\\|MAP_ANONYMOUS, -1, 0\\) = 0x[0-9a-f]+$`),
        /^munmap\(0x[0-9a-f]+, 8192\) = 0$/,
        /^clock_gettime(64)?\(CLOCK_MONOTONIC, \{tv_sec=\d+, tv_nsec=\d+\}\) = 0$/,
        /^sched_rr_get_interval\(0, 0x[0-9a-f]+\) = -1 ENOSYS \(Function not implemented\)$/,
        `write(1, "read 44, open -1 No such file or"..., ${expected.length}) = ${expected.length}`,
        "exit_group(0) = ?",
        "+++ exited with 0 +++",
      ];
      // The expected lines appear in this order (glibc's start-up calls come before them).
      let at = 0;
      for (const w of want) {
        const i = lines.findIndex((l, k) => k >= at && (typeof w === "string" ? l === w : w.test(l)));
        assert.ok(i >= 0, `no line ${String(w)} after line ${at} in:\n${lines.join("\n")}`);
        at = i + 1;
      }
      assert.equal(at, lines.length, "the exit is the last line");
      // The verbose log names the call that is not built, with its reason.
      assert.ok(log.includes("sched_rr_get_interval: not built, returning ENOSYS"), log.join("\n"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
