// Reading the host's apt sources (both formats) and narrowing them to the Debian archive of
// the root's release. The mirror names below are placeholders: the project names no archive.

import { test } from "node:test";
import assert from "node:assert/strict";
import { debianSources, parseDeb822, parseOneLine, renderDeb822 } from "./sources.js";

const DEB822 = `Types: deb
# a comment inside the stanza
URIs: http://mirror.example/debian
Suites: trixie trixie-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: http://mirror.example/debian-security
Suites: trixie-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: https://vendor.example/node
Suites: nodistro
Components: main
Architectures: amd64

Types: deb
URIs: http://mirror.example/debian
Suites: trixie-backports
Components: main

Types: deb
URIs: http://disabled.example/debian
Suites: trixie
Components: main
Enabled: no
`;

const ONE_LINE = `# the classic format
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg arch=amd64,i386] http://mirror.example/debian bookworm main non-free-firmware
deb-src http://mirror.example/debian bookworm main
deb http://security.example/debian-security bookworm/updates main
deb http://mirror.example/debian bookworm-updates contrib
`;

test("deb822 sources: stanzas, comments, Enabled: no", () => {
  const e = parseDeb822(DEB822, "debian.sources");
  assert.equal(e.length, 4);
  assert.deepEqual(e[0].suites, ["trixie", "trixie-updates"]);
  assert.deepEqual(e[1].types, ["deb", "deb-src"]);
  assert.deepEqual(e[2].options, [["Architectures", "amd64"]]);
});

test("one-line sources: options mapped to their deb822 names", () => {
  const e = parseOneLine(ONE_LINE, "sources.list");
  assert.equal(e.length, 4);
  assert.deepEqual(e[0].options, [["Signed-By", "/usr/share/keyrings/debian-archive-keyring.gpg"], ["Architectures", "amd64 i386"]]);
  assert.deepEqual(e[0].components, ["main", "non-free-firmware"]);
});

test("the Debian entries of a trixie host, retargeted at bookworm: main only, Packages only, ppc64el", () => {
  const d = debianSources(parseDeb822(DEB822, "debian.sources"), "bookworm", "trixie", "ppc64el");
  assert.deepEqual(d.map((e) => [e.uris[0], e.suites]), [
    ["http://mirror.example/debian", ["bookworm", "bookworm-updates"]],
    ["http://mirror.example/debian-security", ["bookworm-security"]],
  ]);
  assert.deepEqual(d[0].components, ["main"]);
  assert.deepEqual(d[1].types, ["deb"]);
  assert.deepEqual(d[0].options, [["Signed-By", "/usr/share/keyrings/debian-archive-keyring.gpg"], ["Architectures", "ppc64el"], ["Targets", "Packages"]]);
  assert.match(renderDeb822(d), /^# from debian\.sources\nTypes: deb\nURIs: http:\/\/mirror\.example\/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: .*\nArchitectures: ppc64el\nTargets: Packages\n\n/);
});

test("a bookworm host's one-line sources: the host's own architectures give way to the root's", () => {
  const d = debianSources(parseOneLine(ONE_LINE, "sources.list"), "bookworm", "bookworm", "ppc64el");
  assert.deepEqual(d.map((e) => e.suites), [["bookworm"], ["bookworm/updates"]]);
  assert.ok(d.every((e) => e.options.some(([k, v]) => k === "Architectures" && v === "ppc64el")));
  assert.ok(d.every((e) => !e.options.some(([k, v]) => k === "Architectures" && v !== "ppc64el")));
  // a host of another distribution (hostCodename gives undefined) has nothing to offer
  assert.deepEqual(debianSources(parseOneLine("deb http://archive.example/ubuntu jammy main\n", "x"), "bookworm", undefined, "ppc64el"), []);
});
