// `k42 rootfs`: build a Debian root (or the default root of `k42 run`) from the command line.

import { existsSync, rmSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { AptError } from "./apt.js";
import { buildRoot, RootfsError, type BuildResult } from "./build.js";
import { ResolveError } from "./resolve.js";
import { DEFAULT_PACKAGES, defaultRootPaths } from "./default-root.js";
import { formatBytes, silentProgress, stderrProgress } from "./progress.js";
import { readState } from "./state.js";
import { UnpackError } from "./unpack.js";

export const ROOTFS_USAGE = `usage: k42 rootfs [--packages P...] [--cache DIR] [--quiet] [DIR]
Builds a Debian 12 (bookworm) ppc64el root in DIR: the packages and what they depend on are
fetched with apt-get download through a private apt state (the host's apt sources, never its
package state), unpacked with merged /usr, given what their maintainer scripts would have done
(users, alternatives, /etc/hostname k42, ...), an /etc/ld.so.cache, and byte-compiled Python
modules. A root built before gets the packages added. Prints the root's path.
Without DIR: the default root of \`k42 run\` (in $XDG_CACHE_HOME/k42ts, ~/.cache/k42ts if unset).
Without --packages: the default set, ${DEFAULT_PACKAGES.join(" ")}.
  --packages P...  package names (spaces or commas between them); the list ends at the next
                   option or at a word with a "/" in it (write DIR as ./name after --packages)
  --cache DIR      the apt state and the downloaded .deb files (default: beside the default root)
  --quiet          no progress output`;

function usageError(msg: string): number {
  process.stderr.write(`k42 rootfs: ${msg}\n${ROOTFS_USAGE}\n`);
  return 2;
}

function report(r: BuildResult): string {
  const s = r.seconds;
  const pyc = r.pyc.versions.map((v) => (v.skipped !== undefined ? `python${v.version}: not compiled` : `${v.compiled} .pyc for python${v.version}`)).join(", ");
  return `k42 rootfs: ${r.root}: ${r.packages.length} packages (${r.added.length} added, ${formatBytes(r.downloadBytes)} downloaded), ` +
    `${r.ldCacheEntries} libraries in ld.so.cache${pyc !== "" ? `, ${pyc}` : ""}; ` +
    `${s.total.toFixed(1)} s (index ${s.index.toFixed(1)}, download ${s.download.toFixed(1)}, unpack ${s.unpack.toFixed(1)}, ` +
    `configure ${s.configure.toFixed(1)}, byte-compile ${s.pyc.toFixed(1)})\n`;
}

export async function rootfsCommand(args: string[]): Promise<number> {
  const packages: string[] = [];
  let dir: string | undefined, cache: string | undefined;
  let quiet = false, listing = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--help" || a === "-h") {
      process.stdout.write(ROOTFS_USAGE + "\n");
      return 0;
    }
    if (a === "--packages") { listing = true; continue; }
    if (a === "--quiet") { quiet = true; listing = false; continue; }
    if (a === "--cache") {
      cache = args[++i];
      if (cache === undefined || cache === "") return usageError("--cache needs a directory");
      listing = false;
      continue;
    }
    if (a.startsWith("-")) return usageError(`unknown option ${a}`);
    if (listing && !a.includes("/")) {
      packages.push(...a.split(",").filter((s) => s !== ""));
      continue;
    }
    if (dir !== undefined) return usageError(`more than one DIR (${dir}, ${a})`);
    dir = a;
    listing = false;
  }
  if (packages.some((p) => !/^[a-z0-9][a-z0-9+.-]+$/.test(p))) return usageError(`not a Debian package name: ${packages.find((p) => !/^[a-z0-9][a-z0-9+.-]+$/.test(p))}`);
  const defaults = defaultRootPaths();
  const root = dir === undefined ? defaults.root : resolvePath(dir);
  const wanted = packages.length > 0 ? packages : [...DEFAULT_PACKAGES];
  // A root that has every package asked for is left as it is (packages are not upgraded).
  const state = readState(root);
  if (state !== undefined && wanted.every((p) => state.packages[p] !== undefined)) {
    process.stdout.write(root + "\n");
    return 0;
  }
  const progress = quiet ? silentProgress : stderrProgress();
  // The default root's directory is ours: an interrupted build of it is thrown away.
  if (dir === undefined && existsSync(root) && readState(root) === undefined) rmSync(root, { recursive: true, force: true });
  try {
    const r = await buildRoot({ root, packages: wanted, cacheDir: cache === undefined ? defaults.cacheDir : resolvePath(cache), progress });
    if (!quiet) process.stderr.write(report(r));
    process.stdout.write(root + "\n");
    return 0;
  } catch (e) {
    if (e instanceof AptError || e instanceof ResolveError || e instanceof RootfsError || e instanceof UnpackError) {
      process.stderr.write(`k42 rootfs: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
