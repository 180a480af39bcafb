// glibc's libm under k42ts: sin, cos, tan, atan2, exp, log and pow in static binaries for all
// three targets. Debian's libm (glibc 2.36) saves and sets the rounding mode in sin, cos, tan
// and atan2 with the ISA 3.0 forms mffscrn/mffscrni, without checking AT_HWCAP2; a POWER8
// executes them as plain mffs (ops/fp-control.ts), and so must k42ts.
//
// The oracle is NOT the usual qemu -cpu power8 (difftest/harness.ts qemuCommand): qemu 7.2's
// power8 model decodes the ISA 3.0 mffs forms as illegal instructions (fixed upstream in 2023),
// so the program dies there with SIGILL, which this test also pins. The oracle is qemu
// -cpu power9, which executes the forms with their ISA 3.0 meaning: setting RN to
// round-to-nearest, which it already is in this program, so the results are those a POWER8
// computes. qemu 7.2 has no 32-bit processor model with ISA 3.0 (the ppc32 oracle, -cpu 7400,
// dies with SIGILL too), so the ppc32 binary is compared with the 64-bit oracle's output: the
// same glibc code on the same IEEE doubles.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { runProgram } from "./process.js";
import { buildGuest, runQemu, GCC } from "./testing/cross.js";
import { qemuCommand, type Target } from "../machine/power/difftest/harness.js";

function runK42(exe: string): { out: string; code: number; error?: string } {
  const chunks: Buffer[] = [];
  const r = runProgram(new Uint8Array(readFileSync(exe)), {
    argv: [exe], env: ["PATH=/bin"], exePath: exe,
    stdout: (b) => chunks.push(Buffer.from(b)), stderr: (b) => chunks.push(Buffer.from(b)),
    memBytes: 64 << 20,
  });
  return { out: Buffer.concat(chunks).toString(), code: r.exitCode, error: r.error };
}

/** The ISA 3.0 mffs mnemonics in the binary's disassembly (so the test keeps its point). */
function isa30MffsForms(t: Target, exe: string): string[] {
  const objdump = GCC[t].replace(/gcc$/, "objdump");
  const r = spawnSync(objdump, ["-d", exe], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${objdump} failed: ${r.stderr}`);
  return [...new Set([...r.stdout.matchAll(/\t(mffs(?:ce|cdrni?|crni?|l))\s/g)].map((m) => m[1]))].sort();
}

/** qemu with an ISA 3.0 processor model: the oracle for programs that execute the mffs forms. */
const power9 = (t: "ppc64" | "ppc64le"): string[] => [qemuCommand(t)[0], "-cpu", "power9"];

const build = (t: Target): string => buildGuest(t, "mm/libm.c", ["-O2", "-static", "-lm"]);

const oracle = new Map<string, { out: string; status: number | null }>();
function power9Run(t: "ppc64" | "ppc64le"): { out: string; status: number | null } {
  let o = oracle.get(t);
  if (o === undefined) {
    const q = runQemu(t, build(t), [], {}, power9(t));
    assert.equal(q.signal, null, `qemu -cpu power9 (${t}) died on ${q.signal}`);
    o = { out: q.stdout.toString(), status: q.status };
    oracle.set(t, o);
  }
  return o;
}

for (const t of ["ppc64le", "ppc64", "ppc32"] as Target[]) {
  test(`libm (sin cos tan atan2 exp log pow) matches the oracle; its mffscrn/mffscrni run as mffs (${t})`, () => {
    const exe = build(t);
    assert.deepEqual(isa30MffsForms(t, exe), ["mffscrn", "mffscrni"], "glibc's libm contains the ISA 3.0 mffs forms");
    // The usual oracle dies on them: qemu 7.2's bug (a POWER8 runs them as mffs).
    const q8 = runQemu(t, exe, []);
    assert.equal(q8.signal, "SIGILL", `${qemuCommand(t).join(" ")}: ${q8.status}`);
    const want = power9Run(t === "ppc32" ? "ppc64" : t);
    assert.match(want.out, /^x=0 y=-2.5\n  sin 0 cos 1 tan 0\n/, "the oracle ran the program");
    assert.equal(want.out.split("\n").length, 28);
    const k = runK42(exe);
    assert.equal(k.error, undefined, `${t}: ${k.error}`);
    assert.equal(k.out, want.out, `${t}: output`);
    assert.equal(k.code, want.status, `${t}: exit status`);
  });
}

test("the ppc64 and ppc64le oracles agree (the same libm code on IEEE doubles)", () => {
  assert.deepEqual(power9Run("ppc64"), power9Run("ppc64le"));
});
