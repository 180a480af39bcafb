// `npm run bench -- procs`: processes and threads — fork+exit+wait, fork+exec+wait of a small
// static program, a pipe round trip between two processes, a futex ping-pong between two
// threads on two processors, and thread scaling (8 threads summing private arrays on 1, 2, 4
// and 8 processors in the deterministic mode; 2 threads on 1 and 2 processors in the parallel
// mode) — k42ts against qemu-user in the same run (ppc64le, static).
//
// Per-operation host times are differences: the same program with N operations and with none,
// over N (so start-up cancels); best of three. The deterministic mode's own clock (virtual
// time: the cost model's figure) is given beside the host time. Under qemu-user, fork+exec
// execs through the qemu binary (QEMU_WRAP, as the tests do): what a qemu-user process pays.

import { closeSync, openSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { runProgram, runProgramParallel, type RunOptions } from "../src/linux/process.js";

export interface ProcsHooks {
  /** The benchmark program, built for ppc64le (static). */
  build(): string;
  /** A whole qemu-ppc64le process: its wall seconds and stdout. */
  qemu(bin: string, args: string[], env: Record<string, string>): { seconds: number; stdout: string };
}

interface K42Timed {
  seconds: number;
  stdout: string;
}

function k42(bin: string, args: string[], mode: "deterministic" | "parallel", cpus: number): Promise<K42Timed> | K42Timed {
  const image = new Uint8Array(readFileSync(bin));
  const out: Buffer[] = [];
  const opts: RunOptions = {
    argv: ["procs", ...args], env: ["PATH=/bin"], exePath: bin, cpus, memBytes: 512 << 20, seed: 1, epoch: 1_700_000_000,
    volumes: [{ host: dirname(bin), guest: dirname(bin), readonly: true }],
    stdout: (b) => out.push(Buffer.from(b)), stderr: (b) => out.push(Buffer.from(b)),
  };
  const t0 = process.hrtime.bigint();
  const check = (r: { exitCode: number; error?: string; deadlock?: string }, stdout: string): K42Timed => {
    if (r.exitCode !== 0) throw new Error(`procs ${args.join(" ")} under k42ts (${mode}, ${cpus} cpus): exit ${r.exitCode} ${r.error ?? ""} ${r.deadlock ?? ""}\n${stdout}`);
    return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, stdout };
  };
  if (mode === "deterministic") {
    const r = runProgram(image, opts);
    return check(r, Buffer.concat(out).toString());
  }
  // The parallel mode's workers write to host descriptors: its output (not used) goes to /dev/null.
  const { stdout: _o, stderr: _e, ...popts } = opts;
  const fd = openSync("/dev/null", "w");
  return runProgramParallel(image, { ...popts, outputFds: [fd, fd], cpu: 0 }).then((r) => check(r, "")).finally(() => closeSync(fd));
}

/** The guest's own figure: elapsed ns from its output line "mode n ns check". */
const guestNs = (stdout: string): number => Number(stdout.trim().split("\n").pop()?.split(" ")[2] ?? NaN);

const best = async <T extends { seconds: number }>(f: () => T | Promise<T>): Promise<T> => {
  const rs: T[] = [];
  for (let i = 0; i < 3; i++) rs.push(await f());
  return rs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
};

const us = (s: number): string => (s * 1e6).toFixed(1);

