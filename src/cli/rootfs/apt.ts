// A private apt state for one architecture and release: its own configuration, sources, lists,
// cache and an empty dpkg status, under one directory. The host's apt state (its lists, its
// cache, its dpkg database, its hooks) is never read or changed; only the host's network
// configuration (proxies, validity checks in /etc/apt/apt.conf.d) and keyrings apply, as they
// would to any apt run on this host. apt-get fetches (update, download); everything else
// (choosing packages, unpacking) is ours.

import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync, createReadStream } from "node:fs";
import { join } from "node:path";
import type { PackageRecord } from "./control.js";
import { debianSources, hostCodename, readHostSources, renderDeb822 } from "./sources.js";

export class AptError extends Error {}

/** The .deb file name `apt-get download` gives a package (an epoch's colon is escaped). */
export function debFileName(p: Pick<PackageRecord, "name" | "version" | "arch">): string {
  return `${p.name}_${p.version.replace(/:/g, "%3a")}_${p.arch}.deb`;
}

export class PrivateApt {
  readonly lists: string;
  readonly debs: string;
  private readonly conf: string;

  constructor(readonly dir: string, readonly arch: string, readonly release: string) {
    this.lists = join(dir, "lists");
    this.debs = join(dir, "debs");
    this.conf = join(dir, "apt.conf");
  }

  /** Create the directories, the empty status and the configuration; write the sources taken
   *  from the host. Throws AptError when the host has no Debian sources to take. */
  prepare(): void {
    for (const d of [join(this.lists, "partial"), join(this.dir, "cache", "archives", "partial"), join(this.dir, "etc", "sources.list.d"),
      join(this.dir, "etc", "preferences.d"), this.debs]) mkdirSync(d, { recursive: true });
    const status = join(this.dir, "status");
    if (!existsSync(status)) writeFileSync(status, "");
    writeFileSync(join(this.dir, "etc", "sources.list"), "");
    const host = hostCodename();
    const sources = debianSources(readHostSources(), this.release, host, this.arch);
    if (sources.length === 0) {
      throw new AptError(`no Debian archive among this host's apt sources (/etc/apt/sources.list, sources.list.d) for ${host ?? "its release"}; ` +
        `set K42_APT_SOURCES to a sources file naming a Debian mirror`);
    }
    writeFileSync(join(this.dir, "etc", "sources.list.d", "debian.sources"), renderDeb822(sources));
    const q = (s: string): string => `"${s.replace(/"/g, "")}"`;
    writeFileSync(this.conf, [
      "// Written by k42 rootfs: a private apt state (see src/cli/rootfs/apt.ts).",
      "#clear APT::Architectures;",
      `APT::Architecture ${q(this.arch)};`,
      `APT::Architectures { ${q(this.arch)}; };`,
      `Dir::State ${q(this.dir)};`,
      `Dir::State::Lists ${q(this.lists)};`,
      `Dir::State::status ${q(status)};`,
      `Dir::State::extended_states ${q(join(this.dir, "extended_states"))};`,
      `Dir::Cache ${q(join(this.dir, "cache"))};`,
      'Dir::Cache::pkgcache "pkgcache.bin";',
      'Dir::Cache::srcpkgcache "srcpkgcache.bin";',
      `Dir::Etc::sourcelist ${q(join(this.dir, "etc", "sources.list"))};`,
      `Dir::Etc::sourceparts ${q(join(this.dir, "etc", "sources.list.d"))};`,
      `Dir::Etc::preferences ${q(join(this.dir, "etc", "preferences"))};`,
      `Dir::Etc::preferencesparts ${q(join(this.dir, "etc", "preferences.d"))};`,
      // Indexes stored as plain text, so that they can be read without apt.
      'Acquire::GzipIndexes "false";',
      'Acquire::Languages "none";',
      // The host's hooks concern the host's own package state, not this one.
      "#clear APT::Update::Pre-Invoke;",
      "#clear APT::Update::Post-Invoke;",
      "#clear APT::Update::Post-Invoke-Success;",
      "#clear DPkg::Pre-Invoke;",
      "#clear DPkg::Post-Invoke;",
      "#clear DPkg::Pre-Install-Pkgs;",
      // As root, apt would hand the downloads to the _apt user, who cannot write into a
      // directory of the caller's; the files are checked against the index either way.
      ...(process.getuid?.() === 0 ? ['APT::Sandbox::User "root";'] : []),
      "",
    ].join("\n"));
  }

