// The project's benchmarks: `npm run bench -- <name> [options]`.
//
// `cpu` builds bench/cpu/bench.c for each PowerPC target (into build/bench/, on demand),
// runs it under qemu-user and under k42ts (in-process, through the runner),
// checks that every output is identical, and prints a markdown table for
// docs/PERFORMANCE.md. See printUsage() for the options.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { benchKernel } from "./kernel.js";
import { benchVm } from "./vm.js";
import { benchStartup } from "./startup.js";
import { benchProcs } from "./procs.js";
import { benchCpu } from "./cpu.js";
import { BenchFailure } from "./measure.js";
import { benchPrograms } from "./programs.js";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runProgram, type RunResult } from "../src/linux/process.js";

/** The repository root: the nearest directory above this script holding bench/cpu/bench.c
 *  (dist/bench/main.js normally, but any output directory inside the tree works). */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "bench", "cpu", "bench.c"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("bench: cannot find the repository root (bench/cpu/bench.c) above this script");
    dir = up;
  }
}
const ROOT = findRoot();
const BUILD_DIR = join(ROOT, "build", "bench");

const CFLAGS = ["-O2", "-ffp-contract=off", "-static"];

class BenchError extends Error {}

// ---- options ----------------------------------------------------------------------------

interface Options {
  scale: number | undefined;
  runs: number;
  /** Whether --runs was given (benchmarks with a default of their own use it otherwise). */
  runsGiven: boolean;
  targets: string[] | undefined;
  qemuOnly: boolean;
  /** cpu: the FP phase's own scale. */
  fpScale: number;
  /** cpu: k42ts engines to measure, in order (undefined = k42's default engine). */
  engines: (string | undefined)[] | undefined;
}

function printUsage(out: (s: string) => void): void {
  out("usage: npm run bench -- <name> [options]");
  out("");
  out("benchmarks:");
  for (const [name, b] of Object.entries(BENCHMARKS)) out(`  ${name.padEnd(8)} ${b.description}`);
  out("");
  out("options:");
  out("  --scale N             work multiplier passed to the guest program (default: the program's own, 10)");
  out("  --runs N              timed runs per emulator and target; the median is reported (default 3; cpu: 5; startup: 10)");
  out(`  --targets a,b         targets to run (default ${TARGETS.map((t) => t.name).join(",")})`);
  out("  --qemu-only           skip k42ts (qemu times only; no instruction counts)");
  out("  --fp-scale N          cpu: scale of the FP phase measured alone (default 100)");
  out("  --engines a,b         cpu, programs: k42ts engines to compare (block, step, wasm, default; default: k42's default)");
}

function parseArgs(args: string[]): { name: string | undefined; opts: Options } {
  const opts: Options = { scale: undefined, runs: 3, runsGiven: false, targets: undefined, qemuOnly: false, fpScale: 100, engines: undefined };
  let name: string | undefined;
  const positiveInt = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < 1) throw new BenchError(`${flag} needs a positive integer, got ${v ?? "nothing"}`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf("=");
    const flag = a.startsWith("--") && eq > 0 ? a.slice(0, eq) : a;
    const value = (): string | undefined => (a.startsWith("--") && eq > 0 ? a.slice(eq + 1) : args[++i]);
    switch (flag) {
      case "--scale": opts.scale = positiveInt(flag, value()); break;
      case "--runs": opts.runs = positiveInt(flag, value()); opts.runsGiven = true; break;
      case "--targets": opts.targets = (value() ?? "").split(",").map((s) => s.trim()).filter((s) => s !== ""); break;
      case "--qemu-only": opts.qemuOnly = true; break;
      case "--fp-scale": opts.fpScale = positiveInt(flag, value()); break;
      case "--engines": opts.engines = (value() ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "").map((s) => (s === "default" ? undefined : s)); break;
      case "-h": case "--help": return { name: "--help", opts };
      default:
        if (a.startsWith("-")) throw new BenchError(`unknown option ${a}`);
        if (name !== undefined) throw new BenchError(`unexpected argument ${a}`);
        name = a;
    }
  }
  return { name, opts };
}

// ---- targets ----------------------------------------------------------------------------

interface Target {
  name: string;
  cc: string;
  qemu: string[];
  /** k42ts may not be able to run it yet (ppc64le glibc needs the vector unit): skip, don't fail. */
  optional: boolean;
}

