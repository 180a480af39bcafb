// `npm run bench -- cpu`: bench/cpu/bench.c (integer hashing, sorting, floating point, strings)
// under k42ts and under qemu-user, as whole processes, in the same run.
//
// Two cases per target: the whole program (all four phases, scale 10 by default) and the FP
// phase alone at a larger scale (`--fp-scale`, default 100: about 250 M guest instructions, so
// that k42ts's start-up of ~0.3 s is a small part of it). Each measurement alternates k42ts
// (once per engine asked for) and qemu, run after run, and the speed ratio — qemu's time over
// k42ts's, so 0.5× is half of qemu's speed — is the median of the per-run ratios: the machine's
// drift during the benchmark hits both alike. Every output must equal the reference (the native
// build's output when a host gcc exists, else qemu's first), or the benchmark fails.
//
// k42ts runs as `node dist/k42.mjs run --stats [--engine E] -- BIN ARGS`: its guest
// instruction count and the translator's statistics come from --stats on stderr. Peak RSS is
// each process's own (wait4's ru_maxrss, bench/measure.ts).

import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { BenchFailure, measure, median, type Measured } from "./measure.js";
import { K42_BIN } from "../src/linux/testing/k42-bin.js";

export interface CpuTarget {
  name: string;
  qemu: string[];
}

export interface CpuOptions {
  /** Repository root (bench/cpu/bench.c). */
  root: string;
  targets: CpuTarget[];
  /** The target's static binary of bench.c (built on demand by the caller). */
  binary(t: CpuTarget): string;
  /** The host's native build of bench.c, if a host compiler exists (the reference output). */
  native: string | undefined;
  scale: number | undefined;
  fpScale: number;
  runs: number;
  /** k42ts engines to measure (undefined: k42's default, no --engine flag). */
  engines: (string | undefined)[];
  qemuOnly: boolean;
}

interface EngineResult {
  engine: string;
  runs: Measured[];
  ratios: number[];
  instructions: number | undefined;
  /** The translator's --stats lines of the last run. */
  stats: string[];
}

interface CaseRow {
  target: string;
  label: string;
  qemu: Measured[];
  engines: EngineResult[];
}

function log(s: string): void {
  process.stderr.write(`${s}\n`);
}

function fail(what: string, m: Measured): never {
  throw new BenchFailure(`${what} exited ${m.status}\n${m.stdout}${m.stderr}`);
}

export function benchCpu(o: CpuOptions): number {
  const k42 = K42_BIN;
  const cases: { label: string; args: string[] }[] = [
    { label: `whole program (scale ${o.scale ?? 10})`, args: o.scale !== undefined ? [String(o.scale)] : [] },
    { label: `FP phase alone (scale ${o.fpScale})`, args: [String(o.fpScale), "fp"] },
  ];
  const rows: CaseRow[] = [];
  for (const c of cases) {
    let reference: string | undefined;
    if (o.native !== undefined) {
      const n = measure([o.native, ...c.args]);
      if (n.status !== 0) fail("the native build", n);
      reference = n.stdout;
      log(`${c.label}: native ${n.seconds.toFixed(3)} s`);
    }
    for (const t of o.targets) {
      const bin = o.binary(t);
      const row: CaseRow = { target: t.name, label: c.label, qemu: [], engines: [] };
      if (!o.qemuOnly) for (const e of o.engines) row.engines.push({ engine: e ?? "default", runs: [], ratios: [], instructions: undefined, stats: [] });
      for (let i = 0; i < o.runs; i++) {
        const ks: Measured[] = [];
        if (!o.qemuOnly) {
          for (let k = 0; k < o.engines.length; k++) {
            const e = o.engines[k];
            const m = measure([process.execPath, k42, "run", "--stats", ...(e !== undefined ? ["--engine", e] : []), "--", bin, ...c.args]);
            if (m.status !== 0) fail(`${t.name} under k42ts${e !== undefined ? ` (--engine ${e})` : ""}`, m);
            reference ??= m.stdout;
            if (m.stdout !== reference) throw new BenchFailure(`${t.name} under k42ts: output differs from the reference\n--- expected\n${reference}--- got\n${m.stdout}`);
            const r = row.engines[k]!;
            const n = /k42: (\d+) guest instructions/.exec(m.stderr);
            if (n !== null) r.instructions = Number(n[1]);
            r.stats = m.stderr.split("\n").filter((l) => /^k42: (translator|wasm)/.test(l));
            r.runs.push(m);
            ks.push(m);
          }
        }
        const q = measure([...t.qemu, bin, ...c.args]);
        if (q.status !== 0) fail(`${t.name} under qemu`, q);
        reference ??= q.stdout;
        if (q.stdout !== reference) throw new BenchFailure(`${t.name} under qemu: output differs from the reference\n--- expected\n${reference}--- got\n${q.stdout}`);
        row.qemu.push(q);
        ks.forEach((m, k) => row.engines[k]!.ratios.push(q.seconds / m.seconds));
        log(`${t.name} ${c.label} run ${i + 1}/${o.runs}: ` +
          [...row.engines.map((r, k) => `k42ts(${r.engine}) ${ks[k]!.seconds.toFixed(3)} s`), `qemu ${q.seconds.toFixed(3)} s`].join(", "));
      }
      rows.push(row);
    }
  }
  print(rows, o);
  return 0;
}

