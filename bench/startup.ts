// `npm run bench -- startup`: how long a program takes to start and end, on the default root
// (Debian 12 ppc64el, built on first use), under k42ts and under qemu-user in the same run.
//
// Each program runs as a whole process, as a user runs it: `k42 run ...` (Node's start-up,
// loading k42ts, booting the machine, the program) against `qemu-ppc64le -L ROOT ...`. The two
// alternate (k42ts, qemu, k42ts, qemu, ...) and the ratio is taken pair by pair, so that the
// machine's drift during the run hits both alike; the table gives medians. k42ts's in-process
// time (runProgram after a warm-up, without Node's start-up) is given too where it can run.
//
// A program k42ts cannot run yet (today: anything dynamically linked, until the Linux
// personality loads ld.so) is reported as such, with k42's own one-line reason, and the
// benchmark goes on.

import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { runProgram } from "../src/linux/process.js";
import { ensureDefaultRoot } from "../src/cli/rootfs/default-root.js";
import { readState } from "../src/cli/rootfs/state.js";
import { K42_BIN } from "../src/linux/testing/k42-bin.js";

export interface StartupOptions {
  /** Timed pairs per program. */
  runs: number;
}

interface Case {
  label: string;
  /** The program, a path in the root, and its arguments. */
  prog: string;
  args: string[];
  /** Extra environment for both emulators. */
  env?: Record<string, string>;
}

const CASES: Case[] = [
  { label: "`busybox true` (busybox-static)", prog: "/usr/bin/busybox", args: ["true"] },
  { label: "`python3 -c pass`", prog: "/usr/bin/python3", args: ["-c", "pass"] },
  { label: "`python3 -c 'import json, re, hashlib, datetime'`", prog: "/usr/bin/python3", args: ["-c", "import json, re, hashlib, datetime"] },
  // The same without the root's .pyc files (python looks for them under an empty prefix and
  // writes none): what byte-compiling the root saves.
  {
    label: "the same, without .pyc files", prog: "/usr/bin/python3", args: ["-c", "import json, re, hashlib, datetime"],
    env: { PYTHONPYCACHEPREFIX: "/nonexistent/k42-bench-no-pyc", PYTHONDONTWRITEBYTECODE: "1" },
  },
];

interface Timed { seconds: number; cpu: number; status: number | null; stderr: string }

/** One whole-process run: wall time around it, and its CPU time (user + system, the kernel's
 *  accounting of the finished child, read with bash's `times`). The command's standard output
 *  is discarded; its standard error is kept for messages. */
