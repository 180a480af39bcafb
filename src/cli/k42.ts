#!/usr/bin/env node
// The k42 command.
//
//   k42 run [options] [-- PROGRAM [ARGS...]]   run a static PowerPC Linux program (host path);
//                                              without PROGRAM, the embedded demo program
//   k42 trace FILE                             summarise a trace written by `k42 run --trace FILE`
//   k42 help

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DEADLOCK_EXIT_STATUS } from "../machine/port.js";
import { ExecError, runProgram, runProgramParallel, type RunResult } from "../linux/bringup.js";
import { E } from "../linux/errno.js";
import { demoExecutable } from "./demo.js";
import { traceCommand, TRACE_USAGE } from "./trace-cmd.js";
import { syscallsCommand, SYSCALLS_USAGE } from "./syscalls-cmd.js";
import { openStraceOutput } from "./strace-out.js";
import { ChoiceError, checkChoices } from "../kernel/mem/system.js";
import type { EngineKind } from "../machine/power/engine.js";
import { toChrome, writeChrome } from "../kernel/trace/chrome.js";
import type { TraceEvent } from "../kernel/trace/drain.js";
import { rootfsCommand, ROOTFS_USAGE } from "./rootfs/command.js";
import { k42Version } from "./version.js";

const USAGE = `usage: k42 run [--cpus N] [--numa M] [--cpu C] [--parallel [--workers W]] [--trace FILE] [--verbose]
               [--seed N] [--epoch T] [--object TYPE=IMPL]... [--engine block|step]
               [--max-instructions N] [--stats] [--strace[=FILE]]
               [-- PROGRAM [ARGS...]]
       ${TRACE_USAGE.replace("usage: ", "")}
       ${SYSCALLS_USAGE.replace("usage: ", "")}
       ${ROOTFS_USAGE.split("\n")[0].replace("usage: ", "")}
       k42 help | k42 --version
Runs a static PowerPC Linux executable (ppc64 ELFv1/ELFv2, ppc64le, ppc32) as a guest thread
of the K42 microkernel on an emulated machine of N processors on M NUMA nodes (default 1, 1);
without PROGRAM it runs a small embedded demo program. The exit status is the guest's, or 125
if the machine deadlocks (threads blocked with nothing left that could wake them; a one-line
report on stderr names each and what it waits for).
The machine runs in deterministic mode (one thread, virtual clock: every run is the same run);
--parallel runs the processors on worker threads in real time instead (one per processor, or
W workers hosting consecutive processors).
--trace FILE writes the kernel trace as Chrome trace-event JSON (open it in Perfetto).
--seed N seeds the guest's random generator (AT_RANDOM, getrandom); --epoch T sets its
CLOCK_REALTIME at boot (seconds since 1970). Without them the host chooses both, and --verbose
prints them; in deterministic mode the same seed and epoch give byte-identical runs.
--cpu C runs the program on processor C (default 0); its memory comes from C's NUMA node.
--object TYPE=IMPL chooses the implementation of a kernel object type: PageAllocator=
PageAllocatorNuma (default; one per NUMA node, frames from the local node) or
PageAllocatorShared (one for the machine), FCM=FCMDefault (default) or FCMPartitioned.
--engine step runs guest code with the reference one-instruction interpreter instead of the
block engine (same results and slice ends, slower).
--stats prints instructions, MIPS, and the frames taken from each NUMA node.
--strace logs each system call with decoded arguments and result, like strace, to stderr or FILE.`;

function fail(msg: string, code = 2): never {
  process.stderr.write(`k42: ${msg}\n`);
  process.exit(code);
}