function print(rows: CaseRow[], o: CpuOptions): void {
  const qemuVersion = (spawnSync("qemu-ppc64", ["--version"], { encoding: "utf8" }).stdout ?? "").split("\n")[0] ?? "";
  const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;
  const mips = (n: number | undefined, s: number): string => (n === undefined ? "—" : (n / s / 1e6).toFixed(0));
  console.log(`### CPU benchmark (bench/cpu/bench.c; whole processes, medians of ${o.runs} alternating runs)`);
  console.log("");
  console.log(`Host: ${cpus()[0]?.model ?? "unknown CPU"} ×${cpus().length}, Node ${process.version}, ${qemuVersion}.`);
  console.log("");
  console.log("| target | case | k42ts engine | guest instructions | k42ts s | k42ts MIPS | k42ts peak RSS | qemu s | qemu MIPS | qemu peak RSS | speed vs qemu |");
  console.log("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    const qs = median(r.qemu.map((m) => m.seconds));
    const qr = median(r.qemu.map((m) => m.maxRssKiB));
    if (r.engines.length === 0) {
      console.log(`| ${r.target} | ${r.label} | — | — | — | — | — | ${qs.toFixed(3)} | — | ${mib(qr)} | — |`);
      continue;
    }
    for (const e of r.engines) {
      const ks = median(e.runs.map((m) => m.seconds));
      const kr = median(e.runs.map((m) => m.maxRssKiB));
      const inst = e.instructions !== undefined ? e.instructions.toLocaleString("en-US") : "—";
      console.log(`| ${r.target} | ${r.label} | ${e.engine} | ${inst} | ${ks.toFixed(3)} | ${mips(e.instructions, ks)} | ${mib(kr)} | ` +
        `${qs.toFixed(3)} | ${mips(e.instructions, qs)} | ${mib(qr)} | ${median(e.ratios).toFixed(2)}× |`);
    }
  }
  console.log("");
  console.log("Speed vs qemu is qemu's wall time over k42ts's (median of the per-run ratios; 1× = as fast as qemu-user)." +
    " qemu MIPS divides k42ts's exact guest instruction count by qemu's time (the program is deterministic and both run" +
    " the same library code: qemu runs as the CPU model whose AT_HWCAP matches k42ts's, power8 / 7400)." +
    " Both are timed as whole processes from fork to exit: k42ts's includes Node's start-up and loading k42ts (~0.3 s).");
  const stats = rows.flatMap((r) => r.engines.filter((e) => e.stats.length > 0).map((e) => `- ${r.target}, ${r.label}, ${e.engine}: ${e.stats.map((s) => s.replace(/^k42: /, "")).join("; ")}`));
  if (stats.length > 0) {
    console.log("");
    console.log("Translator statistics (`--stats`, last run):");
    for (const s of stats) console.log(s);
  }
}
