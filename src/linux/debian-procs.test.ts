// Debian's ppc64el shells and Python doing what shells and Python do with processes — pipelines,
// subshells, command substitution, here-documents, traps, background jobs and wait; subprocess,
// threads, signals, select/selectors over pipes and a socketpair, fork and waitpid — under
// `k42 run --root` against qemu-ppc64le chrooted in a copy of the same root, whose executables
// run through qemu again when the guest execs them (testing/qemu-chroot.ts). stdout, stderr and
// exit status identical, in deterministic mode and in parallel mode on two processors.
//
// The programs print nothing that depends on the host (pids only as "> 0", no times), so the
// two sides must agree byte for byte. Sources: guest/debian/procs.{bash,ash,py}.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { debianDefaultRoot, debianRoot } from "./testing/debian.js";
import { repoPath } from "./testing/cross.js";
import { qemuRoot, runQemuChroot, type QemuOut } from "./testing/qemu-chroot.js";
import { K42_BIN } from "./testing/k42-bin.js";

/** k42 run's default environment (cli/run-args.ts), given to qemu too. */
const DEFAULT_ENV = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "TERM=xterm", "LANG=C.UTF-8", "HOSTNAME=k42"];

/** The guest's randomness (address-space layout, AT_RANDOM): fixed, so a failure can be run again. */
const SEED = 7;

const CLI = K42_BIN;

function k42(root: string, data: string, mode: readonly string[], prog: string, args: string[]): QemuOut {
  const r = spawnSync(process.execPath, [CLI, "run", "--root", root, "--seed", String(SEED), ...mode, "-v", `${data}:/data:ro`, "--", prog, ...args], {
    encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "pipe"],
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const PROGRAMS: [string, string[]][] = [
  ["/usr/bin/bash", ["/data/procs.bash"]],
  ["/bin/busybox", ["sh", "/data/procs.ash"]],
  ["/usr/bin/python3", ["/data/procs.py"]],
];

test("Debian bash, busybox sh and python3 with processes, signals and pipes match qemu-ppc64le", () => {
  debianDefaultRoot();
  const root = debianRoot("ppc64el", ["busybox-static"]);
  const q = qemuRoot(root);
  try {
    const data = join(q.root, "data");
    for (const f of ["procs.bash", "procs.ash", "procs.py"]) copyFileSync(repoPath("guest", "debian", f), join(data, f));
    for (const [prog, args] of PROGRAMS) {
      const want = runQemuChroot(q, prog, args, DEFAULT_ENV);
      assert.notEqual(want.stdout, "", `${prog}: qemu printed nothing (${want.stderr})`);
      for (const [mode, flags] of [["deterministic", []], ["parallel", ["--parallel", "--cpus", "2"]]] as const) {
        const got = k42(root, data, flags, prog, args);
        const what = `${prog} ${args.join(" ")} (${mode}, k42 run --seed ${SEED})`;
        assert.equal(got.stderr, want.stderr, `${what}: stderr`);
        assert.equal(got.stdout, want.stdout, `${what}: stdout`);
        assert.equal(got.status, want.status, `${what}: exit status`);
      }
    }
  } finally {
    q.remove();
  }
});
