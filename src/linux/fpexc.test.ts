// Floating-point enabled exceptions (guest/signals/fpexc.c) against qemu-user and Linux: with
// prctl(PR_SET_FPEXC) and an FPSCR enable bit on, an fdiv or xsdivdp that raises a zero divide,
// an invalid operation, an overflow, an underflow or an inexact result is a SIGFPE at that
// instruction (si_addr and the saved NIP its address), the target register unchanged for the
// first two and the exponent-adjusted result for overflow and underflow; a handler that clears
// the enables in the saved FPSCR returns into the instruction, which runs again untrapped.
// mtfsf and mtfsb1 interrupt when they enable an exception already set. An unhandled one kills.
//
// Where qemu-user 7.2 is not Linux (held to literals, "codes", "linux"):
//  - si_code of 0/0 (VXZDZ): Linux's parse_fpe says FPE_FLTINV (invalid operation enabled and
//    VX set); qemu says FPE_FLTDIV.
//  - the instruction run again after the handler cleared OE or UE: Linux computes it with the
//    restored FPSCR (±Inf, 0); qemu keeps the exponent adjustment (its rebias flags are not
//    refreshed from the FPSCR that sigreturn restores).
//  - PR_GET_FPEXC / PR_SET_FPEXC: qemu-user refuses both (EINVAL) and always traps; Linux keeps
//    the thread's mode, copied by fork, kept by exec, and the saved MSR shows FE0/FE1.
//  - glibc's fenv functions execute mffsl, which qemu-user runs only with -cpu power9 (no 32-bit
//    model has it): the "glibc" mode is compared with qemu -cpu power9 on the 64-bit targets.
//
// About 15 s of wall time (3 targets × 5 runs, one in the parallel mode).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { buildGuest, runQemu } from "./testing/cross.js";
import { assertSameEnd, runK42In, TARGETS, type K42Run, type Mode } from "./testing/matrix.js";
import { qemuCommand, type Target } from "../machine/power/difftest/harness.js";

const build = (t: Target): string => buildGuest(t, "signals/fpexc.c", ["-O2", "-static", "-lm"]);


async function runK42(t: Target, args: string[], mode: Mode = "deterministic"): Promise<K42Run> {
  const exe = build(t);
  return runK42In(mode, new Uint8Array(readFileSync(exe)), {
    argv: [exe, ...args], env: ["PATH=/bin"], exePath: exe, seed: 7, epoch: 1_000_000_000, memBytes: 64 << 20,
    // The program's own directory, for "linux"'s execve of argv[0].
    volumes: [{ host: dirname(exe), guest: dirname(exe), readonly: true }],
  });
}

/** The program under qemu (`cpu` overriding the target's model) and k42ts: same stdout and end. */
async function sameAsQemu(t: Target, args: string[], mode: Mode = "deterministic", cpu?: string): Promise<K42Run> {
  const cmd = qemuCommand(t);
  if (cpu !== undefined) cmd.splice(cmd.indexOf("-cpu") + 1, 1, cpu);
  const q = runQemu(t, build(t), args, {}, ["timeout", "20", ...cmd]);
  const k = await runK42(t, args, mode);
  const what = `${t} ${mode} fpexc ${args.join(" ")}`;
  assert.equal(k.stdout, q.stdout.toString(), `${what}: stdout (k42ts: ${k.error ?? `exit ${k.status}`})`);
  assertSameEnd(k, q, what);
  return k;
}

/** A k42ts-only run held to the lines Linux 6.1 gives. */
async function holds(t: Target, args: string[], expected: string[]): Promise<void> {
  const k = await runK42(t, args);
  assert.equal(k.stdout, expected.map((l) => `${l}\n`).join(""), `${t} fpexc ${args.join(" ")}: ${k.error ?? `exit ${k.status}`}`);
  assert.equal(k.status, 0);
}

/** The si_code lines of "codes": the instruction, its SIGFPE, and the result it gives when run again. */
function codes(insn: string): string[] {
  const c = (what: string, code: string, after: string): string[] => [
    `${insn} ${what}`, `  signal 8 ${code}, si_addr is the instruction: yes, NIP too: yes`, `  after: result ${after}`,
  ];
  return [
    ...c("FE_DIVBYZERO 1/0", "FPE_FLTDIV", "0x7ff0000000000000"),
    // parse_fpe: VE and VX come first (qemu: FPE_FLTDIV for VXZDZ).
    ...c("FE_INVALID 0/0", "FPE_FLTINV", "0x7ff8000000000000"),
    // Run again with OE, UE cleared: the default results, +Inf and +0 (qemu: still adjusted).
    ...c("FE_OVERFLOW 1e300/1e-300", "FPE_FLTOVF", "0x7ff0000000000000"),
    ...c("FE_UNDERFLOW 1e-300/1e300", "FPE_FLTUND", "0x0000000000000000"),
    ...c("FE_INEXACT 1/3", "FPE_FLTRES", "0x3fd5555555555555"),
  ];
}

