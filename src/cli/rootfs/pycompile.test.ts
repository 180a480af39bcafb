// The default root's byte-compiled Python standard library: complete, identical to what the
// guest's own python3.11 writes (run under qemu-user), and used by the guest's python.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, lstatSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { debianDefaultRoot } from "../../linux/testing/debian.js";
import { guestPythons } from "./pycompile.js";

function stdlibSources(root: string): string[] {
  const out: string[] = [];
  const walk = (g: string): void => {
    for (const n of readdirSync(join(root, g)).sort()) {
      const p = posix.join(g, n);
      if (n === "__pycache__") continue;
      if (lstatSync(join(root, p)).isDirectory()) walk(p);
      else if (n.endsWith(".py")) out.push(p);
    }
  };
  walk("/usr/lib/python3.11");
  return out;
}

const pycOf = (root: string, g: string): string => join(root, posix.dirname(g), "__pycache__", `${posix.basename(g, ".py")}.cpython-311.pyc`);

test("every standard-library module of the default root has its .pyc, timestamp-checked against the source", () => {
  const root = debianDefaultRoot();
  assert.deepEqual(guestPythons(root), [{ version: "3.11", magic: 3495 }]);
  const sources = stdlibSources(root);
  assert.ok(sources.length > 500, `${sources.length} sources`);
  const missing = sources.filter((g) => !existsSync(pycOf(root, g)));
  assert.deepEqual(missing, []);
  // header: magic 3495 + "\r\n", flags 0 (timestamp mode), the source's mtime and size
  const g = "/usr/lib/python3.11/json/__init__.py";
  const pyc = readFileSync(pycOf(root, g)), src = statSync(join(root, g));
  assert.equal(pyc.readUInt16LE(0), 3495);
  assert.equal(pyc.readUInt32LE(4), 0);
  assert.equal(pyc.readUInt32LE(8), Math.floor(src.mtimeMs / 1000) >>> 0);
  assert.equal(pyc.readUInt32LE(12), src.size);
});

test("the .pyc files are byte-identical to those the guest's python3.11 writes (qemu-user)", () => {
  const root = debianDefaultRoot();
  const all = stdlibSources(root);
  // every 8th module, and the ones the start-up of `python3 -c` and the tests import
  const sample = [...new Set([...all.filter((_, i) => i % 8 === 0), "/usr/lib/python3.11/json/__init__.py", "/usr/lib/python3.11/re/_compiler.py", "/usr/lib/python3.11/site.py"])];
  const dir = mkdtempSync(join(tmpdir(), "k42-pyc-"));
  try {
    const script = join(dir, "compile.py");
    // What Debian's postinst does (py_compile, timestamp mode, the guest path in the code
    // object), writing into a host directory instead of the root.
    writeFileSync(script, [
      "import sys, py_compile",
      "root, out = sys.argv[1], sys.argv[2]",
      "for i, g in enumerate(sys.argv[3:]):",
      "    py_compile.compile(root + g, cfile=f'{out}/{i}.pyc', dfile=g, doraise=True,",
      "                       invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP)",
      "",
    ].join("\n"));
    const r = spawnSync("qemu-ppc64le", ["-L", root, join(root, "usr/bin/python3.11"), "-E", "-S", script, root, dir, ...sample], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const differ = sample.filter((g, i) => !readFileSync(join(dir, `${i}.pyc`)).equals(readFileSync(pycOf(root, g))));
    assert.deepEqual(differ, [], "modules whose .pyc differs from the guest python's");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the guest's python3 loads its imports from the .pyc files and writes none", () => {
  const root = debianDefaultRoot();
  const r = spawnSync("qemu-ppc64le", ["-L", root, join(root, "usr/bin/python3"), "-v", "-c", "import json, re, hashlib, datetime"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /code object from '[^']*\/usr\/lib\/python3\.11\/json\/__pycache__\/__init__\.cpython-311\.pyc'/);
  // a module compiled from source is reported as "code object from <path>.py"
  assert.doesNotMatch(r.stderr, /^# code object from [^\n]*\.py$/m, "python compiled a module from source");
});