export async function benchProcs(h: ProcsHooks): Promise<number> {
  const bin = h.build();
  const wrapEnv = { QEMU_WRAP: "/usr/bin/qemu-ppc64le", QEMU_CPU: "power8" };
  const rows: string[] = [];
  const cases: { label: string; mode: string; n: number; cpus: number; extra?: string[] }[] = [
    { label: "fork + _exit + waitpid", mode: "fork", n: 200, cpus: 1 },
    { label: "fork + exec (static `true`) + waitpid", mode: "exec", n: 40, cpus: 1, extra: [bin] },
    { label: "pipe round trip, two processes", mode: "pipe", n: 2000, cpus: 1 },
    { label: "futex ping-pong, two threads on two processors", mode: "futex", n: 20000, cpus: 2 },
  ];
  for (const c of cases) {
    const args = (n: number): string[] => [c.mode, String(n), ...(c.extra ?? [])];
    let row: string;
    try {
      // Warm k42ts's JIT on a small run first (it runs in this process).
      await k42(bin, args(Math.max(1, c.n / 10)), "deterministic", c.cpus);
      const q0 = await best(() => h.qemu(bin, args(0), wrapEnv)), q1 = await best(() => h.qemu(bin, args(c.n), wrapEnv));
      const k0 = await best(() => k42(bin, args(0), "deterministic", c.cpus)), k1 = await best(() => k42(bin, args(c.n), "deterministic", c.cpus));
      const p0 = await best(() => k42(bin, args(0), "parallel", c.cpus)), p1 = await best(() => k42(bin, args(c.n), "parallel", c.cpus));
      const qOp = (q1.seconds - q0.seconds) / c.n, kOp = (k1.seconds - k0.seconds) / c.n, pOp = (p1.seconds - p0.seconds) / c.n;
      const virt = guestNs(k1.stdout) / c.n / 1e3;
      row = `| ${c.label} | ${us(qOp)} | ${us(kOp)} | ${(kOp / qOp).toFixed(1)}× | ${us(pOp)} | ${(pOp / qOp).toFixed(1)}× | ${virt.toFixed(1)} |`;
    } catch (e) {
      row = `| ${c.label} | — | ${(e as Error).message.split("\n")[0]} | | | | |`;
    }
    process.stderr.write(`${row}\n`);
    rows.push(row);
  }
  console.log("### Processes and threads (npm run bench -- procs)");
  console.log("");
  console.log("ppc64le static; per operation, µs of host time (best of 3, N operations less none, over N); the last column is the deterministic mode's virtual time per operation.");
  console.log("");
  console.log("| operation | qemu-user µs | k42ts deterministic µs | ratio | k42ts parallel µs | ratio | k42ts virtual µs |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) console.log(r);
  console.log("");

  // Thread scaling: 8 threads summing private arrays.
  const size = 200_000;
  const scale: string[] = [];
  let base = 0;
  for (const cpus of [1, 2, 4, 8]) {
    const r = await k42(bin, ["threads", "8", String(size)], "deterministic", cpus);
    const v = guestNs(r.stdout);
    if (cpus === 1) base = v;
    scale.push(`| deterministic, ${cpus} processor${cpus > 1 ? "s" : ""} | 8 | ${(v / 1e6).toFixed(2)} ms virtual | ${(base / v).toFixed(2)}× | ${r.seconds.toFixed(2)} s host |`);
  }
  const par: number[] = [];
  for (const cpus of [1, 2]) {
    const r = await best(() => k42(bin, ["threads", "2", String(size * 4)], "parallel", cpus));
    par.push(r.seconds);
    scale.push(`| parallel, ${cpus} processor${cpus > 1 ? "s" : ""} | 2 | ${r.seconds.toFixed(2)} s wall (whole run) | ${(par[0] / r.seconds).toFixed(2)}× | |`);
  }
  const q1 = await best(() => h.qemu(bin, ["threads", "1", String(size * 4)], {}));
  const q2 = await best(() => h.qemu(bin, ["threads", "2", String(size * 4)], {}));
  scale.push(`| qemu-user, 1 thread | 1 | ${(guestNs(q1.stdout) / 1e6).toFixed(2)} ms | | |`);
  scale.push(`| qemu-user, 2 threads (2 host cores) | 2 | ${(guestNs(q2.stdout) / 1e6).toFixed(2)} ms | | |`);
  console.log("Thread scaling: threads summing private arrays (200,000 longs each, 20 passes; the parallel and qemu runs 800,000).");
  console.log("");
  console.log("| machine | threads | time | speed-up | |");
  console.log("|---|---:|---:|---:|---|");
  for (const r of scale) console.log(r);
  return 0;
}
