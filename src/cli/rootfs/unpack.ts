// Unpacking .deb files into a root with Debian 12's merged /usr: /bin, /sbin, /lib and /lib64
// are symbolic links into /usr (usrmerge), while bookworm's packages still ship files under
// /bin and /lib. dpkg-deb -x would replace such a link with a directory, so each batch of
// packages is unpacked into a staging directory inside the root, its /bin, /sbin, /lib... are
// merged into its /usr as usrmerge's conversion does, and the tree is then moved into the root
// by renames (same file system: no copying).

import { spawn } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { guestRealPath, hostPathIn } from "./root-path.js";

/** The top-level directories that Debian 12's usrmerge turns into links into /usr. */
export const MERGED_DIRS = ["bin", "sbin", "lib", "lib64"] as const;
/** Other top-level library directories merged the same way when a package ships them. */
const OTHER_MERGED = ["lib32", "libx32", "libo32"];

export class UnpackError extends Error {}

function dpkgDebExtract(deb: string, dir: string): Promise<void> {
  return new Promise((resolveP, reject) => {
    const child = spawn("dpkg-deb", ["-x", deb, dir], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (b: Buffer) => { err += b.toString(); });
    child.on("error", (e) => reject(new UnpackError(`dpkg-deb is not runnable (it comes with dpkg, on every Debian host): ${e.message}`)));
    child.on("close", (code) => (code === 0 ? resolveP() : reject(new UnpackError(`dpkg-deb -x ${deb} failed: ${err.trim()}`))));
  });
}

/** The postinst script of a .deb, or "" if it has none (dpkg-deb -I exits 1 then). */
function dpkgDebPostinst(deb: string): Promise<string> {
  return new Promise((resolveP, reject) => {
    const child = spawn("dpkg-deb", ["-I", deb, "postinst"], { stdio: ["ignore", "pipe", "ignore"] });
    const out: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.on("error", (e) => reject(new UnpackError(`dpkg-deb is not runnable: ${e.message}`)));
    child.on("close", (code) => resolveP(code === 0 ? Buffer.concat(out).toString("latin1") : ""));
  });
}

/**
 * Unpack `debs` into `root` (created if needed) with merged /usr, and return each one's
 * postinst script ("" for none). `onUnpacked(i)` is called
 * as each .deb is extracted. `warn` receives the usrmerge conflicts (a file under both /bin
 * and /usr/bin that are not links to each other: the /usr one is kept, as usrmerge refuses to
 * guess). Two extractions run at once.
 */
export async function unpackDebs(root: string, debs: string[], onUnpacked: (i: number) => void, warn: (m: string) => void): Promise<string[]> {
  mkdirSync(root, { recursive: true });
  const staging = join(root, ".k42-unpack");
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  let next = 0, done = 0;
  const scripts: string[] = debs.map(() => "");
  const worker = async (): Promise<void> => {
    while (next < debs.length) {
      const i = next++;
      await dpkgDebExtract(debs[i], staging);
      scripts[i] = await dpkgDebPostinst(debs[i]);
      onUnpacked(++done);
    }
  };
  await Promise.all([worker(), worker()]);
  mergeUsr(staging, warn);
  moveTree(root, staging, "");
  rmSync(staging, { recursive: true, force: true });
  ensureMergedLinks(root);
  return scripts;
}

/** Move staging's /bin, /sbin, /lib... into its /usr. */
function mergeUsr(staging: string, warn: (m: string) => void): void {
  for (const d of [...MERGED_DIRS, ...OTHER_MERGED]) {
    const src = join(staging, d);
    if (!existsSync(src) || lstatSync(src).isSymbolicLink()) continue;
    mkdirSync(join(staging, "usr", d), { recursive: true });
    mergeDir(staging, `/${d}`, `/usr/${d}`, warn);
    rmSync(src, { recursive: true, force: true });
  }
}

/** usrmerge's rules for one directory: a name only on one side moves; directories merge; a
 *  link on one side that points to the other side's file gives way to that file. */
function mergeDir(staging: string, from: string, to: string, warn: (m: string) => void): void {
  for (const name of readdirSync(join(staging, from))) {
    const s = `${from}/${name}`, t = `${to}/${name}`;
    const sh = join(staging, s), th = join(staging, t);
    const ss = lstatSync(sh);
    let ts;
    try {
      ts = lstatSync(th);
    } catch {
      renameSync(sh, th);
      continue;
    }
    if (ss.isDirectory() && ts.isDirectory()) {
      mergeDir(staging, s, t, warn);
      continue;
    }
    // Both resolve to the same file (in the unmerged tree): one is a link to the other.
    if (guestRealPath(staging, s) === guestRealPath(staging, t)) {
      if (ts.isSymbolicLink() && !ss.isSymbolicLink()) {
        rmSync(th, { force: true });
        renameSync(sh, th);
      } else {
        rmSync(sh, { force: true });
      }
      continue;
    }
    warn(`usrmerge: ${s} and ${t} are different files; keeping ${t}`);
  }
}

/**
 * Move everything under staging/`rel` into root/`rel`: names new to the root are renamed in,
 * directories merge, anything else replaces what the root has (a package's newer version
 * replaces its files). A directory of the staging tree that meets a link in the root is merged
 * into the link's target inside the root (e.g. /var/run -> /run).
 */
function moveTree(root: string, staging: string, rel: string): void {
  for (const name of readdirSync(join(staging, rel))) {
    const r = rel === "" ? name : `${rel}/${name}`;
    const src = join(staging, r);
    let dst = join(root, r);
    const s = lstatSync(src);
    let d;
    try {
      d = lstatSync(dst);
    } catch {
      renameSync(src, dst);
      continue;
    }
    if (s.isDirectory() && d.isSymbolicLink()) {
      const target = hostPathIn(root, `/${r}`);
      if (existsSync(target) && statSync(target).isDirectory()) {
        dst = target;
        moveInto(src, dst);
        continue;
      }
    }
    if (s.isDirectory() && d.isDirectory()) {
      moveTree(root, staging, r);
      continue;
    }
    rmSync(dst, { recursive: true, force: true });
    renameSync(src, dst);
  }
}

/** Move the contents of directory `src` into directory `dst` (both host paths, no links). */
function moveInto(src: string, dst: string): void {
  for (const name of readdirSync(src)) {
    const s = join(src, name), d = join(dst, name);
    if (existsSync(d) && lstatSync(d).isDirectory() && lstatSync(s).isDirectory()) {
      moveInto(s, d);
      continue;
    }
    rmSync(d, { recursive: true, force: true });
    renameSync(s, d);
  }
}

/** The usrmerge links at the top of the root: bin -> usr/bin, sbin -> usr/sbin, lib ->
 *  usr/lib, lib64 -> usr/lib64 (as Debian 12 has them), and the same for any other merged
 *  library directory /usr has. */
export function ensureMergedLinks(root: string): void {
  for (const d of [...MERGED_DIRS, ...OTHER_MERGED]) {
    const link = join(root, d);
    const always = (MERGED_DIRS as readonly string[]).includes(d);
    if (!always && !existsSync(join(root, "usr", d))) continue;
    mkdirSync(join(root, "usr", d), { recursive: true });
    let st;
    try {
      st = lstatSync(link);
    } catch {
      symlinkSync(`usr/${d}`, link);
      continue;
    }
    if (st.isSymbolicLink() && readlinkSync(link) === `usr/${d}`) continue;
    throw new UnpackError(`${link} should be a link to usr/${d}`);
  }
}
