// Building (or adding packages to) a Debian root: resolve, download, unpack, configure,
// ld.so.cache, byte-compile, and the state file last. See docs/ARCHITECTURE.md, "The root file
// system", for the whole story.

import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { applyAlternatives, parseAlternatives, type Alternative } from "./alternatives.js";
import { debFileName, PrivateApt } from "./apt.js";
import { configureRoot, relativeLinks } from "./configure.js";
import { parsePackages, type PackageRecord } from "./control.js";
import { writeLdCache } from "./ldcache.js";
import { acquireLock } from "./lock.js";
import { formatBytes, type Progress } from "./progress.js";
import { byteCompile, type PycResult } from "./pycompile.js";
import { PackageIndex, resolve } from "./resolve.js";
import { hostPathIn } from "./root-path.js";
import { readState, STATE_FORMAT, writeState, type RootState } from "./state.js";
import { unpackDebs } from "./unpack.js";
import { k42Version } from "../version.js";

export const RELEASE = "bookworm";
export const ARCH = "ppc64el";
const TRIPLET = "powerpc64le-linux-gnu";
/** Lists older than this are fetched again before resolving (security updates replace
 *  versions, and the mirror drops the old ones). */
const LISTS_MAX_AGE_MS = 24 * 3600 * 1000;

export class RootfsError extends Error {}

export interface BuildOptions {
  /** The root directory (created; an existing one must be a root this built). */
  root: string;
  /** Packages wanted (their dependencies come too). */
  packages: string[];
  /** The private apt state and the downloaded .debs (shared by every root built with it). */
  cacheDir: string;
  progress: Progress;
}

export interface BuildResult {
  root: string;
  /** Every package in the root. */
  packages: { name: string; version: string }[];
  /** Packages unpacked by this build. */
  added: string[];
  downloadBytes: number;
  seconds: { index: number; download: number; unpack: number; configure: number; pyc: number; total: number };
  ldCacheEntries: number;
  pyc: PycResult;
  alternatives: string[];
}

const since = (t: number): number => (Date.now() - t) / 1000;

/** The records of the packages an existing root has, from its dpkg status file. */
function installedRecords(root: string): PackageRecord[] {
  const f = hostPathIn(root, "/var/lib/dpkg/status");
  return existsSync(f) ? parsePackages(readFileSync(f, "latin1")) : [];
}

export async function buildRoot(opts: BuildOptions): Promise<BuildResult> {
  const t0 = Date.now();
  const { root, progress } = opts;
  mkdirSync(opts.cacheDir, { recursive: true });
  // The lock comes first: a build running at once (another test file, another shell) may have
  // created the root and not yet written its state file; under the lock that build has finished.
  const release = await acquireLock(join(opts.cacheDir, "lock"), (pid) => progress.warn(`waiting for another k42 rootfs (pid ${pid}) using ${opts.cacheDir}`));
  try {
    const existing = readState(root);
    if (existing === undefined && existsSync(root) && readdirSync(root).length > 0) {
      throw new RootfsError(`${root} exists and is not a root built by k42 rootfs (no ${"var/lib/k42/rootfs.json"}); give an empty or new directory`);
    }
    const apt = new PrivateApt(opts.cacheDir, ARCH, RELEASE);
    apt.prepare();
    let t = Date.now();
    const updated = apt.updatedAt();
    if (updated === undefined || Date.now() - updated > LISTS_MAX_AGE_MS || apt.indexFiles().length === 0) {
      progress.start(`fetching the ${RELEASE} ${ARCH} package index`, 0, "packages");
      apt.update((m) => progress.warn(m));
      progress.stop(`fetched the package index`);
    }
    const index = new PackageIndex(apt.indexTexts().flatMap(parsePackages));
    const closure = resolve(index, opts.packages);
    const indexSeconds = since(t);

    const before = new Map((existing === undefined ? [] : installedRecords(root)).map((p) => [p.name, p]));
    const todo = closure.filter((p) => before.get(p.name)?.version !== p.version);

    // Download what the cache does not have (checked against the index's hashes).
    t = Date.now();
    const missing: PackageRecord[] = [];
    for (const p of todo) if (!(await apt.haveDeb(p))) missing.push(p);
    const bytes = missing.reduce((a, p) => a + p.size, 0);
    if (missing.length > 0) {
      progress.start(`downloading ${missing.length} packages`, bytes, "bytes");
      try {
        await apt.download(missing, (n) => progress.update(n));
      } catch (e) {
        // The index may be older than the mirror: fetch it again once, then retry.
        progress.warn(`${(e as Error).message.split("\n")[0]}; fetching the index again`);
        apt.update((m) => progress.warn(m));
        await apt.download(missing, (n) => progress.update(n));
      }
      progress.stop(`downloaded ${missing.length} packages (${formatBytes(bytes)})`);
    }
    const downloadSeconds = since(t);

    // Unpack.
    t = Date.now();
    const debs = todo.map((p) => join(apt.debs, debFileName(p)));
    let scripts: string[] = [];
    if (todo.length > 0) {
      progress.start(`unpacking ${todo.length} packages`, todo.length, "packages");
      scripts = await unpackDebs(root, debs, (n) => progress.update(n), (m) => progress.warn(m));
      progress.stop(`unpacked ${todo.length} packages`);
    }
    const unpackSeconds = since(t);

    // Configure: the maintainer scripts' effects, alternatives, links, ld.so.cache.
    t = Date.now();
    const installed = new Map(before);
    for (const p of closure) installed.set(p.name, p);
    const records = [...installed.values()];
    const alternatives: Alternative[] = (existing?.alternatives ?? []).filter((a) => !todo.some((p) => p.name === a.pkg));
    todo.forEach((p, i) => alternatives.push(...parseAlternatives(scripts[i], p.name,
      (line) => progress.warn(`${p.name}: cannot read "${line}" without running the script; skipped`))));
    configureRoot(root, records);
    const alts = applyAlternatives(root, alternatives);
    relativeLinks(root);
    const libc = installed.get("libc6");
    const ldCacheEntries = writeLdCache(root, TRIPLET, true, libc?.version);
    const configureSeconds = since(t);

    t = Date.now();
    const pyc = byteCompile(root);
    for (const v of pyc.versions) {
      if (v.skipped !== undefined) progress.warn(`python${v.version} modules not byte-compiled: ${v.skipped} (the guest compiles them on first import)`);
    }
    const pycSeconds = since(t);

    const state: RootState = {
      format: STATE_FORMAT, release: RELEASE, arch: ARCH,
      packages: Object.fromEntries(records.map((p) => [p.name, { version: p.version, arch: p.arch }])),
      alternatives, ldCacheEntries, pyc, builtBy: `k42ts ${k42Version()}`, date: new Date().toISOString(),
    };
    writeState(root, state);
    return {
      root,
      packages: records.map((p) => ({ name: p.name, version: p.version })).sort((a, b) => (a.name < b.name ? -1 : 1)),
      added: todo.map((p) => p.name),
      downloadBytes: bytes,
      seconds: { index: indexSeconds, download: downloadSeconds, unpack: unpackSeconds, configure: configureSeconds, pyc: pycSeconds, total: since(t0) },
      ldCacheEntries, pyc, alternatives: alts,
    };
  } finally {
    release();
  }
}
