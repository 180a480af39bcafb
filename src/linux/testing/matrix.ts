// The differential tests' matrix: a guest program built static or dynamic for a target, and
// run on k42 in the deterministic mode (one processor, one JS thread) or the parallel mode (two
// processors in worker threads, the program on processor 1, its file servers on both: a call
// to a server on processor 0 is a cross-processor PPC). One function runs a program either way
// and hands back its stdout, stderr and exit status as separate strings, for comparison with
// qemu-user's.

import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import assert from "node:assert/strict";
import { join } from "node:path";
import { runProgram, runProgramParallel, type RunOptions } from "../process.js";
import { buildGuest, type QemuRun } from "./cross.js";
import { removeTree } from "./fs-tree.js";
import type { BindMount } from "../../servers/fs/start.js";
import { assertNever } from "../../machine/assert.js";
import type { Target } from "../../machine/power/difftest/harness.js";

export const TARGETS: readonly Target[] = ["ppc64", "ppc64le", "ppc32"];
export const LINKAGES = ["static", "dynamic"] as const;
export type Linkage = (typeof LINKAGES)[number];
export const MODES = ["deterministic", "parallel"] as const;
export type Mode = (typeof MODES)[number];

/** The cross compilers' sysroots: a dynamic program's interpreter and libraries (in lib/). */
export const SYSROOT: Record<Target, string> = { ppc64: "/usr/powerpc64-linux-gnu", ppc64le: "/usr/powerpc64le-linux-gnu", ppc32: "/usr/powerpc-linux-gnu" };

/** guest/<src> built for `t`: static (the default build) or dynamic (binary named `<name>-dyn`). */
export function buildLinked(t: Target, src: string, linkage: Linkage): string {
  if (linkage === "static") return buildGuest(t, src);
  const name = src.replace(/^.*\//, "").replace(/\.c$/, "");
  return buildGuest(t, src, ["-O2"], `${name}-dyn`);
}

/**
 * What a dynamic program needs in its guest root: the sysroot's lib/ (ld.so and libc) mounted
 * read-only at /lib and /lib64, where the ELF interpreters of the three targets point.
 */
export function libVolumes(t: Target, linkage: Linkage): { volumes?: readonly BindMount[] } {
  if (linkage === "static") return {};
  const lib = join(SYSROOT[t], "lib");
  return { volumes: [{ host: lib, guest: "/lib", readonly: true }, { host: lib, guest: "/lib64", readonly: true }] };
}

/** qemu-user's options for the same program: -L for a dynamic one. */
export function qemuLibArgs(t: Target, linkage: Linkage): string[] {
  return linkage === "static" ? [] : ["-L", SYSROOT[t]];
}

export interface K42Run {
  stdout: string;
  stderr: string;
  status: number;
  /** The signal that ended the process, if one did. */
  signal?: number;
  error?: string;
}

/** The options of a run, less those the mode decides (output, machine shape). */
export type MatrixOptions = Omit<RunOptions, "stdout" | "stderr" | "outputFds" | "cpus" | "cpu">;

/**
 * Run a program on k42 in `mode`. Parallel: a machine of `parallelCpus` processors (2 unless
 * said) with the program on processor 1; the workers write its output to host files, read back
 * once the run is over.
 */
export async function runK42In(mode: Mode, image: Uint8Array, opts: MatrixOptions, parallelCpus = 2): Promise<K42Run> {
  switch (mode) {
    case "deterministic": {
      const out: Buffer[] = [], err: Buffer[] = [];
      const r = runProgram(image, { ...opts, stdout: (b) => out.push(Buffer.from(b)), stderr: (b) => err.push(Buffer.from(b)) });
      return withOutcome(Buffer.concat(out).toString(), Buffer.concat(err).toString(), r);
    }
    case "parallel": {
      const dir = mkdtempSync(join(tmpdir(), "k42-par-out-"));
      const outFile = join(dir, "out"), errFile = join(dir, "err");
      const fo = openSync(outFile, "w"), fe = openSync(errFile, "w");
      try {
        const r = await runProgramParallel(image, { ...opts, cpus: parallelCpus, cpu: 1, outputFds: [fo, fe] });
        return withOutcome(readFileSync(outFile, "utf8"), readFileSync(errFile, "utf8"), r);
      } finally {
        closeSync(fo);
        closeSync(fe);
        removeTree(dir);
      }
    }
    default:
      return assertNever(mode, "run mode");
  }
}

function withOutcome(stdout: string, stderr: string, r: { exitCode: number; signal?: number; error?: string }): K42Run {
  return { stdout, stderr, status: r.exitCode, ...(r.signal !== undefined ? { signal: r.signal } : {}), ...(r.error !== undefined ? { error: r.error } : {}) };
}

/** The signal a qemu run died of (0: it exited). */
export const signalOf = (q: QemuRun): number => (q.signal === null ? 0 : constants.signals[q.signal]);

/**
 * k42's run ended as qemu's did: the same exit status, or death by the same signal with Linux's
 * status for it (128 + the signal). `what` names the run in the messages.
 */
export function assertSameEnd(k: K42Run, q: QemuRun, what: string): void {
  const sig = signalOf(q);
  if (sig === 0) {
    assert.equal(k.status, q.status, `${what}: exit status`);
    assert.equal(k.signal, undefined, `${what}: ${k.error}`);
  } else {
    assert.equal(k.signal, sig, `${what}: qemu died of ${q.signal}, k42ts: ${k.error ?? `exit ${k.status}`}`);
    assert.equal(k.status, 128 + sig, `${what}: the exit status of a death by signal`);
  }
}
