// `k42 rootfs` end to end on a tiny package set (fetched from Debian's archive through the
// host's apt sources; the downloads are shared with the other tests in build/rootfs/apt): the
// root is laid out as Debian 12 lays it out, its programs run under qemu-user, packages can be
// added later, the host's apt state is untouched, and bad input gets a one-line message; and
// the resolver agrees with apt's own on the default set.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { repoPath } from "../../linux/testing/cross.js";
import { debianDefaultRoot } from "../../linux/testing/debian.js";
import { PrivateApt } from "./apt.js";
import { parsePackages } from "./control.js";
import { DEFAULT_PACKAGES } from "./default-root.js";
import { PackageIndex, resolve } from "./resolve.js";
import { K42_BIN } from "../../linux/testing/k42-bin.js";

const CLI = K42_BIN;
const CACHE = repoPath("build", "rootfs", "apt");
const k42 = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });

/** Names and modification times of the host's apt and dpkg state. */
function hostAptState(): string {
  const out: string[] = [];
  for (const d of ["/var/lib/apt/lists", "/var/cache/apt/archives", "/var/lib/dpkg"]) {
    if (!existsSync(d)) continue;
    for (const n of readdirSync(d).sort()) {
      const st = lstatSync(join(d, n));
      out.push(`${d}/${n} ${st.size} ${st.mtimeMs}`);
    }
  }
  return out.join("\n");
}

function absoluteLinks(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isSymbolicLink() && readlinkSync(p).startsWith("/")) out.push(p);
    }
  };
  walk(root);
  return out;
}