function timed(cmd: string[], env: Record<string, string> = {}): Timed {
  const script = 'exec 3>&1; "$@" 2>&3 >/dev/null 3>&-; s=$?; times >&2; exit $s';
  const t0 = process.hrtime.bigint();
  const r = spawnSync("bash", ["-c", script, "bash", ...cmd], { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) throw new Error(`cannot run bash: ${r.error.message}`);
  // `times`: the shell's own user and system time, then its children's ("0m0.786s 0m0.216s")
  const children = r.stderr.trim().split("\n").pop() ?? "";
  const cpu = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((a, m) => a + Number(m[1]) * 60 + Number(m[2]), 0);
  return { seconds, cpu, status: r.status, stderr: r.stdout };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The k42 command line for a program of the root: with `--root` once `k42 run` has it,
 *  the program's host path (the runner's host-file way) until then. */
function k42Command(cli: string, rootDir: string, c: Case): string[] {
  const help = spawnSync(process.execPath, [cli, "run", "--help"], { encoding: "utf8" }).stdout;
  return /--root\b/.test(help)
    ? [process.execPath, cli, "run", "--root", rootDir, "--", c.prog, ...c.args]
    : [process.execPath, cli, "run", "--", join(rootDir, c.prog), ...c.args];
}

/** runProgram's time for a static program after a warm-up run (no Node start-up), or the
 *  reason it cannot run. */
function inProcess(rootDir: string, c: Case): number | string {
  const image = new Uint8Array(readFileSync(join(rootDir, c.prog)));
  const once = (): number | string => {
    const t0 = process.hrtime.bigint();
    try {
      const r = runProgram(image, { argv: [c.prog.split("/").pop()!, ...c.args], env: ["PATH=/usr/bin:/bin"], exePath: join(rootDir, c.prog), stdout: () => {}, stderr: () => {} });
      if (r.error !== undefined || r.exitCode !== 0) return r.error ?? `exit ${r.exitCode}`;
    } catch (e) {
      return (e as Error).message.split("\n")[0];
    }
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  const warm = once();
  if (typeof warm === "string") return warm;
  const xs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = once();
    if (typeof t === "string") return t;
    xs.push(t);
  }
  return median(xs);
}

interface Row {
  label: string;
  qemu: number;
  k42?: number;
  ratio?: number;
  qemuCpu?: number;
  k42Cpu?: number;
  cpuRatio?: number;
  inProcess?: number;
  note?: string;
}

export async function benchStartup(opts: StartupOptions): Promise<number> {
  const rootDir = await ensureDefaultRoot();
  const cli = K42_BIN;
  const qemuVersion = (spawnSync("qemu-ppc64le", ["--version"], { encoding: "utf8" }).stdout ?? "").split("\n")[0];
  const rows: Row[] = [];
  for (const c of CASES) {
    const qemuCmd = ["qemu-ppc64le", "-L", rootDir, join(rootDir, c.prog), ...c.args];
    const k42Cmd = k42Command(cli, rootDir, c);
    const q0 = timed(qemuCmd, c.env);
    if (q0.status !== 0) throw new Error(`${c.label} under qemu exited ${q0.status}: ${q0.stderr}`);
    const k0 = timed(k42Cmd, c.env);
    const row: Row = { label: c.label, qemu: 0 };
    if (k0.status !== 0) {
      // Not a benchmark failure: k42ts cannot run this program yet. Time qemu alone.
      // k42's one-line reason, without the program's path ("k42: PATH: reason")
      const line = k0.stderr.trim().split("\n").find((l) => l.startsWith("k42")) ?? `exit status ${k0.status}`;
      row.note = `k42 cannot run this yet: ${line.split(": ").pop()!.replace(/; link with -static$/, "")}`;
      const qr = Array.from({ length: opts.runs }, () => timed(qemuCmd, c.env));
      row.qemu = median(qr.map((r) => r.seconds));
      row.qemuCpu = median(qr.map((r) => r.cpu));
      process.stderr.write(`${c.label}: qemu ${row.qemu.toFixed(3)} s; ${row.note}\n`);
      rows.push(row);
      continue;
    }
    const qs: Timed[] = [], ks: Timed[] = [];
    for (let i = 0; i < opts.runs; i++) {
      const k = timed(k42Cmd, c.env), q = timed(qemuCmd, c.env);
      if (k.status !== 0 || q.status !== 0) throw new Error(`${c.label}: k42 exited ${k.status}, qemu ${q.status}\n${k.stderr}${q.stderr}`);
      ks.push(k);
      qs.push(q);
    }
    row.qemu = median(qs.map((r) => r.seconds));
    row.k42 = median(ks.map((r) => r.seconds));
    row.ratio = median(ks.map((k, i) => k.seconds / qs[i].seconds));
    row.qemuCpu = median(qs.map((r) => r.cpu));
    row.k42Cpu = median(ks.map((r) => r.cpu));
    row.cpuRatio = median(ks.map((k, i) => k.cpu / Math.max(1e-3, qs[i].cpu)));
    const ip = inProcess(rootDir, c);
    if (typeof ip === "number") row.inProcess = ip;
    process.stderr.write(`${c.label}: k42ts ${row.k42.toFixed(3)} s, qemu ${row.qemu.toFixed(3)} s, ratio ${row.ratio.toFixed(1)}×\n`);
    rows.push(row);
  }
  // For scale: what Node itself costs to start and end.
  const nodeRuns = Array.from({ length: opts.runs }, () => timed([process.execPath, "-e", "0"]));
  const node = { wall: median(nodeRuns.map((r) => r.seconds)), cpu: median(nodeRuns.map((r) => r.cpu)) };

  const state = readState(rootDir);
  const fmt = (s: number | undefined): string => (s === undefined ? "—" : s.toFixed(3));
  console.log("### Start-up benchmark (npm run bench -- startup)");
  console.log("");
  console.log(`Host: ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}, ${qemuVersion}. ` +
    `Default root: Debian 12 ppc64el, ${state === undefined ? "?" : Object.keys(state.packages).length} packages, python3 ${state?.packages["python3.11"]?.version ?? "?"} with its standard library byte-compiled.`);
  console.log("");
  const ratio = (x: number | undefined): string => (x === undefined ? "—" : `${x.toFixed(1)}×`);
  console.log("| program | qemu-user wall s | k42ts wall s | k42ts/qemu wall | qemu-user CPU s | k42ts CPU s | k42ts/qemu CPU | k42ts in-process s |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    const k42 = r.note !== undefined ? `${r.note} | — | ${fmt(r.qemuCpu)} | — | —` : `${fmt(r.k42)} | ${ratio(r.ratio)} | ${fmt(r.qemuCpu)} | ${fmt(r.k42Cpu)} | ${ratio(r.cpuRatio)}`;
    console.log(`| ${r.label} | ${fmt(r.qemu)} | ${k42} | ${fmt(r.inProcess)} |`);
  }
  console.log("");
  console.log(`Whole processes, medians of ${opts.runs} runs after a warm-up; k42ts and qemu alternate and each ratio is the median of` +
    " the pairs' ratios. CPU is user + system time of the finished process (steadier than wall time on a busy machine). k42ts's" +
    ` figures include Node's own start-up (\`node -e 0\`: ${node.wall.toFixed(3)} s wall, ${node.cpu.toFixed(3)} s CPU here) and loading` +
    " k42ts; the in-process column is runProgram alone (static programs, after a warm-up run).");
  return 0;
}
