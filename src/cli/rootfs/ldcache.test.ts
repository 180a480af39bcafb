// /etc/ld.so.cache as k42 rootfs writes it: the loader's name order, the string table, and the
// whole file byte for byte against the root's own ldconfig run under qemu-user.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { debianDefaultRoot } from "../../linux/testing/debian.js";
import { repoPath } from "../../linux/testing/cross.js";
import { encodeCache, libcmp } from "./ldcache.js";

test("the loader's library name order: numbers compare as numbers, after other characters", () => {
  const ascending = ["ld64.so.2", "libBrokenLocale.so.1", "libc.so.6", "libc_malloc_debug.so.0", "libnsl.so.1", "libnsl.so.2", "libnsl.so.10", "libz.so.1", "libzstd.so.1"];
  for (let i = 0; i < ascending.length; i++) {
    for (let j = 0; j < ascending.length; j++) {
      assert.equal(Math.sign(libcmp(ascending[i], ascending[j])), Math.sign(i - j), `${ascending[i]} vs ${ascending[j]}`);
    }
  }
});

test("cache encoding: header, entries, shared string tails, the generator extension", () => {
  const gen = "ldconfig (test) stable release version 2.36";
  const b = encodeCache([
    { lib: "libz.so.1", path: "/lib/x/libz.so.1", flags: 0x503 },
    { lib: "libc.so.6", path: "/lib/x/libc.so.6", flags: 0x503 },
  ], gen, true);
  assert.equal(b.subarray(0, 20).toString("latin1"), "glibc-ld.so.cache1.1");
  assert.equal(b.readUInt32LE(20), 2);
  const str = (o: number): string => b.subarray(o, b.indexOf(0, o)).toString("latin1");
  const e = (i: number): [number, string, string] => [b.readInt32LE(48 + 24 * i), str(b.readUInt32LE(52 + 24 * i)), str(b.readUInt32LE(56 + 24 * i))];
  assert.deepEqual(e(0), [0x503, "libz.so.1", "/lib/x/libz.so.1"]);
  assert.deepEqual(e(1), [0x503, "libc.so.6", "/lib/x/libc.so.6"]);
  // the key is the tail of the path: one copy of the bytes
  assert.equal(b.readUInt32LE(52), b.readUInt32LE(56) + "/lib/x/".length);
  assert.equal(b.readUInt32LE(24), 2 * ("/lib/x/libz.so.1".length + 1));
  const ext = b.readUInt32LE(32);
  assert.equal(ext % 4, 0);
  assert.equal(b.readUInt32LE(ext), 0xeaa42174);
  assert.equal(b.subarray(b.readUInt32LE(ext + 16)).toString("latin1"), gen);
  // big-endian guests get the big-endian flag and byte order
  const be = encodeCache([{ lib: "libc.so.6", path: "/lib/libc.so.6", flags: 0x3 }], gen, false);
  assert.equal(be[28], 3);
  assert.equal(be.readUInt32BE(20), 1);
});

test("ld.so.cache of the default root is byte-identical to the root's ldconfig under qemu", (t) => {
  if (process.getuid?.() !== 0) {
    t.skip("ldconfig -r chroots: needs root");
    return;
  }
  const root = debianDefaultRoot();
  // A hard-linked copy: ldconfig writes its files anew (temporary file and rename), so the
  // shared root's files are never touched.
  const copy = repoPath("build", "rootfs", "ldconfig-check");
  rmSync(copy, { recursive: true, force: true });
  try {
    const cp = spawnSync("cp", ["-al", root, copy]);
    assert.equal(cp.status, 0, String(cp.stderr));
    const r = spawnSync("qemu-ppc64le", [join(root, "usr/sbin/ldconfig"), "-X", "-r", copy], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const ours = readFileSync(join(root, "etc/ld.so.cache")), theirs = readFileSync(join(copy, "etc/ld.so.cache"));
    assert.ok(ours.length > 1000 && ours.readUInt32LE(20) > 40, `entries: ${ours.readUInt32LE(20)}`);
    assert.ok(ours.equals(theirs), `ours ${ours.length} bytes, ldconfig's ${theirs.length}`);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
