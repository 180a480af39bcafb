// The memory system against qemu-user and Linux (guest/mm/*.c): the memory system calls and
// their errno cases, generated code in remapped and rewritten pages, a W^X JIT loop, the
// program break, fatal faults, and deterministic clocks and randomness. Each program runs
// under qemu-user (the oracle) and under k42ts on the same binary; the output and the exit
// status must be identical. Where qemu-user 7.2 is not Linux, the programs print those cases
// only when asked ("linux" argument) and k42ts is held to what the Linux kernel prints
// (the literals below, from a native build of the same program on Linux 6.18; the system
// calls involved behave the same on PowerPC and x86-64).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { runProgram, type RunOptions } from "./process.js";
import { buildGuest, runQemu } from "./testing/cross.js";
import type { Target } from "../machine/power/difftest/harness.js";

const TARGETS: Target[] = ["ppc64", "ppc64le", "ppc32"];

type Extra = Pick<RunOptions, "seed" | "epoch">;

function runK42(exe: string, args: string[], extra: Extra = {}): { out: string; code: number; error?: string } {
  const chunks: Buffer[] = [];
  const r = runProgram(new Uint8Array(readFileSync(exe)), {
    argv: [exe, ...args], env: ["PATH=/bin"], exePath: exe,
    stdout: (b) => chunks.push(Buffer.from(b)), stderr: (b) => chunks.push(Buffer.from(b)),
    memBytes: 64 << 20, ...extra,
  });
  return { out: Buffer.concat(chunks).toString(), code: r.exitCode, error: r.error };
}

/** The program under qemu and under k42ts: same output, same exit status. */
function sameAsQemu(t: Target, src: string, args: string[]): void {
  const exe = buildGuest(t, src);
  const q = runQemu(t, exe, args);
  assert.equal(q.signal, null, `qemu ${src} ${args.join(" ")}: died on ${q.signal}`);
  const k = runK42(exe, args);
  assert.equal(k.out, q.stdout.toString(), `${t} ${src} ${args.join(" ")}: output (k42ts: ${k.error ?? `exit ${k.code}`})`);
  assert.equal(k.code, q.status, `${t} ${src} ${args.join(" ")}: exit status (${k.error ?? ""})`);
  assert.equal(k.error, undefined);
}

/**
 * `mmap linux`: the cases where qemu-user 7.2 is not Linux. qemu populates nothing for
 * MAP_POPULATE, ignores MAP_FIXED_NOREPLACE, answers ENOMEM for mprotect(len 0) and
 * mremap(new size 0), keeps the pages brk gives back, accepts any madvise advice and a hole,
 * has no mlock2, reports SEGV_MAPERR for every fault; for ppc32 (its reserved address space)
 * it also succeeds on holes (mprotect, msync, munlock, mremap), cannot grow a mapping in place
 * and unmaps the old range of MREMAP_DONTUNMAP.
 */
const MMAP_LINUX = [
  "pagesize 4096",
  "signal    sigaction SIGSEGV                  -> 0 0",
  "mmap      populate                           -> ptr 0",
  "mmap      populate resident                  -> 11111111",
  "mmap      fixed-noreplace-used               -> -1 EEXIST",
  "mprotect  len-0                              -> 0 0",
  "mprotect  unmapped                           -> -1 ENOMEM",
  "mremap    new size 0                         -> -1 EINVAL",
  "mremap    old range not mapped               -> -1 EFAULT",
  "mremap    grow in place                      -> ptr 0",
  "mremap    grow in place same address         -> yes",
  "mremap    grow in place contents kept        -> yes",
  "mremap    grow in place new pages zero       -> yes",
  "brk       shrunk pages unmapped              -> yes",
  "madvise   bad advice                         -> -1 EINVAL",
  "madvise   hole                               -> -1 ENOMEM",
  "msync     unmapped                           -> -1 ENOMEM",
  "mlock     hole                               -> -1 ENOMEM",
  "munlock   hole                               -> -1 ENOMEM",
  "mlock2    flags 0                            -> 0 0",
  "mlock2    onfault                            -> 0 0",
  "mlock2    bad flags                          -> -1 EINVAL",
  "munlock   after mlock2                       -> 0 0",
  "mremap    dontunmap fixed                    -> ptr 0",
  "mremap    dontunmap fixed at the address asked -> yes",
  "mremap    dontunmap contents moved           -> yes",
  "mremap    dontunmap old range mapped         -> yes",
  "mremap    dontunmap old range zero           -> yes",
  "probe     hole read                          -> SIGSEGV MAPERR addr-ok",
  "probe     read-only write                    -> SIGSEGV ACCERR addr-ok",
  "probe     prot-none read                     -> SIGSEGV ACCERR addr-ok",
].map((l) => `${l}\n`).join("");

/** `brk linux`: Linux keeps a partly given-back last page (and its contents) and unmaps whole
 *  pages given back; qemu-user 7.2 zeroes the one and keeps the others. */
const BRK_LINUX = [
  "break aligned -> ok",
  "partial page kept after regrow        100 -> ok",
  "shrunk pages unmapped               12288 -> ok",
].map((l) => `${l}\n`).join("");

