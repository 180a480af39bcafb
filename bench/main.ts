// The project's benchmarks: `npm run bench -- <name> [options]`.
//
// `cpu` builds bench/cpu/bench.c for each PowerPC target (into build/bench/, on demand),
// runs it under qemu-user and under k42ts (in-process, through the runner),
// checks that every output is identical, and prints a markdown table for
// docs/PERFORMANCE.md. See printUsage() for the options.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { cpus } from "node:os";
import { benchKernel } from "./kernel.js";
import { benchVm } from "./vm.js";
import { benchStartup } from "./startup.js";
import { benchProcs } from "./procs.js";
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
  maxInstructions: number | undefined;
}

function printUsage(out: (s: string) => void): void {
  out("usage: npm run bench -- <name> [options]");
  out("");
  out("benchmarks:");
  for (const [name, b] of Object.entries(BENCHMARKS)) out(`  ${name.padEnd(8)} ${b.description}`);
  out("");
  out("options:");
  out("  --scale N             work multiplier passed to the guest program (default: the program's own, 10)");
  out("  --runs N              timed runs per emulator and target; the median is reported (default 3; startup: 10)");
  out(`  --targets a,b         targets to run (default ${TARGETS.map((t) => t.name).join(",")})`);
  out("  --qemu-only           skip k42ts (qemu times only; no instruction counts)");
  out("  --max-instructions N  stop a k42ts run after N guest instructions");
}

function parseArgs(args: string[]): { name: string | undefined; opts: Options } {
  const opts: Options = { scale: undefined, runs: 3, runsGiven: false, targets: undefined, qemuOnly: false, maxInstructions: undefined };
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
      case "--max-instructions": opts.maxInstructions = positiveInt(flag, value()); break;
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function log(s: string): void {
  process.stderr.write(`${s}\n`);
}

function describeMismatch(what: string, expected: string, got: string): string {
  return `${what}: output differs from the reference\n--- expected\n${expected}--- got\n${got}`;
}

// ---- the cpu benchmark ------------------------------------------------------------------

interface Row {
  target: string;
  instructions?: number;
  k42Seconds?: number;
  qemuSeconds: number;
  note?: string;
}

function benchCpu(opts: Options): number {
  const source = join(ROOT, "bench", "cpu", "bench.c");
  const names = opts.targets ?? TARGETS.map((t) => t.name);
  const targets = names.map((n) => {
    const t = TARGETS.find((x) => x.name === n);
    if (t === undefined) throw new BenchError(`unknown target ${n} (known: ${TARGETS.map((x) => x.name).join(", ")})`);
    return t;
  });
  const scaleArgs = opts.scale !== undefined ? [String(opts.scale)] : [];

  // The reference output: a native build when a host compiler is there (the program is
  // written to print the same on every target), otherwise the first qemu run.
  let reference: string | undefined;
  let nativeSeconds: number | undefined;
  if (spawnSync("gcc", ["--version"]).status === 0) {
    const bin = buildIfStale("gcc", source, "cpu-native");
    const r = runNative([bin, ...scaleArgs], "native");
    reference = r.stdout;
    nativeSeconds = r.seconds;
    log(`native reference: ${r.seconds.toFixed(3)} s`);
  }

  const rows: Row[] = [];
  let failed = false;
  for (const t of targets) {
    const bin = buildIfStale(t.cc, source, `cpu-${t.name}`);
    const argv = ["bench", ...scaleArgs];

    // qemu-user, timed as a whole child process (its startup is ~10-20 ms).
    const qemuTimes: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      const r = runNative([...t.qemu, bin, ...scaleArgs], `${t.name} under qemu`);
      reference ??= r.stdout;
      if (r.stdout !== reference) throw new BenchError(describeMismatch(`${t.name} under qemu`, reference, r.stdout));
      qemuTimes.push(r.seconds);
      log(`${t.name}: qemu run ${i + 1}/${opts.runs}: ${r.seconds.toFixed(3)} s`);
    }
    const expected = reference;
    if (expected === undefined) throw new BenchError("no reference output");
    const row: Row = { target: t.name, qemuSeconds: median(qemuTimes) };
    rows.push(row);
    if (opts.qemuOnly) continue;

    // k42ts, in-process, timed around runProgram.
    const image = new Uint8Array(readFileSync(bin));
    const k42Times: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      const r = runK42(image, argv, opts.maxInstructions);
      if (typeof r === "string") {
        if (t.optional) {
          const first = r.split("\n")[0]!;
          log(`${t.name}: k42ts cannot run it yet, skipped (optional target: its glibc and code need the vector unit, VMX/VSX, which is later work): ${r}`);
          row.note = `k42ts skipped (optional target; ppc64le needs the vector unit): ${first}`;
          break;
        }
        log(`${t.name}: k42ts run FAILED: ${r}`);
        row.note = "k42ts: FAILED";
        failed = true;
        break;
      }
      if (r.stdout !== expected) {
        log(describeMismatch(`${t.name} under k42ts`, expected, r.stdout));
        row.note = "k42ts: WRONG OUTPUT";
        failed = true;
        break;
      }
      if (row.instructions !== undefined && row.instructions !== r.instructions) {
        log(`${t.name}: warning: instruction count changed between runs (${row.instructions} vs ${r.instructions})`);
      }
      row.instructions = r.instructions;
      k42Times.push(r.seconds);
      log(`${t.name}: k42ts run ${i + 1}/${opts.runs}: ${r.seconds.toFixed(3)} s, ${r.instructions} instructions`);
    }
    if (k42Times.length === opts.runs) row.k42Seconds = median(k42Times);
  }

  printCpuTable(rows, opts, reference ?? "", nativeSeconds);
  if (failed) {
    console.log("\n**FAILED**: k42ts did not reproduce the qemu output on every required target (details above, on stderr).");
    return 1;
  }
  return 0;
}

