// The default root of `k42 run`: Debian 12 (bookworm) ppc64el with a shell, the core
// utilities, Python, SQLite and Lua, built on first use in the user's cache directory.

import { existsSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ARCH, buildRoot, RELEASE, type BuildResult } from "./build.js";
import { stderrProgress, type Progress } from "./progress.js";
import { readState } from "./state.js";

/**
 * What the default root holds (with their dependencies). Besides the programs the README
 * shows, the Essential packages these programs need at run time are named here because
 * Debian packages never declare a dependency on them: dash (/bin/sh, for system() and
 * subprocess), findutils, grep and sed (for scripts), base-files (/etc/os-release, profile),
 * base-passwd (/etc/passwd), libc-bin (ldd, getconf, locale). busybox is the static build,
 * which runs without a dynamic loader.
 */
export const DEFAULT_PACKAGES: readonly string[] = [
  "base-files", "base-passwd", "bash", "dash", "coreutils", "findutils", "grep", "sed", "libc-bin",
  "busybox-static", "python3", "python3.11", "sqlite3", "lua5.4",
];

/** The per-user cache directory of k42ts ($XDG_CACHE_HOME/k42ts, or ~/.cache/k42ts). */
export function cacheHome(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg !== undefined && xdg.startsWith("/") ? xdg : join(homedir(), ".cache"), "k42ts");
}

/** Where the default root lives, and the apt state and downloads it is built from. */
export function defaultRootPaths(base = cacheHome()): { root: string; cacheDir: string } {
  return { root: join(base, `root-${RELEASE}-${ARCH}`), cacheDir: join(base, `apt-${RELEASE}-${ARCH}`) };
}

/** Whether `root` is a finished build holding every default package. */
export function isCompleteDefaultRoot(root: string): boolean {
  const s = readState(root);
  return s !== undefined && DEFAULT_PACKAGES.every((p) => s.packages[p] !== undefined);
}

/**
 * The default root's path, building it first if it is missing or was not finished (its state
 * file is written last; an interrupted build is thrown away and done again). Progress goes to
 * standard error unless `progress` says otherwise. `onBuilt` receives the build's report when
 * a build happened.
 */
export async function ensureDefaultRoot(progress: Progress = stderrProgress(), onBuilt?: (r: BuildResult) => void): Promise<string> {
  const { root, cacheDir } = defaultRootPaths();
  if (isCompleteDefaultRoot(root)) return root;
  if (existsSync(root) && readState(root) === undefined) rmSync(root, { recursive: true, force: true });
  const r = await buildRoot({ root, packages: [...DEFAULT_PACKAGES], cacheDir, progress });
  onBuilt?.(r);
  return root;
}
