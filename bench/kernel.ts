// `npm run bench -- kernel`: the microkernel's costs. Local PPC null round trip, cross-processor
// request round trip, hot-swap latency under load, and Tornado's counter: a shared counter
// against a clustered (per-processor) one at 1..32 processors in the deterministic mode (virtual
// cycles of its cost model, src/machine/cost.ts) and at 1 and 2 processors in parallel mode.

import { boot, type BootResult, type MachineOptions } from "../src/kernel/boot.js";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Major, Mem } from "../src/kernel/trace/events.js";
import { toChrome, writeChrome } from "../src/kernel/trace/chrome.js";
import { summarize } from "../src/kernel/trace/summary.js";

const PROGRAMS = new URL("../src/kernel/testing/programs.js", import.meta.url).href;
const PPC_PROGRAMS = PROGRAMS;

const run = (opts: MachineOptions, name: string, args?: unknown, module = PROGRAMS): Promise<BootResult> =>
  boot(opts, { module, name, args });

function check(r: BootResult): void {
  if (r.errors.length > 0) throw new Error(r.errors.join("\n"));
  for (const c of r.cpus) if (c.threadErrors.length > 0) throw new Error(c.threadErrors.map((e) => e.error).join("\n"));
}

interface CounterRow { cpus: number; throughput: number; lineWait: number; trace: BootResult["events"] }

/** build/bench under the repository root (dist/bench/kernel.js → ../../build/bench). */
const OUT = join(fileURLToPath(new URL("../../build/bench", import.meta.url)));

async function counter(mode: "deterministic" | "parallel", impl: "shared" | "partitioned", cpus: number, iters: number): Promise<CounterRow> {
  const r = await run({ mode, cpus, traceMask: (1 << Major.Mem) | (1 << Major.ClustObj) }, "counterLoop", { impl, iters, work: 20 });
  check(r);
  const res = r.cpus.map((c) => c.result as { start: number; end: number; value: number });
  if (res[0].value !== iters * cpus) throw new Error(`counter ${impl} at ${cpus}: ${res[0].value} != ${iters * cpus}`);
  // Aggregate steady-state throughput: each processor's rate from its first call on, summed.
  const rate = res.reduce((sum, x) => sum + (iters - 1) / (x.end - x.start), 0);
  const lineWait = r.events.filter((e) => e.major === Major.Mem && e.minor === Mem.LineWait).reduce((s, e) => s + (e.data[1] ?? 0), 0);
  // increments per second: virtual seconds at 1 GHz (deterministic) or real ns (parallel)
  return { cpus, throughput: rate * 1e9, lineWait, trace: r.events };
}

function fmt(n: number, d = 1): string {
  return n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(d);
}

/** Helpers main.ts lends: the null-syscall reference (ns per getppid under qemu-user and k42ts). */
export interface KernelBenchHost {
  nullSyscall(cc: string, qemu: string[], n: number): { qemuNs: number; k42Ns: number };
}

