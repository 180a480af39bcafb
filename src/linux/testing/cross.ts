// Building the project's own guest programs (guest/**.c) with Debian's cross compilers, and
// running them under qemu-user, for the differential tests of the layers above the machine.
// Outputs go to build/guest/<target>/ (never committed) and are rebuilt when the source is newer.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
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
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs) return out;
  const libs = flags.filter((f) => f.startsWith("-l"));
  const opts = flags.filter((f) => !f.startsWith("-l"));
  const r = spawnSync(GCC[t], [...opts, "-o", out, src, ...libs], { encoding: "utf8" });
  if (r.error) throw new Error(`${GCC[t]} not runnable: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${GCC[t]} failed:\n${r.stderr}`);
  return out;
}

export interface QemuRun {
  stdout: Buffer;
  stderr: Buffer;
  status: number | null;
  signal: NodeJS.Signals | null;
}

/** Run a guest binary under qemu-user (the oracle; `qemu` replaces its usual command line). */
export function runQemu(t: Target, exe: string, args: string[], env: Record<string, string> = {}, qemu: string[] = qemuCommand(t)): QemuRun {
  const [cmd, ...qargs] = qemu;
  const r = spawnSync(cmd, [...qargs, exe, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, maxBuffer: 1 << 28 });
  if (r.error) throw new Error(`${cmd} not runnable: ${r.error.message}`);
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, signal: r.signal };
}
