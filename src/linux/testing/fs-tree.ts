// Test trees for the file-system guest programs: the same small tree made twice in fresh host
// temporary directories (one is k42's guest root, the other qemu-user's working directory),
// qemu-user run with its working directory there, and a hash of a whole host tree (names,
// types, modes, link targets, contents) to prove a run left it unchanged.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { qemuCommand, type Target } from "../../machine/power/difftest/harness.js";

/** The tree every file-system program starts from (paths relative to its root). */
export function makeTree(dir: string): void {
  mkdirSync(join(dir, "data", "sub"), { recursive: true });
  mkdirSync(join(dir, "empty"));
  writeFileSync(join(dir, "data", "hello.txt"), "hello, world\n");
  writeFileSync(join(dir, "data", "sub", "deep.txt"), "deep\n");
  symlinkSync("hello.txt", join(dir, "data", "link"));
  symlinkSync("sub", join(dir, "data", "dir-link"));
}

/** A fresh temporary directory holding the test tree. */
export function freshTree(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `k42-${prefix}-`));
  makeTree(dir);
  return dir;
}

export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface HostRun {
  stdout: string;
  stderr: string;
  status: number | null;
  signal: NodeJS.Signals | null;
}

/** Run a guest under qemu-user with working directory `cwd` (qemu sees the host's files); `sysroot`: -L for a dynamic program. */
export function runQemuIn(t: Target, exe: string, args: string[], cwd: string, sysroot?: string): HostRun {
  const [cmd, ...rest] = qemuCommand(t);
  const qargs = sysroot === undefined ? rest : [...rest, "-L", sysroot];
  const r = spawnSync(cmd, [...qargs, exe, ...args], { cwd, env: { PATH: process.env.PATH ?? "" }, maxBuffer: 1 << 26, input: "" });
  if (r.error) throw new Error(`${cmd} not runnable: ${r.error.message}`);
  return { stdout: r.stdout.toString(), stderr: r.stderr.toString(), status: r.status, signal: r.signal };
}

/** A digest of everything a guest could change in a host tree (never following symlinks). */
export function hashTree(dir: string): string {
  const h = createHash("sha256");
  const walk = (rel: string): void => {
    const p = join(dir, rel);
    const st = lstatSync(p);
    h.update(`${rel}\0${st.mode.toString(8)}\0${st.uid}:${st.gid}\0${st.mtimeMs}\0`);
    if (st.isSymbolicLink()) h.update(`-> ${readlinkSync(p)}\0`);
    else if (st.isFile()) h.update(readFileSync(p));
    else if (st.isDirectory()) for (const n of readdirSync(p).sort()) walk(join(rel, n));
  };
  walk(".");
  return h.digest("hex");
}
