// The dependency resolver and what it stands on (dpkg's version order, control paragraphs and
// dependency fields), on a small synthetic Packages index.

import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDependencies, parsePackages } from "./control.js";
import { PackageIndex, resolve, ResolveError } from "./resolve.js";
import { compareVersions, satisfies } from "./version.js";

test("Debian version order: epochs, revisions, ~ before everything, digits as numbers", () => {
  const ascending = ["1.0~rc1", "1.0", "1.0-1", "1.0-1+b1", "1.0-2", "1.0a", "1.0.1", "1.2", "1.10", "1:0.9", "2:0"];
  for (let i = 0; i < ascending.length; i++) {
    for (let j = 0; j < ascending.length; j++) {
      assert.equal(compareVersions(ascending[i], ascending[j]), Math.sign(i - j), `${ascending[i]} vs ${ascending[j]}`);
    }
  }
  assert.equal(compareVersions("3.11.2-6+deb12u9", "3.11.2-6+deb12u10"), -1);
  assert.equal(compareVersions("1.35.0-4+deb12u1+b1", "1.35.0-4+deb12u1"), 1);
  assert.equal(compareVersions("1.0", "1.0-0"), 0);
  assert.ok(satisfies("2.36-9", ">=", "2.36"));
  assert.ok(!satisfies("2.36-9", ">>", "2.36-9"));
  assert.ok(satisfies("2.36-9", "<<", "2.37"));
  assert.ok(satisfies("1:2.0", "=", "1:2.0"));
});

test("dependency fields: alternatives, versions, architecture qualifiers, folded lines", () => {
  assert.deepEqual(parseDependencies("libc6 (>= 2.34), python3:any | python3.11 (<< 3.12~), awk"), [
    [{ name: "libc6", rel: ">=", version: "2.34" }],
    [{ name: "python3" }, { name: "python3.11", rel: "<<", version: "3.12~" }],
    [{ name: "awk" }],
  ]);
  assert.deepEqual(parseDependencies("a [amd64] <!nocheck>, b (> 1)"), [[{ name: "a" }], [{ name: "b", rel: ">=", version: "1" }]]);
  const [p] = parsePackages("Package: x\nVersion: 1\nArchitecture: ppc64el\nDepends: a,\n b (>= 2)\nSize: 10\nFilename: pool/x_1.deb\n\n");
  assert.deepEqual(p.depends, [[{ name: "a" }], [{ name: "b", rel: ">=", version: "2" }]]);
  assert.equal(p.size, 10);
  assert.equal(p.filename, "pool/x_1.deb");
  assert.throws(() => parseDependencies("a (>= "), /cannot parse dependency/);
});

const INDEX = `
Package: app
Version: 1.0
Architecture: ppc64el
Priority: optional
Pre-Depends: libc6 (>= 2.30)
Depends: libfoo (>= 2.0) | libfoo-compat, mail-transport-agent, awk, coreutils, python3:any

Package: libc6
Version: 2.36-9
Architecture: ppc64el
Priority: optional

Package: libc6
Version: 2.36-9+deb12u14
Architecture: ppc64el
Priority: optional

Package: libfoo
Version: 1.5
Architecture: ppc64el
Depends: libc6

Package: libfoo-compat
Version: 3
Architecture: ppc64el
Depends: libc6

Package: exim
Version: 4
Architecture: ppc64el
Priority: extra
Provides: mail-transport-agent

Package: postfix
Version: 3
Architecture: ppc64el
Priority: optional
Provides: mail-transport-agent

Package: mawk
Version: 1.3
Architecture: ppc64el
Priority: required
Provides: awk
Depends: libc6

Package: gawk
Version: 5
Architecture: ppc64el
Priority: optional
Provides: awk

Package: coreutils
Version: 9.1
Architecture: ppc64el
Essential: yes
Priority: required
Pre-Depends: libc6

Package: python3
Version: 3.11.2
Architecture: ppc64el
Depends: python3.11 (>= 3.11.2)

Package: python3.11
Version: 3.11.2-6
Architecture: ppc64el
Provides: python3-versioned (= 3.11.2)

Package: tool
Version: 1
Architecture: all
Depends: gawk | awk, python3-versioned (>= 3.11)

Package: broken
Version: 1
Architecture: ppc64el
Depends: python3-versioned (>= 3.12) | nothing-at-all

Package: unversioned-only
Version: 1
Architecture: ppc64el
Depends: mail-transport-agent (>= 1)
`;

const index = new PackageIndex(parsePackages(INDEX));
const names = (wanted: string[]): string[] => resolve(index, wanted).map((p) => `${p.name}=${p.version}`);

test("resolver: the candidate is the highest version; Pre-Depends and Depends are followed in order", () => {
  assert.deepEqual(names(["libc6"]), ["libc6=2.36-9+deb12u14"]);
  assert.deepEqual(names(["app"]), [
    "app=1.0",
    "libc6=2.36-9+deb12u14",
    // libfoo 1.5 does not satisfy (>= 2.0): the next alternative is taken
    "libfoo-compat=3",
    // a virtual package with two providers: the one of higher priority (postfix is optional, exim extra)
    "postfix=3",
    // awk: mawk (required) before gawk (optional)
    "mawk=1.3",
    // asked for by name, so it comes, Essential or not
    "coreutils=9.1",
    "python3=3.11.2",
    "python3.11=3.11.2-6",
  ]);
});

test("resolver: an alternative or virtual package already chosen satisfies the dependency", () => {
  // gawk first in the list makes gawk the awk; tool's "gawk | awk" then adds nothing more
  assert.deepEqual(names(["gawk", "tool"]), ["gawk=5", "tool=1", "python3.11=3.11.2-6"]);
  // mawk chosen first: tool's "gawk | awk" is met by mawk providing awk
  assert.deepEqual(names(["mawk", "tool"]), ["mawk=1.3", "tool=1", "libc6=2.36-9+deb12u14", "python3.11=3.11.2-6"]);
  // a virtual package asked for by name
  assert.deepEqual(names(["awk"]), ["mawk=1.3", "libc6=2.36-9+deb12u14"]);
});

test("resolver: Essential packages are not added unless something asks for them", () => {
  assert.ok(!names(["libfoo"]).some((n) => n.startsWith("coreutils=")));
});

test("resolver: an unsatisfiable dependency names the chain that led to it", () => {
  assert.throws(() => resolve(index, ["nonexistent"]), (e) => e instanceof ResolveError && /no package nonexistent/.test(e.message));
  // versioned Provides: (= 3.11.2) does not satisfy (>= 3.12), and the other alternative does not exist
  assert.throws(() => resolve(index, ["broken"]), /broken depends on python3-versioned \(>= 3\.12\) \| nothing-at-all/);
  // an unversioned Provides never satisfies a versioned dependency (Debian policy 7.5)
  assert.throws(() => resolve(index, ["unversioned-only"]), /mail-transport-agent \(>= 1\)/);
});