test("k42 rootfs --packages dash: a Debian 12 root that runs under qemu-user, then sed added to it", () => {
  const root = repoPath("build", "rootfs", "test-dash");
  rmSync(root, { recursive: true, force: true });
  const before = hostAptState();
  try {
    const r = k42("rootfs", "--cache", CACHE, "--packages", "dash", root);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${root}\n`);
    assert.match(r.stderr, /k42 rootfs: .*test-dash: \d+ packages/);

    // usrmerge, as Debian 12 has it
    for (const d of ["bin", "sbin", "lib", "lib64"]) assert.equal(readlinkSync(join(root, d)), `usr/${d}`);
    assert.equal(readlinkSync(join(root, "usr/bin/sh")), "dash");
    // absolute links made relative, so that host tools and qemu -L see the root's files
    assert.deepEqual(absoluteLinks(root), []);
    assert.equal(readlinkSync(join(root, "usr/lib64/ld64.so.2")), "../../lib/powerpc64le-linux-gnu/ld64.so.2");
    // what the installer and the maintainer scripts would have done
    assert.equal(readFileSync(join(root, "etc/hostname"), "utf8"), "k42\n");
    assert.match(readFileSync(join(root, "etc/hosts"), "utf8"), /^127\.0\.1\.1\tk42$/m);
    assert.equal(statSync(join(root, "tmp")).mode & 0o7777, 0o1777);
    const passwd = readFileSync(join(root, "etc/passwd"), "utf8");
    assert.match(passwd, /^root:x:0:0:/m);
    assert.match(passwd, new RegExp(`^[^:]+:x:${userInfo().uid}:${userInfo().gid}:`, "m"));
    assert.match(readFileSync(join(root, "etc/group"), "utf8"), new RegExp(`^[^:]+:x:${userInfo().gid}:`, "m"));
    assert.equal(readlinkSync(join(root, "usr/bin/which")), "../../etc/alternatives/which"); // debianutils' alternative
    assert.equal(readlinkSync(join(root, "etc/alternatives/which")), "../../usr/bin/which.debianutils");
    const status = readFileSync(join(root, "var/lib/dpkg/status"), "latin1");
    assert.match(status, /^Package: dash\nStatus: install ok installed\n/m);
    assert.match(status, /^Package: libc6\n/m);
    assert.doesNotMatch(status, /^(Filename|SHA256):/m);
    assert.ok(statSync(join(root, "etc/ld.so.cache")).size > 500);
    const state = JSON.parse(readFileSync(join(root, "var/lib/k42/rootfs.json"), "utf8")) as { packages: Record<string, unknown> };
    assert.ok(["dash", "libc6", "debianutils"].every((p) => p in state.packages), Object.keys(state.packages).join(" "));
    assert.ok(!("sed" in state.packages));

    // the root's dynamically linked shell runs (qemu-user with the root as its prefix)
    const sh = spawnSync("qemu-ppc64le", ["-L", root, join(root, "bin/sh"), "-c", 'echo $((6*7)); x=abc; echo ${#x}'], { encoding: "utf8" });
    assert.equal(sh.stdout, "42\n3\n", sh.stderr);

    // add a package: the root keeps what it had
    const add = k42("rootfs", "--cache", CACHE, "--quiet", "--packages", "sed", root);
    assert.equal(add.status, 0, add.stderr);
    assert.equal(add.stderr, "");
    const state2 = JSON.parse(readFileSync(join(root, "var/lib/k42/rootfs.json"), "utf8")) as { packages: Record<string, unknown> };
    assert.ok("sed" in state2.packages && "dash" in state2.packages);
    const sed = spawnSync("qemu-ppc64le", ["-L", root, join(root, "bin/sed"), "s/o/0/g"], { input: "foo\n", encoding: "utf8" });
    assert.equal(sed.stdout, "f00\n", sed.stderr);
    // asking again for what the root has changes nothing
    const mtime = statSync(join(root, "var/lib/k42/rootfs.json")).mtimeMs;
    assert.equal(k42("rootfs", "--cache", CACHE, "--packages", "sed,dash", root).status, 0);
    assert.equal(statSync(join(root, "var/lib/k42/rootfs.json")).mtimeMs, mtime);

    assert.equal(hostAptState(), before, "the host's apt and dpkg state changed");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("k42 rootfs: bad input gets a one-line message and a documented status", () => {
  const notRoot = repoPath("build", "rootfs", "not-a-root");
  rmSync(notRoot, { recursive: true, force: true });
  mkdirSync(notRoot, { recursive: true });
  writeFileSync(join(notRoot, "precious.txt"), "keep me\n");
  try {
    for (const [args, status, re] of [
      [["rootfs", "--packages", "Not_A_Name", notRoot], 2, /not a Debian package name: Not_A_Name/],
      [["rootfs", "--frobnicate"], 2, /unknown option --frobnicate/],
      [["rootfs", "--cache"], 2, /--cache needs a directory/],
      [["rootfs", "--cache", CACHE, "--packages", "dash", notRoot], 1, /not-a-root exists and is not a root built by k42 rootfs/],
      [["rootfs", "--cache", CACHE, "--packages", "no-such-package-k42", repoPath("build", "rootfs", "never-built")], 1, /no package no-such-package-k42 in the index/],
    ] as [string[], number, RegExp][]) {
      const r = k42(...args);
      assert.equal(r.status, status, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    }
    assert.equal(readFileSync(join(notRoot, "precious.txt"), "utf8"), "keep me\n");
    assert.ok(!existsSync(repoPath("build", "rootfs", "never-built", "usr")));
  } finally {
    rmSync(notRoot, { recursive: true, force: true });
    rmSync(repoPath("build", "rootfs", "never-built"), { recursive: true, force: true });
  }
  const help = k42("rootfs", "--help");
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^usage: k42 rootfs /);
});

test("the resolver picks the packages apt's own resolver picks for the default set", () => {
  debianDefaultRoot(); // makes sure the shared apt state has its lists
  const apt = new PrivateApt(CACHE, "ppc64el", "bookworm");
  const ours = resolve(new PackageIndex(apt.indexTexts().flatMap(parsePackages)), [...DEFAULT_PACKAGES]).map((p) => p.name).sort();
  const sim = spawnSync("apt-get", ["-c", join(CACHE, "apt.conf"), "-s", "install", "--no-install-recommends", ...DEFAULT_PACKAGES], { encoding: "utf8" });
  assert.equal(sim.status, 0, sim.stderr);
  const theirs = [...sim.stdout.matchAll(/^Inst (\S+)/gm)].map((m) => m[1]).sort();
  assert.ok(theirs.length > 40, sim.stdout);
  assert.deepEqual(ours, theirs);
});