const TARGETS: Target[] = [
  // qemu CPU models whose AT_HWCAP matches what k42ts advertises (POWER8 less DFP, which glibc
  // does not use; FPU|ALTIVEC for 32-bit), so that glibc selects the same routines under both
  // and the instruction count is shared.
  { name: "ppc64", cc: "powerpc64-linux-gnu-gcc", qemu: ["qemu-ppc64", "-cpu", "power8"], optional: false },
  { name: "ppc64le", cc: "powerpc64le-linux-gnu-gcc", qemu: ["qemu-ppc64le", "-cpu", "power8"], optional: false },
  { name: "ppc32", cc: "powerpc-linux-gnu-gcc", qemu: ["qemu-ppc", "-cpu", "7400"], optional: false },
];

/** Build `source` with `cc` into build/bench/<out> unless an up-to-date binary is there. */
function buildIfStale(cc: string, source: string, out: string, flags: string[] = []): string {
  const bin = join(BUILD_DIR, out);
  const srcTime = statSync(source).mtimeMs;
  if (existsSync(bin) && statSync(bin).mtimeMs >= srcTime) return bin;
  mkdirSync(BUILD_DIR, { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  const args = [...CFLAGS, ...flags, "-o", tmp, source, "-lm"];
  log(`building ${out}: ${cc} ${args.join(" ")}`);
  const r = spawnSync(cc, args, { encoding: "utf8" });
  if (r.error) throw new BenchError(`cannot run ${cc}: ${r.error.message}`);
  if (r.status !== 0) {
    rmSync(tmp, { force: true });
    throw new BenchError(`${cc} failed (exit ${r.status}):\n${r.stderr}`);
  }
  renameSync(tmp, bin);
  return bin;
}

// ---- running ----------------------------------------------------------------------------

interface Timed {
  seconds: number;
  stdout: string;
}

function runNative(cmd: string[], what: string): Timed {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: "utf8", maxBuffer: 1 << 24 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) throw new BenchError(`${what}: cannot run ${cmd[0]}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new BenchError(`${what}: ${cmd.join(" ")} exited ${r.status ?? `on signal ${r.signal}`}\n${r.stdout}${r.stderr}`);
  }
  return { seconds, stdout: r.stdout };
}

interface K42Run extends Timed {
  instructions: number;
}

/** One k42ts run; returns a string describing the failure instead of throwing. */
function runK42(image: Uint8Array, argv: string[], maxInstructions: number | undefined): K42Run | string {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  let result: RunResult;
  const t0 = process.hrtime.bigint();
  try {
    result = runProgram(image, {
      argv,
      stdout: (b) => out.push(b.slice()),
      stderr: (b) => err.push(b.slice()),
      ...(maxInstructions !== undefined ? { maxInstructions } : {}),
    });
  } catch (e) {
    return `k42ts threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const stdout = Buffer.concat(out).toString("utf8");
  const stderr = Buffer.concat(err).toString("utf8");
  if (result.error !== undefined || result.exitCode !== 0) {
    return `guest ${result.error !== undefined ? `died: ${result.error}` : `exited ${result.exitCode}`}` +
      ` after ${result.instructions} instructions` +
      (stdout !== "" ? `\n--- stdout\n${stdout}` : "") + (stderr !== "" ? `\n--- stderr\n${stderr}` : "");
  }
  return { seconds, stdout, instructions: result.instructions };
}

function log(s: string): void {
  process.stderr.write(`${s}\n`);
}

// ---- main -------------------------------------------------------------------------------

const BENCHMARKS: Record<string, { description: string; run: (opts: Options) => number | Promise<number> }> = {
  cpu: {
    description: "bench/cpu/bench.c (integer hashing, sorting, floating point, strings) on ppc64, ppc64le and ppc32, and its FP phase alone: k42ts vs qemu-user, whole processes",
    run: (opts) => {
      const source = join(ROOT, "bench", "cpu", "bench.c");
      const names = opts.targets ?? TARGETS.map((t) => t.name);
      const targets = names.map((n) => {
        const t = TARGETS.find((x) => x.name === n);
        if (t === undefined) throw new BenchError(`unknown target ${n} (known: ${TARGETS.map((x) => x.name).join(", ")})`);
        return t;
      });
      return benchCpu({
          root: ROOT, targets,
          binary: (t) => buildIfStale(TARGETS.find((x) => x.name === t.name)!.cc, source, `cpu-${t.name}`),
          native: spawnSync("gcc", ["--version"]).status === 0 ? buildIfStale("gcc", source, "cpu-native") : undefined,
          scale: opts.scale, fpScale: opts.fpScale, runs: opts.runsGiven ? opts.runs : 5,
          engines: opts.engines ?? [undefined], qemuOnly: opts.qemuOnly,
        });
    },
  },
  kernel: {
    description: "the microkernel: PPC null round trip, cross-processor round trip, hot-swap under load, shared vs clustered counter at 1..32 processors",
    run: () => benchKernel({
      nullSyscall: (cc, qemu, n) => {
        const bin = buildIfStale(cc, join(ROOT, "bench", "kernel", "nullsys.c"), `nullsys-${qemu[0]}`);
        const image = new Uint8Array(readFileSync(bin));
        const time = (argv: string[]): { qemu: number; k42: number } => {
          const q = runNative([...qemu, bin, ...argv], "null syscalls under qemu").seconds;
          const k = runK42(image, ["nullsys", ...argv], undefined);
          if (typeof k === "string") throw new BenchError(`null syscalls under k42ts: ${k}`);
          return { qemu: q, k42: k.seconds };
        };
        // Warm up (k42ts runs in this process: its JIT must be warm for both), then the best of
        // three of each; the per-call figure is the difference over n calls.
        time([String(n / 10)]);
        const best = (argv: string[]): { qemu: number; k42: number } => {
          const rs = [time(argv), time(argv), time(argv)];
          return { qemu: Math.min(...rs.map((r) => r.qemu)), k42: Math.min(...rs.map((r) => r.k42)) };
        };
        const empty = best(["0"]), full = best([String(n)]);
        return { qemuNs: ((full.qemu - empty.qemu) / n) * 1e9, k42Ns: ((full.k42 - empty.k42) / n) * 1e9 };
      },
    }),
  },
  vm: {
    description: "the memory system: demand-zero page faults/s, mmap+munmap cycles/s (ppc64le) and mprotect with shootdown across 2 processors, k42ts vs qemu-user",
    run: () => benchVm({
      root: ROOT,
      build: (source, out, flags) => buildIfStale(VM_TARGET.cc, source, out, flags),
      qemu: (bin, args) => runNative([...VM_TARGET.qemu, bin, ...args], `${bin} under qemu`),
      k42: (bin, args) => {
        const r = runK42(new Uint8Array(readFileSync(bin)), [bin, ...args], undefined);
        if (typeof r === "string") throw new BenchError(`${bin} under k42ts: ${r}`);
        return r;
      },
    }),
  },
  procs: {
    description: "processes and threads: fork+exit+wait, fork+exec+wait, a pipe round trip, a futex ping-pong on two processors, thread scaling 1..8 processors (ppc64le): k42ts vs qemu-user",
    run: () => benchProcs({
      build: () => buildIfStale(VM_TARGET.cc, join(ROOT, "bench", "procs", "procs.c"), "procs-ppc64le", ["-pthread"]),
      qemu: (bin, args, env) => {
        const t0 = process.hrtime.bigint();
        const r = spawnSync(VM_TARGET.qemu[0]!, [...VM_TARGET.qemu.slice(1), bin, ...args], { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        if (r.error || r.status !== 0) throw new BenchError(`procs ${args.join(" ")} under qemu: ${r.error?.message ?? `exit ${r.status}`}\n${r.stderr}`);
        return { seconds, stdout: r.stdout };
      },
    }),
  },
  programs: {
    description: "a bash script of dynamically linked Debian commands (sort, grep, sed, sha256sum, …, a python step; ~290 processes; --scale = rounds, default 20) on the default root: k42ts vs qemu-user, whole processes",
    run: (opts) => benchPrograms({ runs: opts.runsGiven ? opts.runs : 5, rounds: opts.scale ?? 20, engines: opts.engines ?? [undefined] }),
  },
  startup: {
    description: "start-up of `busybox true` and `python3 -c pass` on the default root (Debian 12 ppc64el, built on first use): k42ts vs qemu-user, whole processes",
    run: (opts) => benchStartup({ runs: opts.runsGiven ? opts.runs : 10 }),
  },
};

/** The vm benchmark's guests: ppc64le static, qemu-user as the qemu-ppc64le process. */
const VM_TARGET = TARGETS.find((t) => t.name === "ppc64le")!;

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof BenchError)) throw e;
    log(`bench: ${e.message}`);
    printUsage(log);
    return 2;
  }
  const { name, opts } = parsed;
  if (name === "--help") {
    printUsage((s) => console.log(s));
    return 0;
  }
  const bench = name !== undefined ? BENCHMARKS[name] : undefined;
  if (bench === undefined) {
    log(name === undefined ? "bench: which benchmark?" : `bench: unknown benchmark "${name}"`);
    printUsage(log);
    return 2;
  }
  try {
    return await bench.run(opts);
  } catch (e) {
    if (!(e instanceof BenchError) && !(e instanceof BenchFailure)) throw e;
    log(`bench ${name}: ${e.message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