for (const t of TARGETS) {
  test(`memory system calls and their errno cases match qemu, no signal handler (${t})`, () => {
    sameAsQemu(t, "mm/mmap.c", ["nofault"]);
  });

  // These two catch faults with a SIGSEGV handler (rt_sigaction, signal frames, siglongjmp).
  test(`memory system calls with faults caught by a SIGSEGV handler match qemu (${t})`, () => {
    sameAsQemu(t, "mm/mmap.c", []);
  });

  test(`memory system calls where qemu-user 7.2 is not Linux behave as Linux does (${t})`, () => {
    const exe = buildGuest(t, "mm/mmap.c");
    const k = runK42(exe, ["linux"]);
    assert.equal(k.out, MMAP_LINUX, `${t}: ${k.error ?? `exit ${k.code}`}`);
    assert.equal(k.code, 0, k.error);
  });

  test(`code in unmapped, remapped, rewritten and moved pages: the new code runs (${t})`, () => {
    sameAsQemu(t, "mm/coderemap.c", []);
  });

  test(`a W^X JIT loop (mprotect RW, write, mprotect RX, call) x200 (${t})`, () => {
    sameAsQemu(t, "mm/wxjit.c", []);
  });

  test(`the program break: grow, shrink, regrow reads zeros, below the start (${t})`, () => {
    sameAsQemu(t, "mm/brk.c", []);
    const k = runK42(buildGuest(t, "mm/brk.c"), ["linux"]);
    assert.equal(k.out, BRK_LINUX, `${t} brk linux: ${k.error ?? `exit ${k.code}`}`);
    assert.equal(k.code, 0);
  });

  test(`fatal memory faults end the guest with SIGSEGV after the same output as qemu (${t})`, () => {
    const exe = buildGuest(t, "mm/segv.c");
    for (const how of ["unmapped", "munmapped", "mprotected", "brkstale", "readonly"]) {
      const q = runQemu(t, exe, [how]);
      let expected = q.stdout.toString();
      if (how === "brkstale") {
        // qemu-user 7.2 keeps the heap pages brk gives back, so its stale store goes through;
        // on Linux it is fatal: expect qemu's output up to the store.
        const cut = "storing through the stale heap pointer\n";
        assert.ok(expected.includes(cut), `qemu brkstale output: ${expected}`);
        expected = expected.slice(0, expected.indexOf(cut) + cut.length);
      } else {
        assert.equal(q.signal, "SIGSEGV", `qemu ${how}`);
      }
      const k = runK42(exe, [how]);
      assert.equal(k.out, expected, `${t} ${how}: output before the fault (${k.error ?? `exit ${k.code}`})`);
      assert.equal(k.code, 139, `${t} ${how}: ${k.error ?? `exit ${k.code}`}`);
      assert.match(k.error ?? "", /at 0x[0-9a-f]+/, `${t} ${how}: the report names the address`);
      assert.ok(!(k.error ?? "").includes("\n"), `${t} ${how}: a one-line report`);
      if (how === "unmapped") assert.match(k.error ?? "", /0xf00000\b/, `${t}: the report names the address called`);
    }
  });

  test(`clocks and randomness are deterministic for a seed and an epoch (${t})`, () => {
    const exe = buildGuest(t, "mm/clocks.c");
    const epoch = 1_000_000_000; // 2001-09-09
    const a = runK42(exe, [], { seed: 1, epoch });
    const b = runK42(exe, [], { seed: 1, epoch });
    assert.equal(a.code, 0, a.error);
    assert.doesNotMatch(a.out, /error|missing/, "every clock, time source and random source answers");
    assert.equal(b.out, a.out, "two runs with the same seed and epoch print the same bytes");

    const field = (out: string, name: string): string => {
      const m = new RegExp(`^${name} (\\S+)`, "m").exec(out);
      assert.ok(m, `${name} in ${out}`);
      return m[1]!;
    };
    const c = runK42(exe, [], { seed: 2, epoch });
    assert.notEqual(field(c.out, "AT_RANDOM"), field(a.out, "AT_RANDOM"), "another seed, other AT_RANDOM bytes");
    assert.notEqual(field(c.out, "getrandom"), field(a.out, "getrandom"), "another seed, other getrandom bytes");
    assert.notEqual(field(a.out, "AT_RANDOM"), "0".repeat(32));

    const secs = (out: string, name: string): number => Number(field(out, name).split(".")[0]);
    for (const name of ["CLOCK_REALTIME", "CLOCK_REALTIME_COARSE", "gettimeofday", "time"]) {
      const s = secs(a.out, name);
      assert.ok(s >= epoch && s < epoch + 60, `${name} ${s} starts at the epoch ${epoch}`);
    }
    const later = runK42(exe, [], { seed: 1, epoch: 2_000_000_000 });
    assert.ok(secs(later.out, "CLOCK_REALTIME") >= 2_000_000_000, "another epoch shows in CLOCK_REALTIME");
    const m = /^nanosleep 10ms monotonic delta (\d+) ns$/m.exec(a.out);
    assert.ok(m, `nanosleep line in ${a.out}`);
    assert.ok(Number(m[1]) >= 10_000_000, `CLOCK_MONOTONIC advanced ${m[1]} ns across nanosleep(10 ms)`);
  });
}