function printCpuTable(rows: Row[], opts: Options, reference: string, nativeSeconds: number | undefined): void {
  const qemuVersion = (spawnSync("qemu-ppc64", ["--version"], { encoding: "utf8" }).stdout ?? "").split("\n")[0] ?? "";
  const fmtS = (s: number | undefined): string => (s === undefined ? "—" : s.toFixed(3));
  const mips = (n: number | undefined, s: number | undefined): string => (n === undefined || s === undefined ? "—" : (n / s / 1e6).toFixed(1));
  const sums = [...reference.matchAll(/^(?:phase (\S+) checksum|(total)) ([0-9a-f]{16})$/gm)]
    .map((m) => `${m[1] ?? m[2]} ${m[3]}`).join(", ");

  console.log(`### CPU benchmark (bench/cpu/bench.c, scale ${opts.scale ?? "default (10)"}, median of ${opts.runs} run${opts.runs === 1 ? "" : "s"})`);
  console.log("");
  console.log(`Host: ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}, ${qemuVersion}. Checksums: ${sums}.`);
  console.log("");
  console.log("| target | guest instructions | k42ts s | k42ts MIPS | qemu s | qemu MIPS | k42ts/qemu time |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    const ratio = r.k42Seconds !== undefined ? `${(r.k42Seconds / r.qemuSeconds).toFixed(1)}×` : "—";
    const inst = r.instructions !== undefined ? r.instructions.toLocaleString("en-US") : "—";
    console.log(`| ${r.target} | ${inst} | ${fmtS(r.k42Seconds)} | ${mips(r.instructions, r.k42Seconds)} | ` +
      `${fmtS(r.qemuSeconds)} | ${mips(r.instructions, r.qemuSeconds)} | ${ratio} |`);
  }
  console.log("");
  if (nativeSeconds !== undefined) console.log(`Native x86-64 build of the same program: ${nativeSeconds.toFixed(3)} s.`);
  const notes = rows.filter((r) => r.note !== undefined);
  for (const r of notes) console.log(`- ${r.target}: ${r.note}`);
  if (notes.length > 0) console.log("");
  console.log("qemu MIPS is k42ts's guest instruction count divided by qemu's wall time (the program is deterministic)." +
    " qemu is timed as a whole process (startup ~10–20 ms); k42ts around runProgram, in-process." +
    " qemu runs as a CPU model whose AT_HWCAP matches k42ts's (power8 / 7400; k42ts does not advertise DFP," +
    " which glibc does not use), so both execute the same library code.");
}

// ---- main -------------------------------------------------------------------------------

const BENCHMARKS: Record<string, { description: string; run: (opts: Options) => number | Promise<number> }> = {
  cpu: {
    description: "bench/cpu/bench.c (integer hashing, sorting, floating point, strings) on ppc64, ppc64le and ppc32: k42ts vs qemu-user",
    run: benchCpu,
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
  startup: {
    description: "start-up of `busybox true` and `python3 -c pass` on the default root (Debian 12 ppc64el, built on first use): k42ts vs qemu-user, whole processes",
    run: (opts) => benchStartup({ root: ROOT, runs: opts.runsGiven ? opts.runs : 10 }),
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
    if (!(e instanceof BenchError)) throw e;
    log(`bench ${name}: ${e.message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
