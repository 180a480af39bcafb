// Debian's real ppc64el userland (fetched with apt-get download at test time, never committed)
// against qemu-ppc64le: busybox-static, with output and exit status identical.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { runProgram } from "./process.js";
import { repoPath } from "./testing/cross.js";
import { runQemuIn } from "./testing/fs-tree.js";
import { debianRoot } from "./testing/debian.js";

test("Debian busybox-static (ppc64el) matches qemu-ppc64le", () => {
  const root = debianRoot("ppc64el", ["busybox-static"]);
  const busybox = join(root, "bin", "busybox");
  const dir = repoPath("build", "debian");
  mkdirSync(dir, { recursive: true });
  // The input is a file of the guest root (k42) and of qemu's working directory: the same relative name.
  writeFileSync(join(dir, "sha-input.txt"), "The quick brown fox jumps over the lazy dog\n".repeat(1000));
  const file = "sha-input.txt";
  const image = new Uint8Array(readFileSync(busybox));
  const commands: string[][] = [
    ["echo", "hi"],
    ["sh", "-c", "echo $((6*7)); x=abc; echo ${#x}"],
    ["printf", "%s %d\\n", "a", "5"],
    ["expr", "7", "*", "6"],
    ["sha256sum", file],
    ["expr", "1", "=", "2"], // exit status 1
    // beyond the list: more of busybox's CPU paths
    ["awk", "{ n += length($0) } END { print n, NR }", file],
    ["sed", "-n", "s/fox/cat/p;3q", file],
    ["md5sum", file],
    ["factor", "123456789", "600851475143"],
    ["sort", "-r", file],
  ];
  for (const args of commands) {
    const q = runQemuIn("ppc64le", busybox, args, dir);
    const out: Buffer[] = [];
    const r = runProgram(image, {
      argv: ["busybox", ...args], env: ["PATH=/bin"], exePath: busybox, root: dir,
      stdout: (b) => out.push(Buffer.from(b)), stderr: (b) => out.push(Buffer.from(b)), memBytes: 256 << 20,
    });
    assert.equal(r.error, undefined, `busybox ${args.join(" ")}: ${r.error}`);
    assert.equal(Buffer.concat(out).toString(), q.stdout + q.stderr, `busybox ${args.join(" ")}: output`);
    assert.equal(r.exitCode, q.status, `busybox ${args.join(" ")}: exit status`);
  }
});
