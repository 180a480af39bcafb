// The runner against qemu-user: static hello worlds, exit status, bad input, the first system calls.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { runProgram } from "./process.js";
import { buildGuest, runQemu } from "./testing/cross.js";
import type { Target } from "../machine/power/difftest/harness.js";

function runK42(exe: string, args: string[]): { out: string; code: number; error?: string } {
  const chunks: Buffer[] = [];
  const r = runProgram(new Uint8Array(readFileSync(exe)), {
    argv: [exe, ...args], env: ["PATH=/bin"], exePath: exe,
    stdout: (b) => chunks.push(Buffer.from(b)), stderr: (b) => chunks.push(Buffer.from(b)),
    memBytes: 64 << 20,
  });
  return { out: Buffer.concat(chunks).toString(), code: r.exitCode, error: r.error };
}

for (const t of ["ppc64", "ppc64le", "ppc32"] as Target[]) {
  test(`static hello world matches qemu (${t})`, () => {
    const exe = buildGuest(t, "hello/hello.c");
    for (const args of [[], ["one"], ["a", "b c", "ünïcödé"]]) {
      const q = runQemu(t, exe, args);
      const k = runK42(exe, args);
      assert.equal(k.error, undefined, `${t} ${args.join(" ")}: ${k.error}`);
      assert.equal(k.out, q.stdout.toString(), `${t} output with args ${JSON.stringify(args)}`);
      assert.equal(k.code, q.status, `${t} exit status with args ${JSON.stringify(args)}`);
    }
  });
}

test("malformed executables are refused with a one-line reason", () => {
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array(10), /not an ELF file/],
    [new TextEncoder().encode("#!/bin/sh\necho hi\n".padEnd(80, " ")), /#! script, not an ELF/],
    [Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 2, 1, 0, ...new Array(56).fill(0)]), /not PowerPC/],
  ];
  for (const [img, re] of cases) {
    assert.throws(() => runProgram(img, { argv: ["x"] }), (e: Error) => re.test(e.message) && !e.message.includes("\n"));
  }
  // A PowerPC header whose program headers point past the end of the file.
  const h = new Uint8Array(64);
  h.set([0x7f, 0x45, 0x4c, 0x46, 2, 2, 1, 0]);
  const dv = new DataView(h.buffer);
  dv.setUint16(16, 2); dv.setUint16(18, 21); dv.setBigUint64(32, 64n); dv.setUint16(54, 56); dv.setUint16(56, 3);
  assert.throws(() => runProgram(h, { argv: ["x"] }), /program headers lie outside the file/);
});

for (const t of ["ppc64", "ppc32"] as Target[]) {
  test(`fatal faults end the guest with the signal Linux would deliver (${t})`, () => {
    const exe = buildGuest(t, "signals/crash.c");
    for (const [how, sig, name] of [["segv", 11, "SIGSEGV"], ["ill", 4, "SIGILL"], ["trap", 5, "SIGTRAP"]] as const) {
      const q = runQemu(t, exe, [how]);
      assert.equal(q.signal, name, `qemu ${how}`);
      const k = runK42(exe, [how]);
      assert.equal(k.out, q.stdout.toString(), `${t} ${how}: output before the fault`);
      assert.equal(k.code, 128 + sig, `${t} ${how}: ${k.error}`);
      assert.match(k.error ?? "", /at 0x[0-9a-f]+/, "the report names the address");
    }
  });
}

test("a guest that exhausts physical memory is killed (SIGKILL, as the OOM killer would), not the host", () => {
  const exe = buildGuest("ppc64", "signals/oom.c");
  const chunks: Buffer[] = [];
  const r = runProgram(new Uint8Array(readFileSync(exe)), {
    argv: [exe, "64"], exePath: exe, memBytes: 24 << 20, stdout: (b) => chunks.push(Buffer.from(b)),
  });
  assert.equal(r.signal, 9, r.error);
  assert.equal(r.exitCode, 137);
  assert.match(r.error ?? "", /out of memory/);
  assert.match(Buffer.concat(chunks).toString(), /^8 MiB\n/, "it ran until memory ran out");
  // The same program within its means completes.
  const ok = runProgram(new Uint8Array(readFileSync(exe)), { argv: [exe, "4"], exePath: exe, memBytes: 24 << 20, stdout: () => {} });
  assert.equal(ok.exitCode, 0, ok.error);
});

for (const t of ["ppc64", "ppc32"] as Target[]) {
  test(`the first system calls behave as under qemu: EFAULT, EBADF, brk, mmap, munmap, mprotect (${t})`, () => {
    const exe = buildGuest(t, "syscalls/bringup.c");
    const q = runQemu(t, exe, []);
    assert.equal(q.signal, "SIGSEGV", "qemu: the final store to a read-only page");
    const k = runK42(exe, []);
    assert.equal(k.out, q.stdout.toString());
    assert.equal(k.code, 139, k.error);
    assert.match(k.error ?? "", /write not permitted/);
  });
}
