// qemu-ppc64le as the oracle for Debian programs that run other programs (shells, Python's
// subprocess): a hard-linked copy of a ppc64el root in which qemu runs chrooted, with every
// PowerPC executable of usr/bin and usr/sbin moved under /.ppc and replaced by a host program
// (qemu-wrap.c) that runs qemu on it. Without binfmt_misc (CI containers have none) the host
// kernel cannot exec a PowerPC file, so this is how an exec inside the guest reaches qemu again.
//
// The copy also gets /dev/null (bash redirects a background job's input from it): a device node
// when the tests run as root (CI does), else a bind mount inside `unshare -rm`.
//
// k42 is given the original root (whose files the copy's hard links share), not the copy.

import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, openSync, readSync, closeSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { repoPath } from "./cross.js";

const QEMU_STATIC = "/usr/bin/qemu-ppc64le-static";
const WRAP_SRC = repoPath("src", "linux", "testing", "qemu-wrap.c");

/** The host wrapper, built with the host's gcc when its source is newer. */
function wrapper(): string {
  const out = repoPath("build", "host", "qemu-wrap");
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(WRAP_SRC).mtimeMs) return out;
  mkdirSync(dirname(out), { recursive: true });
  const r = spawnSync("gcc", ["-O2", "-static", "-o", out, WRAP_SRC], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`gcc qemu-wrap.c: ${r.error?.message ?? r.stderr}`);
  return out;
}

function isElf(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 0) === 4 && b.toString("latin1") === "\x7fELF";
  } finally {
    closeSync(fd);
  }
}

export interface QemuRoot {
  /** The copy's path (qemu's chroot). */
  readonly root: string;
  /** Remove the copy. */
  remove(): void;
}

/** A copy of `root` prepared for qemu (see above), with an empty /data folder. */
export function qemuRoot(root: string): QemuRoot {
  const dir = mkdtempSync(join(tmpdir(), "k42-qroot-"));
  const copy = join(dir, "root");
  const cp = spawnSync("cp", ["-al", root, copy], { encoding: "utf8" });
  if (cp.status !== 0) throw new Error(`cp -al ${root}: ${cp.stderr}`);
  copyFileSync(QEMU_STATIC, join(copy, "qemu-ppc64le-static"));
  chmodSync(join(copy, "qemu-ppc64le-static"), 0o755);
  const wrap = wrapper();
  for (const d of ["usr/bin", "usr/sbin"]) {
    mkdirSync(join(copy, ".ppc", d), { recursive: true });
    for (const name of readdirSync(join(copy, d))) {
      const path = join(copy, d, name);
      if (!lstatSync(path).isFile() || !isElf(path)) continue;
      // A rename in the copy, and a new link in its place: the original root is untouched.
      renameSync(path, join(copy, ".ppc", d, name));
      linkSync(wrap, path);
    }
  }
  mkdirSync(join(copy, "data"), { recursive: true });
  if (process.getuid?.() === 0) {
    const r = spawnSync("mknod", ["-m", "666", join(copy, "dev", "null"), "c", "1", "3"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`mknod /dev/null: ${r.stderr}`);
  }
  return { root: copy, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface QemuOut { stdout: string; stderr: string; status: number | null }

/** Run `prog args` (paths inside the copy) under qemu chrooted in `q`, with `env`, from `/`. */
export function runQemuChroot(q: QemuRoot, prog: string, args: string[], env: readonly string[]): QemuOut {
  const envObj = Object.fromEntries(env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
  const asRoot = process.getuid?.() === 0;
  // As root: chroot straight away. Otherwise a user and mount namespace, where /dev/null is
  // bind-mounted into the copy before the chroot.
  const cmd = asRoot
    ? ["chroot", q.root, prog, ...args]
    : ["unshare", "-rm", "sh", "-c", `touch "$0/dev/null" && mount --bind /dev/null "$0/dev/null" && exec chroot "$0" "$@"`, q.root, prog, ...args];
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: "utf8", cwd: "/", maxBuffer: 1 << 26, env: envObj, timeout: 120_000, killSignal: "SIGKILL" });
  if (r.error !== undefined) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}