for (const t of TARGETS) {
  const is64 = t !== "ppc32";

  test(`SIGFPE for each enabled exception at its instruction, the target register as the ISA leaves it, mtfsf and mtfsb1 traps, match qemu (${t})`, async () => {
    const k = await sameAsQemu(t, []);
    assert.match(k.stdout, /fdiv FE_DIVBYZERO 1\/0\n {2}enabled: yes\n {2}signal 8, si_addr is the instruction: yes, NIP too: yes\n {2}f10 at the interrupt: unchanged/);
    assert.match(k.stdout, /mtfsb1 enabling ZE[^]*signal 8, si_addr is the instruction: yes/);
  });

  test(`an enabled zero divide with no handler kills with SIGFPE, as under qemu (${t})`, async () => {
    const k = await sameAsQemu(t, ["kill"]);
    assert.equal(k.signal, 8);
    assert.equal(k.status, 128 + 8);
  });

  test(`si_code from the FPSCR as Linux's parse_fpe, and the instruction run again untrapped (${t})`, async () => {
    const k = await runK42(t, ["codes"]);
    const lines = k.stdout.split("\n").filter((l) => /^(fdiv|xsdivdp) |signal 8 |after: result/.test(l));
    const mtfs = [
      "  signal 8 FPE_FLTDIV, NIP is si_addr: yes", // mtfsf inside enable(): ZE on while ZX is set
      "  signal 8 FPE_FLTDIV, si_addr is the instruction: yes, NIP too: yes", // mtfsb1 27
    ];
    assert.deepEqual(lines, [...codes("fdiv"), ...(is64 ? codes("xsdivdp") : []), ...mtfs], `${t}: ${k.error ?? k.status}`);
    assert.equal(k.status, 0);
  });

  test(`PR_SET_FPEXC / PR_GET_FPEXC, the mode across fork and exec, the saved MSR (${t})`, async () => {
    await holds(t, ["linux"], [
      "PR_GET_FPEXC at start: 0",
      // glibc's feenableexcept asks for PR_FP_EXC_PRECISE; disabling the last one for DISABLED.
      "PR_GET_FPEXC after feenableexcept: 3",
      "PR_GET_FPEXC after fedisableexcept: 0",
      "PR_SET_FPEXC NONRECOV: 0, mode 1",
      "PR_SET_FPEXC ASYNC: 0, mode 2",
      // No SPE: PR_FP_EXC_SW_ENABLE is EINVAL, and so is SPE's per-exception bit without it.
      "PR_SET_FPEXC SW_ENABLE|DIV: -1",
      "PR_SET_FPEXC DIV: -1, mode 2",
      "fdiv FE_DIVBYZERO 1/0",
      "  enabled: yes",
      "  signal 8, si_addr is the instruction: yes, NIP too: yes",
      // The program's enable() asked for PRECISE again: FE0 and FE1.
      "  saved MSR FE0 1 FE1 1",
      "  f10 at the interrupt: unchanged 0x7ff4dead0000beef",
      "  FPSCR at the interrupt: exceptions 84000000 enables 10",
      "  after: result 0x7ff0000000000000",
      "  after: enabled now: none, raised: DIVBYZERO",
      "ZX and ZE set with traps off (1/0 = inf): no signal",
      // The ISA's delayed interrupt when MSR[FE0 FE1] turn nonzero with FEX set: at the
      // instruction returned to (the saved NIP), si_code from the FPSCR.
      "  signal 8 FPE_FLTDIV, NIP is si_addr: yes",
      "  saved MSR FE0 1 FE1 1",
      "  SIGFPE as prctl(PR_SET_FPEXC, PRECISE) returned",
      "child: PR_GET_FPEXC 3",
      // start_thread keeps thread.fpexc_mode and zeroes the FPSCR.
      "after exec: PR_GET_FPEXC 3, enabled 0",
      "exec'd child: status 0",
    ]);
  });

  if (is64) {
    test(`glibc's feenableexcept(FE_DIVBYZERO); 1.0 / 0.0: SIGFPE FPE_FLTDIV, as under qemu -cpu power9 (${t})`, async () => {
      const k = await sameAsQemu(t, ["glibc"], "deterministic", "power9");
      assert.match(k.stdout, /signal 8 FPE_FLTDIV/);
    });
  } else {
    test(`glibc's feenableexcept(FE_DIVBYZERO); 1.0 / 0.0: SIGFPE FPE_FLTDIV (${t}; no qemu-ppc model runs glibc's mffsl)`, async () => {
      await holds(t, ["glibc"], [
        "feenableexcept(FE_DIVBYZERO): was 0, now FE_DIVBYZERO",
        "  signal 8 FPE_FLTDIV, NIP is si_addr: yes",
        // The handler ran with the FPSCR cleared (Linux's signal entry); siglongjmp keeps it.
        "after siglongjmp: enabled none",
        "fedisableexcept: 1/0 = inf, raised DIVBYZERO: yes",
      ]);
    });
  }
}

// The parallel mode: the program on processor 1, its system calls (prctl among them) served by
// its home on processor 0, which writes the mode into the thread's state; the runner picks it up.
test("SIGFPE for each enabled exception in the parallel mode matches qemu (ppc64le)", async () => {
  await sameAsQemu("ppc64le", [], "parallel");
});
