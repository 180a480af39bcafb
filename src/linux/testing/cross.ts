// Building the project's own guest programs (guest/**.c) with Debian's cross compilers, and
// running them under qemu-user, for the differential tests of the layers above the machine.
// Outputs go to build/guest/<target>/ (never committed) and are rebuilt when the source is newer.

import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve, basename } from "node:path";
import { fileURLToPath } from "node:url";
import { qemuCommand, type Target } from "../../machine/power/difftest/harness.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

export const GCC: Record<Target, string> = {
  ppc64: "powerpc64-linux-gnu-gcc",
  ppc64le: "powerpc64le-linux-gnu-gcc",
  ppc32: "powerpc-linux-gnu-gcc",
};

/** Absolute path of a file in the repository. */
export function repoPath(...parts: string[]): string {
  return join(ROOT, ...parts);
}

/**
 * Compile guest/<rel> for a target (static, -O2 unless flags say otherwise); returns the binary's
 * path. Libraries among the flags (`-lm`, ...) are passed after the source, where the linker
 * needs them. `name` names the binary when one source is built more than one way (default:
 * the source's name).
 */
export function buildGuest(t: Target, rel: string, flags: string[] = ["-O2", "-static"], name?: string): string {
  const src = repoPath("guest", rel);
  const outDir = repoPath("build", "guest", t);
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, name ?? basename(rel).replace(/\.[cS]$/, ""));
  // Which source the binary was built from: two sources of one name in different folders
  // would otherwise take turns overwriting it, and a test would run the other's program.
  const made = `${out}.source`;
  const from = existsSync(made) ? readFileSync(made, "utf8") : undefined;
  if (from !== undefined && from !== rel) throw new Error(`guest/${rel} and guest/${from} both build to ${out}: rename one of them`);
  if (from !== undefined && existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs) return out;
  const libs = flags.filter((f) => f.startsWith("-l"));
  const opts = flags.filter((f) => !f.startsWith("-l"));
  const r = spawnSync(GCC[t], [...opts, "-o", out, src, ...libs], { encoding: "utf8" });
  if (r.error) throw new Error(`${GCC[t]} not runnable: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${GCC[t]} failed:\n${r.stderr}`);
  writeFileSync(made, rel);
  return out;
}

export interface QemuRun {
  stdout: Buffer;
  stderr: Buffer;
  status: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Run a guest binary under qemu-user (the oracle; `qemu` replaces its usual command line).
 *
 * Output goes through files, not pipes: a guest that forks children into sessions of their own
 * (setsid, ptys) leaves them outside the process group GNU timeout kills when qemu 7.2 hangs,
 * and such orphans would hold a pipe open — and this call — for ever. After a run killed at its
 * limit, the qemu processes still running this binary are killed too.
 */
export function runQemu(t: Target, exe: string, args: string[], env: Record<string, string> = {}, qemu: string[] = qemuCommand(t)): QemuRun {
  const [cmd, ...qargs] = qemu;
  const dir = mkdtempSync(join(tmpdir(), "k42-qemu-"));
  const outFile = join(dir, "out"), errFile = join(dir, "err");
  const fo = openSync(outFile, "w"), fe = openSync(errFile, "w");
  try {
    const r = spawnSync(cmd, [...qargs, exe, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", fo, fe] });
    if (r.error) throw new Error(`${cmd} not runnable: ${r.error.message}`);
    if (cmd === "timeout" && (r.status === 124 || r.status === 137 || r.signal === "SIGKILL")) {
      spawnSync("pkill", ["-KILL", "-f", `qemu-[a-z0-9]+ .*${exe.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`]);
    }
    return { stdout: readFileSync(outFile), stderr: readFileSync(errFile), status: r.status, signal: r.signal };
  } finally {
    closeSync(fo);
    closeSync(fe);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * qemu-user 7.2 deadlocks now and then with threads and signals (a forked child of a threaded
 * guest waiting for ever, pthread_kill racing sigsuspend): each run bounded at `limitS` seconds
 * (GNU timeout killing its process group), a hung one made again, at most `tries` runs.
 */
export function runQemuBounded(t: Target, exe: string, args: string[], env: Record<string, string> = {}, limitS = 20, tries = 5): QemuRun {
  for (let i = 1; ; i++) {
    const q = runQemu(t, exe, args, env, ["timeout", "-s", "KILL", String(limitS), ...qemuCommand(t)]);
    const hung = q.status === 124 || q.status === 137 || q.signal === "SIGKILL";
    if (!hung || i >= tries) return q;
  }
}
