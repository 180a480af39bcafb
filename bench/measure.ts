// Whole-process measurement for the benchmarks: wall time and peak resident memory of one
// command, as a user would see them. The command runs under a small python3 driver that waits
// for it with wait4(2), whose rusage gives the child's own peak RSS (ru_maxrss) — Node's
// spawnSync reports neither the child's memory nor its CPU time.

import { spawnSync } from "node:child_process";

/** A benchmark that cannot go on (a program failed or printed something else): one message, no stack. */
export class BenchFailure extends Error {}

export interface Measured {
  /** Wall-clock seconds from fork to exit. */
  seconds: number;
  /** Peak resident set of the process (KiB), or of its largest descendant for a shell. */
  maxRssKiB: number;
  /** CPU seconds (user + system) of the process and its waited-for descendants. */
  cpuSeconds: number;
  /** Exit status, or 128 + signal. */
  status: number;
  stdout: string;
  stderr: string;
}

const DRIVER = String.raw`
import os, sys, time, json
r, w = os.pipe()
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    except OSError as e:
        sys.stderr.write("cannot run %s: %s\n" % (sys.argv[1], e.strerror)); os._exit(127)
_, st, ru = os.wait4(pid, 0)
t = time.monotonic() - t0
status = os.waitstatus_to_exitcode(st)
if status < 0: status = 128 - status
sys.stderr.write("\n@@measure " + json.dumps({"seconds": t, "maxrss": ru.ru_maxrss, "cpu": ru.ru_utime + ru.ru_stime, "status": status}) + "\n")
`;

/** Run `cmd` (argv) to its end, measuring it; stdout/stderr are captured. */
export function measure(cmd: readonly string[], env: Record<string, string> = {}): Measured {
  const r = spawnSync("python3", ["-c", DRIVER, ...cmd], {
    encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1 << 26,
  });
  if (r.error) throw new Error(`cannot run python3 (needed to measure ${cmd[0]}): ${r.error.message}`);
  const at = r.stderr.lastIndexOf("\n@@measure ");
  if (at < 0) throw new Error(`measuring ${cmd.join(" ")}: the driver did not report (${r.stderr.trim().split("\n").pop() ?? ""})`);
  const m = JSON.parse(r.stderr.slice(at + "\n@@measure ".length)) as { seconds: number; maxrss: number; cpu: number; status: number };
  return { seconds: m.seconds, maxRssKiB: m.maxrss, cpuSeconds: m.cpu, status: m.status, stdout: r.stdout, stderr: r.stderr.slice(0, at) };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
