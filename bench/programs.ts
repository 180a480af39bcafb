// `npm run bench -- programs`: real programs of the default root (Debian 12 ppc64el, dynamically
// linked) doing ordinary work — a bash script of sort, grep, sed, tr, uniq, wc, cut, head, tail,
// sha256sum pipelines and a small python step, a few hundred processes in all — under k42ts and
// under qemu-user, as whole processes, alternating run by run; the speed ratio is the median of
// the per-run ratios (qemu's time over k42ts's). Both must print the same.
//
// qemu cannot exec a PowerPC program by itself (no binfmt_misc on CI machines), so it runs
// chrooted in a hard-linked copy of the root whose executables are a host wrapper running qemu
// again (src/linux/testing/qemu-chroot.ts, the same oracle the Debian process tests use).
// k42ts runs `k42 run --root ROOT -- /usr/bin/bash -c SCRIPT`.

import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { ensureDefaultRoot } from "../src/cli/rootfs/default-root.js";
import { qemuRoot } from "../src/linux/testing/qemu-chroot.js";
import { BenchFailure, measure, median, type Measured } from "./measure.js";
import { K42_BIN } from "../src/linux/testing/k42-bin.js";

export interface ProgramsOptions {
  runs: number;
  /** Rounds of the script's loop (14 processes each). */
  rounds: number;
  /** k42ts engines to measure (undefined: k42's default). */
  engines: (string | undefined)[];
}

/** The workload: `rounds` rounds of pipelines over a generated file, then a python summary. */
function script(rounds: number): string {
  return [
    "set -e",
    "W=/tmp/k42-programs; rm -rf $W; mkdir -p $W; cd $W",
    "seq 1 4000 > nums",
    "printf '%s\\n' alpha beta gamma delta epsilon zeta eta theta iota kappa > words",
    `for i in $(seq 1 ${rounds}); do`,
    "  sort -n -r nums | head -n $((i * 10)) | tail -n 5 > top.$i",
    "  grep -c \"$i\" nums >> counts",
    "  sed -e \"s/$((i % 10))/x/g\" nums | grep -v 9 | wc -l >> counts",
    "  sha256sum top.$i | cut -c1-16 >> sums",
    "  tr a-z A-Z < words | sort -r | uniq | head -n $((i % 10 + 1)) | wc -c >> counts",
    "done",
    "python3 -c 'import json; d = [int(l) for l in open(\"counts\")]; print(json.dumps({\"n\": len(d), \"sum\": sum(d), \"max\": max(d)}))'",
    "sort sums | sha256sum | cut -c1-16",
    "wc -l counts sums | tail -n 1",
  ].join("\n");
}

export async function benchPrograms(o: ProgramsOptions): Promise<number> {
  const rootDir = await ensureDefaultRoot();
  const cli = K42_BIN;
  const text = script(o.rounds);
  const q = qemuRoot(rootDir);
  try {
    const qemuCmd = process.getuid?.() === 0
      ? ["chroot", q.root, "/usr/bin/bash", "-c", text]
      : ["unshare", "-rm", "sh", "-c", `touch "$0/dev/null" && mount --bind /dev/null "$0/dev/null" && exec chroot "$0" "$@"`, q.root, "/usr/bin/bash", "-c", text];
    // chroot is in /usr/sbin on the host; the guest finds its commands in /usr/bin either way.
    const env = { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LC_ALL: "C" };
    const runs: { engine: string; k: Measured[]; ratios: number[] }[] = o.engines.map((e) => ({ engine: e ?? "default", k: [], ratios: [] }));
    const qs: Measured[] = [];
    let reference: string | undefined;
    const check = (who: string, m: Measured): void => {
      if (m.status !== 0) throw new BenchFailure(`${who} exited ${m.status}\n${m.stdout}${m.stderr}`);
      reference ??= m.stdout;
      if (m.stdout !== reference) throw new BenchFailure(`${who}: output differs\n--- expected\n${reference}--- got\n${m.stdout}`);
    };
    for (let i = 0; i < o.runs; i++) {
      const ks = o.engines.map((e, k) => {
        const m = measure([process.execPath, cli, "run", "--root", rootDir, ...(e !== undefined ? ["--engine", e] : []), "--", "/usr/bin/bash", "-c", text], env);
        check(`k42ts (${runs[k]!.engine})`, m);
        runs[k]!.k.push(m);
        return m;
      });
      const qm = measure(qemuCmd, env);
      check("qemu", qm);
      qs.push(qm);
      ks.forEach((m, k) => runs[k]!.ratios.push(qm.seconds / m.seconds));
      process.stderr.write(`programs run ${i + 1}/${o.runs}: ${[...ks.map((m, k) => `k42ts(${runs[k]!.engine}) ${m.seconds.toFixed(2)} s`), `qemu ${qm.seconds.toFixed(2)} s`].join(", ")}\n`);
    }
    const qemuVersion = (spawnSync("qemu-ppc64le", ["--version"], { encoding: "utf8" }).stdout ?? "").split("\n")[0] ?? "";
    // seq, bash and python up front and at the end; 14 processes a round (the pipelines above).
    const processes = 8 + o.rounds * 14;
    console.log(`### Real programs (a bash script of ${o.rounds} rounds, ~${processes} processes, default root; medians of ${o.runs} alternating runs)`);
    console.log("");
    console.log(`Host: ${cpus()[0]?.model ?? "unknown CPU"} ×${cpus().length}, Node ${process.version}, ${qemuVersion}. Output: ${(reference ?? "").trim().split("\n").join(" / ")}`);
    console.log("");
    console.log("| k42ts engine | k42ts s | k42ts CPU s | k42ts peak RSS | qemu s | qemu CPU s | speed vs qemu |");
    console.log("|---|---:|---:|---:|---:|---:|---:|");
    for (const r of runs) {
      console.log(`| ${r.engine} | ${median(r.k.map((m) => m.seconds)).toFixed(2)} | ${median(r.k.map((m) => m.cpuSeconds)).toFixed(2)} | ` +
        `${(median(r.k.map((m) => m.maxRssKiB)) / 1024).toFixed(0)} MiB | ${median(qs.map((m) => m.seconds)).toFixed(2)} | ` +
        `${median(qs.map((m) => m.cpuSeconds)).toFixed(2)} | ${median(r.ratios).toFixed(2)}× |`);
    }
    console.log("");
    console.log("Speed vs qemu is qemu's wall time over k42ts's (median of per-run ratios). qemu's time includes a qemu start per" +
      " process (each exec goes through the host wrapper); k42ts's includes Node's start-up once.");
    return 0;
  } finally {
    q.remove();
  }
}