async function cmdRun(args: string[]): Promise<number> {
  let verbose = false, stats = false, parallel = false;
  let max: number | undefined;
  let cpus = 1, nodes = 1;
  let workers: number | undefined;
  let traceFile: string | undefined;
  let seed: number | undefined, epoch: number | undefined;
  let cpu: number | undefined;
  let engine: EngineKind | undefined;
  let strace: string | undefined;
  const objects: Record<string, string> = {};
  const whole = (name: string, v: string | undefined, max: number): number => {
    const n = Number(v);
    if (v === undefined || v === "" || !Number.isInteger(n) || n < 0 || n > max) fail(`${name} needs a whole number from 0 to ${max}`);
    return n;
  };
  const count = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) fail(`${name} needs a positive integer`);
    return n;
  };
  // (hook) `k42 run --help` before any other option is read
  if (helpRequested(args)) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === "--") { i++; break; }
    if (a === "--verbose" || a === "-v") verbose = true;
    else if (a === "--stats") stats = true;
    else if (a === "--strace" || a.startsWith("--strace=")) strace = a === "--strace" ? "-" : a.slice("--strace=".length);
    else if (a === "--parallel") parallel = true;
    else if (a === "--cpus") cpus = count(a, args[++i]);
    else if (a === "--numa") nodes = count(a, args[++i]);
    else if (a === "--workers") workers = count(a, args[++i]);
    else if (a === "--seed") seed = whole(a, args[++i], 0xffffffff);
    else if (a === "--epoch") epoch = whole(a, args[++i], 2 ** 40);
    else if (a === "--cpu") cpu = whole(a, args[++i], 63);
    else if (a === "--engine") {
      const e = args[++i];
      if (e !== "block" && e !== "step") fail("--engine needs block or step");
      engine = e;
    }
    else if (a === "--object") {
      const m = /^([A-Za-z]+)=([A-Za-z]+)$/.exec(args[++i] ?? "");
      if (m === null) fail("--object needs TYPE=IMPL, e.g. --object PageAllocator=PageAllocatorShared");
      objects[m[1]] = m[2];
    }
    else if (a === "--trace") {
      traceFile = args[++i];
      if (traceFile === undefined || traceFile === "") fail("--trace needs a file name");
    } else if (a === "--max-instructions") {
      max = Number(args[++i]);
      if (!Number.isFinite(max) || max <= 0) fail(`--max-instructions needs a positive number`);
    } else if (a.startsWith("-")) fail(`unknown option ${a}\n${USAGE}`);
    else break;
  }
  const prog = args.slice(i);
  let image: Uint8Array;
  let argv: string[];
  let exePath: string;
  if (prog.length === 0) {
    image = demoExecutable();
    argv = ["demo"];
    exePath = "/demo";
  } else {
    exePath = resolve(prog[0]);
    try {
      image = new Uint8Array(readFileSync(exePath));
    } catch (e) {
      fail(`cannot read ${prog[0]}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    argv = prog;
  }
  if (cpus > 64) fail("--cpus: at most 64 processors");
  if (nodes > cpus) fail("--numa: more NUMA nodes than processors");
  if (workers !== undefined && !parallel) fail("--workers needs --parallel");
  if (cpu !== undefined && cpu >= cpus) fail(`--cpu ${cpu}: the machine has processors 0..${cpus - 1}`);
  try {
    checkChoices(objects);
  } catch (e) {
    if (e instanceof ChoiceError) fail(`--object: ${e.message}`);
    throw e;
  }
  const straceOut = strace === undefined ? undefined : openStraceOutput(strace);
  if (typeof straceOut === "string") fail(`--strace: ${straceOut}`, strace === "" ? 2 : 1);
  const trace: TraceEvent[] | undefined = traceFile === undefined ? undefined : [];
  const env = Object.entries(process.env).map(([k, v]) => `${k}=${v ?? ""}`);
  const t0 = process.hrtime.bigint();
  let r: RunResult;
  const opts = {
    argv, env, exePath, maxInstructions: max, cpus, nodes, cpu, objects, engine, trace, workers, seed, epoch, stdin: { kind: "stdin" } as const,
    // The console is a terminal where the host's stream is one (isatty, the terminal's size).
    tty: {
      stdin: process.stdin.isTTY === true, stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true,
      winsize: () => (process.stdout.isTTY === true ? { rows: process.stdout.rows, cols: process.stdout.columns } : undefined),
    },
    log: verbose ? (m: string) => process.stderr.write(`k42: ${m}\n`) : undefined,
    ...straceOut?.options,
  };
  try {
    r = parallel ? await runProgramParallel(image, opts) : runProgram(image, opts);
  } catch (e) {
    // As a shell reports it: 127 when a file is missing (the interpreter), 126 when it cannot run.
    if (e instanceof ExecError) fail(`${prog[0] ?? "demo"}: ${e.message}`, e.errno === E.ENOENT ? 127 : 126);
    throw e;
  } finally {
    straceOut?.close();
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (traceFile !== undefined && trace !== undefined) {
    try {
      writeChrome(traceFile, toChrome(trace, { unit: parallel ? "ns" : "cycles", cpus, title: `k42 run ${argv.join(" ")}` }));
    } catch (e) {
      fail(`cannot write ${traceFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, 1);
    }
  }
  if (r.deadlock !== undefined) {
    process.stderr.write(`k42: ${r.deadlock}\n`);
    return DEADLOCK_EXIT_STATUS;
  }
  if (r.error !== undefined) process.stderr.write(`k42: guest killed by signal ${r.signal}: ${r.error}\n`);
  if (stats) {
    process.stderr.write(`k42: ${r.instructions} guest instructions in ${secs.toFixed(3)} s (${(r.instructions / secs / 1e6).toFixed(1)} MIPS)\n`);
    if (r.frames !== undefined) process.stderr.write(`k42: frames taken per NUMA node: ${r.frames.allocated.join(" ")} (freed: ${r.frames.freed.join(" ")})\n`);
  }
  return r.exitCode;
}

/** Whether `k42 run ARGS` asks for help: --help or -h among its options (before `--`). */
function helpRequested(args: string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case "run":
      return await cmdRun(rest);
    case "rootfs":
      return await rootfsCommand(rest);
    case "--version":
    case "-V":
      process.stdout.write(`k42ts ${k42Version()}\n`);
      return 0;
    case "trace":
      return traceCommand(rest, (t) => process.stdout.write(t), (t) => process.stderr.write(t));
    case "syscalls":
      return syscallsCommand(rest, (t) => process.stdout.write(t), (t) => process.stderr.write(t));
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE + "\n");
      return cmd === undefined ? 2 : 0;
    default:
      fail(`unknown command ${cmd}\n${USAGE}`);
  }
}

process.exitCode = await main(process.argv.slice(2));
