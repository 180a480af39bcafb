// mmap of files against qemu-user (guest/mm/mapfile.c): read-only, private and shared
// mappings, msync, write-back when the last mapping goes, offsets, mremap, /dev/zero, the
// errno cases, and SIGBUS past the end of the file. Each run gets a fresh copy of the same
// test file; besides output and exit status, the file each run leaves behind must be the same
// bytes (what the shared mappings wrote back). The k42 side sees the test directory through a
// read-write volume at /data (changes reach the host file), and maps it through the
// descriptor layer's pager (vfs/map-source.ts) over the file's server.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { runProgram } from "./process.js";
import { buildGuest, runQemu } from "./testing/cross.js";
import type { Target } from "../machine/power/difftest/harness.js";

const TARGETS: Target[] = ["ppc64", "ppc64le", "ppc32"];
const PAGE = 4096;

/** The test file: 3 pages and 100 bytes, byte i = (i * 13 + 7) & 255. */
function freshFile(dir: string, name: string): string {
  const b = new Uint8Array(3 * PAGE + 100);
  for (let i = 0; i < b.length; i++) b[i] = (i * 13 + 7) & 255;
  const path = join(dir, name);
  writeFileSync(path, b);
  return path;
}

/** Run on k42 with the file's host directory mounted read-write at /data; args[0] is the file. */
function runK42(exe: string, args: string[], file: string): { out: string; code: number; signal?: number; error?: string } {
  const chunks: Buffer[] = [];
  const guestArgs = args.map((a) => (a === file ? `/data/${basename(file)}` : a));
  const r = runProgram(new Uint8Array(readFileSync(exe)), {
    argv: [exe, ...guestArgs], env: ["PATH=/bin"], exePath: exe,
    stdout: (b) => chunks.push(Buffer.from(b)), stderr: (b) => chunks.push(Buffer.from(b)),
    memBytes: 64 << 20, volumes: [{ host: dirname(file), guest: "/data", readonly: false }],
  });
  return { out: Buffer.concat(chunks).toString(), code: r.exitCode, signal: r.signal, error: r.error };
}

/**
 * What Linux prints for the cases qemu-user 7.2 gets wrong (it ignores madvise; qemu-ppc's
 * msync succeeds on a hole): the program built for x86-64 and run on Linux 6.18 prints these
 * lines (the calls involved behave the same on PowerPC).
 */
const LINUX_ONLY = [
  "msync over a hole                        -> -1 ENOMEM",
  "madvise DONTNEED private                 -> 0",
  // The private copy of page 2 is gone: the file's byte (expect(2 * 4096) = 7) shows again;
  // the shared write to page 1 shows through the private mapping's untouched page.
  "private page after DONTNEED: 7 (file 7), shared write seen 85",
  "madvise DONTNEED shared                  -> 0",
  "shared after DONTNEED: 85",
].map((l) => `${l}\n`).join("");

for (const t of TARGETS) {
  test(`mmap of files: private, shared, msync, write-back, mremap, /dev/zero, errnos and SIGBUS past the end match qemu (${t})`, () => {
    const exe = buildGuest(t, "mm/mapfile.c");
    const dir = mkdtempSync(join(tmpdir(), "k42-mapfile-"));
    try {
      const qf = freshFile(dir, "q"), kf = freshFile(dir, "k");
      const q = runQemu(t, exe, [qf]);
      assert.equal(q.signal, "SIGBUS", `qemu ends on SIGBUS: ${q.stdout.toString()}`);
      const k = runK42(exe, [kf], kf);
      assert.equal(k.out, q.stdout.toString(), `${t}: output (k42ts: ${k.error ?? `exit ${k.code}`})`);
      assert.equal(k.signal, 7, `${t}: killed by SIGBUS (${k.error ?? `exit ${k.code}`})`);
      assert.equal(k.code, 128 + 7);
      assert.deepEqual(readFileSync(kf), readFileSync(qf), "the file each run left behind");

      // The cases where qemu-user is not Linux: madvise drops a private file page's copy.
      const lf = freshFile(dir, "l");
      const l = runK42(exe, [lf, "linux"], lf);
      assert.ok(l.out.includes(LINUX_ONLY), `${t}: Linux's msync and madvise on file mappings:\n${l.out}`);
      assert.match(k.error ?? "", /^bus error at 0x[0-9a-f]+, past the end of a mapped file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
