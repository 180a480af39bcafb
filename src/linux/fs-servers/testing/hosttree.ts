// Host directory trees for the hostfs tests: a small root with files, directories, hard links
// and symbolic links (some pointing outside the tree, one looping), and a hash of a whole tree
// (names, types, modes, owners, sizes, times, contents, link targets) to prove it unchanged.

import { createHash } from "node:crypto";
import { chmodSync, linkSync, lstatSync, mkdirSync, mkdtempSync, opendirSync, readFileSync, readlinkSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const BIG_SIZE = 300_000;

/** Byte i of the big file. */
export const bigByte = (i: number): number => (i * 7 + (i >> 9)) & 0xff;

export interface HostTree {
  readonly root: string;
  /** A directory outside the root, reachable only by following a host link out of it. */
  readonly outside: string;
}

export function makeHostTree(): HostTree {
  const base = mkdtempSync(join(tmpdir(), "k42fs-host-"));
  const root = join(base, "root");
  const outside = join(base, "outside");
  mkdirSync(outside);
  writeFileSync(join(outside, "secret"), "host secret\n");
  mkdirSync(root);
  const w = (p: string, s: string | Uint8Array, mode = 0o644): void => {
    writeFileSync(join(root, p), s);
    chmodSync(join(root, p), mode);
  };
  mkdirSync(join(root, "etc"));
  w("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
  w("etc/hostname", "host\n");
  mkdirSync(join(root, "bin"));
  w("bin/sh", "#!fake\n", 0o755);
  mkdirSync(join(root, "usr/lib"), { recursive: true });
  w("usr/lib/big", Uint8Array.from({ length: BIG_SIZE }, (_, i) => bigByte(i)));
  mkdirSync(join(root, "many"));
  // Made in a scrambled order: the host's listing order is whatever the host file system keeps.
  for (const i of [5, 3, 9, 1, 7, 0, 8, 2, 6, 4, 15, 11, 13, 10, 14, 12]) w(`many/n${i}`, `${i}\n`);
  mkdirSync(join(root, "tree/a/b"), { recursive: true });
  w("tree/a/b/leaf", "leaf\n");
  w("tree/a/top", "top\n");
  mkdirSync(join(root, "empty"));
  w("hard1", "linked\n");
  linkSync(join(root, "hard1"), join(root, "hard2"));
  mkdirSync(join(root, "links"));
  symlinkSync("/etc/passwd", join(root, "links/abs"));
  symlinkSync("../../../../../../../../etc/shadow", join(root, "links/up"));
  symlinkSync(outside, join(root, "links/evil"));
  symlinkSync("loop", join(root, "links/loop"));
  symlinkSync("../etc", join(root, "links/rel"));
  mkdirSync(join(root, "locked"), 0o700);
  w("locked/inner", "inner\n", 0o600);
  utimesSync(join(root, "etc/passwd"), 1_000_000, 1_000_000);
  return { root, outside };
}

/** Names of a host directory in the host's own order (opendir: not sorted). */
export function hostOrder(dir: string): string[] {
  const d = opendirSync(dir);
  const out: string[] = [];
  try {
    for (let e = d.readSync(); e !== null; e = d.readSync()) out.push(e.name);
  } finally {
    d.closeSync();
  }
  return out;
}

/** A hash of everything about a host tree (never following links). */
export function hashTree(dir: string): string {
  const h = createHash("sha256");
  const visit = (p: string, rel: string): void => {
    const st = lstatSync(p, { bigint: true });
    h.update(`${rel}\0${st.mode}\0${st.uid}\0${st.gid}\0${st.size}\0${st.nlink}\0${st.ino}\0${st.mtimeNs}\0${st.ctimeNs}\0`);
    if (st.isSymbolicLink()) h.update(readlinkSync(p));
    else if (st.isFile()) h.update(readFileSync(p));
    else if (st.isDirectory()) for (const n of hostOrder(p).sort()) visit(join(p, n), `${rel}/${n}`);
  };
  visit(dir, "");
  return h.digest("hex");
}
