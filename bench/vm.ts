// `npm run bench -- vm`: the memory system's costs seen by a program. Demand-zero page faults
// (bench/vm/faults.c) and mmap+munmap cycles (bench/vm/mmap.c), ppc64le static, under
// qemu-user and under k42ts (deterministic mode, in-process through the bring-up runner).
// Each figure is the difference between a run doing N operations and one doing none (so that
// start-up cancels), best of three after a warm-up run; the outputs must agree.

import { join } from "node:path";

/** What main.ts lends: building a guest program and timing a run under each emulator. */
export interface VmBenchHost {
  /** Root of the repository. */
  root: string;
  /** Build a C source (ppc64le static) into build/bench/<out> unless up to date; its path. */
  build(source: string, out: string): string;
  /** A whole qemu-user process, timed by the caller around spawnSync (start-up included). */
  qemu(bin: string, args: string[]): { seconds: number; stdout: string };
  /** A k42ts run, timed around runProgram; throws on a failed run. */
  k42(bin: string, args: string[]): { seconds: number; stdout: string };
}

interface Rate { qemu: number; k42: number }

/** Operations per second under each emulator: n operations, less an empty run, best of 3. */
function rate(host: VmBenchHost, bin: string, n: number): Rate {
  const time = (args: string[]): { qemu: number; k42: number } => {
    const q = host.qemu(bin, args), k = host.k42(bin, args);
    if (q.stdout !== k.stdout) throw new Error(`${bin} ${args.join(" ")}: outputs differ\n--- qemu\n${q.stdout}--- k42ts\n${k.stdout}`);
    return { qemu: q.seconds, k42: k.seconds };
  };
  time([String(Math.max(1, n / 10))]); // warm up (k42ts runs in this process: its JIT must be warm)
  const best = (args: string[]): { qemu: number; k42: number } => {
    const rs = [time(args), time(args), time(args)];
    return { qemu: Math.min(...rs.map((r) => r.qemu)), k42: Math.min(...rs.map((r) => r.k42)) };
  };
  const empty = best(["0"]), full = best([String(n)]);
  return { qemu: n / Math.max(1e-9, full.qemu - empty.qemu), k42: n / Math.max(1e-9, full.k42 - empty.k42) };
}

/**
 * TODO(kernel): mprotect with TLB shootdown across 2 processors — the latency of an mprotect
 * that must invalidate the translation on the other processor. The kernel engineer adds it as
 * a kernel-level measurement (like `npm run bench -- kernel`); until then there is no figure.
 */
export function mprotectShootdownLatency(): string {
  return "not built yet";
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

export function benchVm(host: VmBenchHost): number {
  const faults = host.build(join(host.root, "bench", "vm", "faults.c"), "vm-faults-ppc64le");
  const mmap = host.build(join(host.root, "bench", "vm", "mmap.c"), "vm-mmap-ppc64le");
  const nFaults = 50_000, nCycles = 10_000;
  const f = rate(host, faults, nFaults);
  const m = rate(host, mmap, nCycles);

  console.log("### VM benchmark (npm run bench -- vm)");
  console.log("");
  console.log(`Node ${process.version}; ppc64le static guests; k42ts in deterministic mode (runProgram, 1 processor).`);
  console.log("");
  console.log("| measurement | qemu-user | k42ts | k42ts/qemu time |");
  console.log("|---|---:|---:|---:|");
  console.log(`| demand-zero page faults/s (bench/vm/faults.c, ${fmt(nFaults)} pages) | ${fmt(f.qemu)} | ${fmt(f.k42)} | ${(f.qemu / f.k42).toFixed(1)}× |`);
  console.log(`| mmap 64 KiB + touch + munmap cycles/s (bench/vm/mmap.c, ${fmt(nCycles)} cycles) | ${fmt(m.qemu)} | ${fmt(m.k42)} | ${(m.qemu / m.k42).toFixed(1)}× |`);
  console.log(`| mprotect with TLB shootdown, 2 processors | – | ${mprotectShootdownLatency()} | – |`);
  console.log("");
  console.log("Wall time: qemu-user as a whole process (spawnSync, start-up ~10–20 ms included in each run); k42ts around" +
    " runProgram, in-process. Each rate is N operations over (time of the N-operation run − time of a 0-operation run)," +
    " best of 3 runs of each, after a warm-up; so start-up cancels for both. Every run's output is checked against the other emulator's.");
  return 0;
}