export async function benchKernel(host: KernelBenchHost): Promise<number> {
  console.log("### Kernel benchmark (npm run bench -- kernel)");
  console.log(`Node ${process.version}. Deterministic figures are virtual cycles of the cost model (1 GHz); parallel ones real time.`);
  console.log("");

  // 1. local PPC null round trip
  // median of three fresh machines (the host is noisy)
  const locals: number[] = [];
  for (let i = 0; i < 3; i++) {
    const local = await run({ mode: "parallel", cpus: 1, traceMask: 0 }, "benchNullPpc", { n: 500_000 }, PPC_PROGRAMS);
    check(local);
    locals.push((local.cpus[0].result as { nsPerCall: number }).nsPerCall);
  }
  const lr = { nsPerCall: [...locals].sort((a, b) => a - b)[1] };
  const localDet = await run({ mode: "deterministic", cpus: 1, traceMask: 0 }, "benchNullPpc", { n: 2_000 }, PPC_PROGRAMS);
  check(localDet);
  const ld = localDet.cpus[0].result as { nsPerCall: number };
  const sys = host.nullSyscall("powerpc64le-linux-gnu-gcc", ["qemu-ppc64le", "-cpu", "power8"], 1_000_000);
  console.log(`Local PPC null round trip: ${fmt(lr.nsPerCall)} ns (host time, 1 worker, median of 3: ${locals.map((x) => fmt(x)).join(", ")}); ` +
    `${fmt(ld.nsPerCall)} virtual cycles in deterministic mode`);
  console.log(`  reference, a null system call (getppid, ppc64le static): qemu-user ${fmt(sys.qemuNs)} ns, ` +
    `k42ts ${fmt(sys.k42Ns)} ns (guest sc → kernel → Linux personality → guest); ` +
    `PPC / qemu syscall = ${(lr.nsPerCall / sys.qemuNs).toFixed(2)}×`);

  // 2. cross-processor round trip
  const par = await run({ mode: "parallel", cpus: 2, traceMask: 0 }, "pingPong", { peer: 1, rounds: 2000 });
  check(par);
  const near = await run({ mode: "deterministic", cpus: 4, nodes: 2, traceMask: 0 }, "pingPong", { peer: 1, rounds: 200 });
  const far = await run({ mode: "deterministic", cpus: 4, nodes: 2, traceMask: 0 }, "pingPong", { peer: 3, rounds: 200 });
  const trip = (r: BootResult): number => (r.cpus[0].result as { perTrip: number }).perTrip;
  console.log(`Cross-processor request round trip: ${fmt(trip(par) / 1000)} µs (parallel, 2 workers); ` +
    `deterministic ${fmt(trip(near))} cycles same node, ${fmt(trip(far))} cycles remote node`);

  // 3. hot-swap under load
  const swp = await run({ mode: "parallel", cpus: 2, traceMask: 0 }, "swapTorture", { iters: 2000, swaps: 50 });
  check(swp);
  const swd = await run({ mode: "deterministic", cpus: 4, traceMask: 0 }, "swapTorture", { iters: 400, swaps: 50 });
  check(swd);
  const st = (r: BootResult): number => (r.cpus[0].result as { swapTime: number }).swapTime;
  console.log(`Hot-swap of a counter under load (every processor calling it): ${fmt(st(swp) / 1000)} µs per swap (parallel, 2 workers); ` +
    `${fmt(st(swd))} cycles (deterministic, 4 processors)`);
  console.log("");

  // 4. Tornado's counter
  console.log("Shared vs clustered counter, increments per second (deterministic: per virtual second at 1 GHz):");
  console.log("");
  console.log("| mode | cpus | shared | shared vs linear | clustered | clustered vs linear | shared line-wait cycles |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  let base: { s: number; c: number } | undefined;
  const traces: string[] = [];
  for (const n of [1, 2, 4, 8, 16, 32]) {
    const s = await counter("deterministic", "shared", n, 2000);
    const c = await counter("deterministic", "partitioned", n, 2000);
    if (n === 32) {
      mkdirSync(OUT, { recursive: true });
      for (const [name, row] of [["shared", s], ["clustered", c]] as const) {
        const file = join(OUT, `counter-${name}-32.json`);
        const t = toChrome(row.trace, { unit: "cycles", cpus: 32, title: `${name} counter, 32 processors (Mem and ClustObj classes)` });
        writeChrome(file, t);
        const lw = summarize(t).split("\n");
        const at = lw.findIndex((l) => l.startsWith("Contended shared lines"));
        traces.push(`${name} (${file}, \`npx k42 trace\` on it):`, ...(at < 0 ? ["  no contended lines"] : lw.slice(at, at + 6).map((l) => `  ${l}`)));
      }
    }
    base ??= { s: s.throughput, c: c.throughput };
    console.log(`| deterministic | ${n} | ${fmt(s.throughput)} | ${(s.throughput / (n * base.s) * 100).toFixed(0)}% | ` +
      `${fmt(c.throughput)} | ${(c.throughput / (n * base.c) * 100).toFixed(0)}% | ${fmt(s.lineWait)} (clustered: ${fmt(c.lineWait)}) |`);
  }
  let pbase: { s: number; c: number } | undefined;
  for (const n of [1, 2]) {
    const s = await counter("parallel", "shared", n, 300_000);
    const c = await counter("parallel", "partitioned", n, 300_000);
    pbase ??= { s: s.throughput, c: c.throughput };
    console.log(`| parallel | ${n} | ${fmt(s.throughput)} | ${(s.throughput / (n * pbase.s) * 100).toFixed(0)}% | ` +
      `${fmt(c.throughput)} | ${(c.throughput / (n * pbase.c) * 100).toFixed(0)}% | – |`);
  }
  console.log("");
  console.log("Throughput: each processor's increments per second from its first call on (after its miss), summed.");
  console.log("");
  console.log("Why (deterministic, 32 processors) — the trace of each run, first rows of its line-wait table:");
  console.log("```");
  for (const l of traces) console.log(l);
  console.log("```");
  console.log("Line-wait cycles: time processors spent waiting for the counter's contended line (Mem/LineWait trace events).");
  return 0;
}
