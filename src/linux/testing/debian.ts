// Debian roots for the tests, built by `k42 rootfs` (src/cli/rootfs: a private apt state,
// dependencies resolved, merged /usr, ld.so.cache, byte-compiled Python) into one root under
// build/rootfs/ that every test file shares: packages are added to it as tests ask for them,
// the downloads are kept in build/rootfs/apt, and builds from test files running at once wait
// for each other. Nothing here is committed. (A child process runs the command: the tests are
// synchronous, and the test helpers do not import the cli layer.)

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoPath } from "./cross.js";
import { K42_BIN } from "./k42-bin.js";

const CLI = K42_BIN;

/** The shared test root (bookworm, ppc64el). */
export function testRootPath(): string {
  return repoPath("build", "rootfs", "bookworm-ppc64el");
}

function installed(root: string): Set<string> {
  const f = join(root, "var", "lib", "k42", "rootfs.json");
  if (!existsSync(f)) return new Set();
  try {
    return new Set(Object.keys((JSON.parse(readFileSync(f, "utf8")) as { packages?: Record<string, unknown> }).packages ?? {}));
  } catch {
    return new Set();
  }
}

function build(args: string[]): string {
  const root = testRootPath();
  const r = spawnSync(process.execPath, [CLI, "rootfs", "--cache", repoPath("build", "rootfs", "apt"), ...args, root], { encoding: "utf8" });
  if (r.error) throw new Error(`k42 rootfs not runnable: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`k42 rootfs ${args.join(" ")} failed (exit ${r.status}):\n${r.stderr.trim().split("\n").slice(-8).join("\n")}`);
  return root;
}

/**
 * The shared root with at least `packages` (and their dependencies) unpacked; returns its path.
 * Only ppc64el exists in bookworm's main archive (ppc64 and powerpc are debian-ports
 * architectures); tests for those use the cross sysroots. Throws with the command's words when
 * a package cannot be had.
 */
export function debianRoot(arch: string, packages: string[]): string {
  if (arch !== "ppc64el") throw new Error(`debianRoot: only ppc64el roots can be built (asked for ${arch})`);
  const have = installed(testRootPath());
  if (packages.every((p) => have.has(p))) return testRootPath();
  return build(["--packages", ...packages]);
}

/** The shared root with the default package set of `k42 run` (DEFAULT_PACKAGES in
 *  src/cli/rootfs/default-root.ts): bash, coreutils, python3.11, sqlite3, lua5.4, ... */
export function debianDefaultRoot(): string {
  // The command knows the default set, and returns at once when the root has all of it.
  return build([]);
}
