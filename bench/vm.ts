// `npm run bench -- vm`: the memory system's costs seen by a program. Demand-zero page faults
// (bench/vm/faults.c) and mmap+munmap cycles (bench/vm/mmap.c), ppc64le static, under
// qemu-user and under k42ts (deterministic mode, in-process through the runner).
// Each figure is the difference between a run doing N operations and one doing none (so that
// start-up cancels), best of three after a warm-up run; the outputs must agree.

import { join } from "node:path";
import { boot } from "../src/kernel/boot.js";
import type { ShootdownBenchResult } from "../src/kernel/mem/testing/programs.js";

/** What main.ts lends: building a guest program and timing a run under each emulator. */
export interface VmBenchHost {
  /** Root of the repository. */
  root: string;
  /** Build a C source (ppc64le static) into build/bench/<out> unless up to date; its path. */
  build(source: string, out: string, flags?: string[]): string;
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

const PROGRAMS = new URL("../src/kernel/mem/testing/programs.js", import.meta.url).href;

/**
 * mprotect with a TLB shootdown across 2 processors, under k42ts: a guest thread on processor 1
 * keeps the page's translation in its TLB while a kernel thread on processor 0 flips the page's
 * protection (kernel/mem/testing/programs.ts shootdownBench). Parallel mode gives real
 * microseconds per call (2 workers), deterministic mode the model's cycles. Best of 3.
 */
async function shootdownLatency(calls: number): Promise<{ parallelUs: number; cycles: number }> {
  const once = async (mode: "parallel" | "deterministic"): Promise<number> => {
    const r = await boot({ mode, cpus: 2, memBytes: 64 << 20, traceMask: 0, ...(mode === "parallel" ? { workers: 2 } : {}) },
      { module: PROGRAMS, name: "shootdownBench", args: { calls } });
    const errs = [...r.errors, ...r.cpus.flatMap((c) => c.threadErrors.map((e) => e.error))];
    if (errs.length > 0) throw new Error(errs.join("\n"));
    const res = r.cpus.find((c) => c.cpu === 0)?.result as ShootdownBenchResult;
    if (res.remote !== 1) throw new Error(`shootdown bench: ${res.remote} processors asked, expected 1`);
    return res.perCall;
  };
  const par = Math.min(await once("parallel"), await once("parallel"), await once("parallel"));
  return { parallelUs: par / 1000, cycles: await once("deterministic") };
}

/** qemu-user's mprotect with a second thread on the page (bench/vm/mprotect2.c): µs per call. */
function qemuMprotect(host: VmBenchHost, bin: string, n: number): number {
  const best = (args: string[]): number => Math.min(...[0, 1, 2].map(() => host.qemu(bin, args).seconds));
  host.qemu(bin, ["100"]);
  return ((best([String(n)]) - best(["0"])) / n) * 1e6;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

export async function benchVm(host: VmBenchHost): Promise<number> {
  const faults = host.build(join(host.root, "bench", "vm", "faults.c"), "vm-faults-ppc64le");
  const mmap = host.build(join(host.root, "bench", "vm", "mmap.c"), "vm-mmap-ppc64le");
  const nFaults = 50_000, nCycles = 10_000;
  const f = rate(host, faults, nFaults);
  const m = rate(host, mmap, nCycles);
  const mp2 = host.build(join(host.root, "bench", "vm", "mprotect2.c"), "vm-mprotect2-ppc64le", ["-pthread"]);
  const nFlips = 20_000;
  const q = qemuMprotect(host, mp2, nFlips);
  const sd = await shootdownLatency(5000);

  console.log("### VM benchmark (npm run bench -- vm)");
  console.log("");
  console.log(`Node ${process.version}; ppc64le static guests; k42ts in deterministic mode (runProgram, 1 processor).`);
  console.log("");
  console.log("| measurement | qemu-user | k42ts | k42ts/qemu time |");
  console.log("|---|---:|---:|---:|");
  console.log(`| demand-zero page faults/s (bench/vm/faults.c, ${fmt(nFaults)} pages) | ${fmt(f.qemu)} | ${fmt(f.k42)} | ${(f.qemu / f.k42).toFixed(1)}× |`);
  console.log(`| mmap 64 KiB + touch + munmap cycles/s (bench/vm/mmap.c, ${fmt(nCycles)} cycles) | ${fmt(m.qemu)} | ${fmt(m.k42)} | ${(m.qemu / m.k42).toFixed(1)}× |`);
  console.log(`| mprotect with TLB shootdown, 2 processors: µs per call (qemu: bench/vm/mprotect2.c, ${fmt(nFlips)} flips; k42ts: parallel mode, 2 workers) | ${q.toFixed(1)} | ${sd.parallelUs.toFixed(1)} | ${(sd.parallelUs / q).toFixed(1)}× |`);
  console.log(`| the same in deterministic mode: virtual cycles per call | – | ${fmt(sd.cycles)} | – |`);
  console.log("");
  console.log("Wall time: qemu-user as a whole process (spawnSync, start-up ~10–20 ms included in each run); k42ts around" +
    " runProgram, in-process. Each rate is N operations over (time of the N-operation run − time of a 0-operation run)," +
    " best of 3 runs of each, after a warm-up; so start-up cancels for both. Every run's output is checked against the other emulator's.");
  return 0;
}