  private args(): string[] {
    return ["-c", this.conf, "-q"];
  }

  /** When the lists were last fetched (ms since the epoch), or undefined if never. */
  updatedAt(): number | undefined {
    const f = join(this.dir, "updated");
    return existsSync(f) ? statSync(f).mtimeMs : undefined;
  }

  /** `apt-get update`. An index that fails (Debian's security mirror is sometimes caught
   *  mid-sync) is a warning as long as some Packages index arrived. */
  update(warn: (m: string) => void): void {
    const r = spawnSync("apt-get", [...this.args(), "update"], { encoding: "utf8", env: aptEnv() });
    if (r.error) throw new AptError(`apt-get is not runnable: ${r.error.message}`);
    if (this.indexFiles().length === 0) throw new AptError(`apt-get update fetched no package index:\n${tail(r.stdout + r.stderr)}`);
    if (r.status !== 0) warn(`apt-get update: some indexes failed (continuing with the rest):\n${tail(r.stdout + r.stderr)}`);
    writeFileSync(join(this.dir, "updated"), new Date().toISOString() + "\n");
  }

  /** The Packages files of the lists, as apt names them. */
  indexFiles(): string[] {
    const r = spawnSync("apt-get", [...this.args(), "indextargets", "--format", "$(FILENAME)", "Created-By: Packages"], { encoding: "utf8", env: aptEnv() });
    if (r.error) throw new AptError(`apt-get is not runnable: ${r.error.message}`);
    return r.stdout.split("\n").map((s) => s.trim()).filter((f) => f !== "" && existsSync(f));
  }

  /** The text of every Packages index. */
  indexTexts(): string[] {
    // latin1: one byte per character, fast to read and search, and written back byte for byte
    // (the fields we read are ASCII; descriptions may not be).
    return this.indexFiles().map((f) => readFileSync(f, "latin1"));
  }

  /** Whether the .deb of `p` is in the download directory, whole and with the index's hash. */
  async haveDeb(p: PackageRecord): Promise<boolean> {
    const f = join(this.debs, debFileName(p));
    if (!existsSync(f) || statSync(f).size !== p.size) return false;
    if (p.sha256 === "") return true;
    const h = createHash("sha256");
    for await (const chunk of createReadStream(f)) h.update(chunk as Buffer);
    if (h.digest("hex") === p.sha256) return true;
    unlinkSync(f);
    return false;
  }

  /**
   * `apt-get download` of exactly these versions into the download directory. `onBytes` is
   * called every ~200 ms with the bytes on disk so far (apt writes each file in place).
   */
  download(pkgs: PackageRecord[], onBytes: (bytes: number) => void): Promise<void> {
    if (pkgs.length === 0) return Promise.resolve();
    const files = pkgs.map((p) => ({ path: join(this.debs, debFileName(p)), size: p.size }));
    const poll = (): void => {
      let n = 0;
      for (const f of files) {
        try {
          n += Math.min(f.size, statSync(f.path).size);
        } catch {
          // not started yet
        }
      }
      onBytes(n);
    };
    return new Promise((resolveP, reject) => {
      const child = spawn("apt-get", [...this.args(), "download", ...pkgs.map((p) => `${p.name}=${p.version}`)],
        { cwd: this.debs, env: aptEnv(), stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (b: Buffer) => { out += b.toString(); });
      child.stderr.on("data", (b: Buffer) => { out += b.toString(); });
      const timer = setInterval(poll, 200);
      child.on("error", (e) => {
        clearInterval(timer);
        reject(new AptError(`apt-get is not runnable: ${e.message}`));
      });
      child.on("close", (code) => {
        clearInterval(timer);
        poll();
        const missing = files.filter((f) => !existsSync(f.path) || statSync(f.path).size !== f.size);
        if (code !== 0 || missing.length > 0) reject(new AptError(`apt-get download failed (exit ${code}):\n${tail(out)}`));
        else resolveP();
      });
    });
  }
}

function aptEnv(): NodeJS.ProcessEnv {
  return { ...process.env, DEBIAN_FRONTEND: "noninteractive", LC_ALL: "C" };
}

function tail(s: string, n = 8): string {
  return s.trim().split("\n").slice(-n).join("\n");
}
