// Debian packages for the tests, fetched at test time with apt-get (never committed): apt runs
// with its own architecture, lists, cache and an empty dpkg status under build/debian/<arch>/,
// `apt-get download` fetches the .debs and dpkg-deb unpacks them into build/debian/<arch>/root.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoPath } from "./cross.js";

function run(cmd: string, args: string[], cwd?: string): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (r.error) throw new Error(`${cmd} not runnable: ${r.error.message}`);
  return { status: r.status, out: (r.stdout ?? "") + (r.stderr ?? "") };
}

/**
 * Unpack the named packages of `arch` (e.g. "ppc64el") into a root folder and return its path.
 * Already-unpacked packages are reused. Throws with apt's words when a package cannot be had.
 */
export function debianRoot(arch: string, packages: string[]): string {
  const base = repoPath("build", "debian", arch);
  const root = join(base, "root");
  const debs = join(base, "debs");
  const done = join(base, "unpacked");
  for (const d of [join(base, "lists", "partial"), join(base, "cache", "archives", "partial"), debs, root, done]) mkdirSync(d, { recursive: true });
  const status = join(base, "status");
  if (!existsSync(status)) writeFileSync(status, "");
  const opts = [
    "-o", `APT::Architecture=${arch}`, "-o", `APT::Architectures::=${arch}`,
    "-o", `Dir::State::Lists=${join(base, "lists")}`, "-o", `Dir::Cache=${join(base, "cache")}`,
    "-o", `Dir::State::status=${status}`, "-q",
  ];
  const missing = packages.filter((p) => !existsSync(join(done, p)));
  if (missing.length === 0) return root;
  if (readdirSync(join(base, "lists")).filter((f) => f.endsWith("Packages") || f.includes("Packages")).length === 0) {
    // Exit status 100 is common (a security index may fail to verify); the main index suffices.
    run("apt-get", [...opts, "update"]);
  }
  const dl = run("apt-get", [...opts, "download", ...missing], debs);
  if (dl.status !== 0) throw new Error(`apt-get download ${missing.join(" ")} (${arch}) failed:\n${dl.out.trim().split("\n").slice(-5).join("\n")}`);
  for (const p of missing) {
    const deb = readdirSync(debs).find((f) => f.startsWith(`${p}_`) && f.endsWith(".deb"));
    if (deb === undefined) throw new Error(`apt-get download left no .deb for ${p}`);
    const x = run("dpkg-deb", ["-x", join(debs, deb), root]);
    if (x.status !== 0) throw new Error(`dpkg-deb -x ${deb} failed: ${x.out}`);
    writeFileSync(join(done, p), deb + "\n");
  }
  return root;
}
