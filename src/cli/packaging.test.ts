// The package as npm handles it: the command is the bundle (scripts/bundle.mjs) and stays
// executable after a rebuild, `k42 --version` and `k42 run --help` answer, the bundle finds the
// files it starts workers from, and package-lock.json agrees with package.json (so that
// `npm install` has nothing to rewrite).

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { repoPath } from "../linux/testing/cross.js";
import { K42_BIN } from "../linux/testing/k42-bin.js";

const CLI = K42_BIN;
const pkg = JSON.parse(readFileSync(repoPath("package.json"), "utf8")) as {
  version: string; bin: Record<string, string>; scripts: Record<string, string>;
  dependencies?: Record<string, string>; devDependencies?: Record<string, string>;
};

test("the build makes package.json's commands executable (tsc alone does not)", () => {
  for (const s of ["build", "prepare"]) assert.match(pkg.scripts[s], /tsc -p tsconfig\.json && node scripts\/bundle\.mjs && node scripts\/bin-mode\.mjs$/, s);
  // Run the script on a copy of the package whose command has lost its x bits.
  const dir = mkdtempSync(join(tmpdir(), "k42-binmode-"));
  try {
    mkdirSync(join(dir, "scripts"));
    copyFileSync(repoPath("scripts", "bin-mode.mjs"), join(dir, "scripts", "bin-mode.mjs"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "x", bin: { k42: "dist/k42.js" } }));
    mkdirSync(join(dir, "dist"));
    writeFileSync(join(dir, "dist", "k42.js"), `#!/usr/bin/env node\nprocess.stdout.write("ran\\n");\n`);
    chmodSync(join(dir, "dist", "k42.js"), 0o644);
    const r = spawnSync(process.execPath, [join(dir, "scripts", "bin-mode.mjs")], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(statSync(join(dir, "dist", "k42.js")).mode & 0o777, 0o755);
    // executable as npx runs it: directly, through its #! line
    assert.equal(spawnSync(join(dir, "dist", "k42.js"), { encoding: "utf8" }).stdout, "ran\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("k42 --version prints package.json's version; k42 run --help the usage of run", () => {
  for (const flag of ["--version", "-V"]) {
    const r = spawnSync(process.execPath, [CLI, flag], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `k42ts ${pkg.version}\n`);
  }
  for (const args of [["run", "--help"], ["run", "-h"], ["run", "--cpus", "2", "--help"]]) {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
    assert.equal(r.status, 0, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stdout, /^usage: k42 run /);
  }
  // after `--`, --help belongs to the guest program
  const guest = spawnSync(process.execPath, [CLI, "run", "--root", tmpdir(), "--", "/nonexistent/prog", "--help"], { encoding: "utf8" });
  assert.notEqual(guest.status, 0);
  assert.doesNotMatch(guest.stdout, /usage:/);
});

test("the command is one bundled file whose modules keep their own URLs", () => {
  assert.equal(pkg.bin.k42, "dist/k42.mjs");
  assert.ok(readFileSync(CLI, "utf8").startsWith("#!/usr/bin/env node\n"), "the command runs through its #! line");
  const worker = join(dirname(CLI), "k42-worker.mjs");
  for (const file of [CLI, worker]) {
    const text = readFileSync(file, "utf8");
    assert.doesNotMatch(text, /[^\x00-\x7f]/, `${file} is ASCII (V8 keeps it as a one-byte string)`);
    // Each module's import.meta.url became a URL beside the bundle: its compiled file under
    // dist/src (the input pump starts from there, k42Version looks above version.js), or the
    // worker bundle (the parallel mode's worker and the program it imports). Every such file
    // exists; the only other use is the banner's createRequire.
    const urls = [...text.matchAll(/new URL\("(\.\/[^"]+)", import\.meta\.url\)/g)].map((m) => m[1]);
    assert.ok(urls.some((u) => u.startsWith("./src/")), file);
    for (const rel of urls) assert.ok(existsSync(join(dirname(file), rel)), `${rel} exists beside ${file}`);
    assert.equal([...text.matchAll(/import\.meta\.url/g)].length, urls.length + 1, file);
  }
  assert.match(readFileSync(CLI, "utf8"), /new URL\("\.\/k42-worker\.mjs", import\.meta\.url\)/, "the parallel mode starts the worker bundle");
  // the same answers as the unbundled entry
  const unbundled = fileURLToPath(new URL("k42.js", import.meta.url));
  for (const args of [["--version"], ["help"], ["syscalls", "--arch", "ppc32"]]) {
    const a = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
    const b = spawnSync(process.execPath, [unbundled, ...args], { encoding: "utf8" });
    assert.equal(a.status, 0, a.stderr);
    assert.deepEqual([a.status, a.stdout, a.stderr], [b.status, b.stdout, b.stderr], args.join(" "));
  }
});

test("package-lock.json records exactly package.json's dependencies", () => {
  const lock = JSON.parse(readFileSync(repoPath("package-lock.json"), "utf8")) as {
    name: string; version: string; lockfileVersion: number;
    packages: Record<string, { version?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string>; dev?: boolean }>;
  };
  assert.equal(lock.name, "k42ts");
  assert.equal(lock.version, pkg.version);
  assert.equal(lock.lockfileVersion, 3);
  const top = lock.packages[""];
  assert.deepEqual(top.dependencies ?? {}, pkg.dependencies ?? {});
  assert.deepEqual(top.devDependencies ?? {}, pkg.devDependencies ?? {});
  for (const name of [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]) {
    assert.ok(lock.packages[`node_modules/${name}`]?.version !== undefined, `${name} is locked`);
  }
  // every locked package's own dependencies are locked too
  for (const [path, p] of Object.entries(lock.packages)) {
    for (const dep of Object.keys(p.dependencies ?? {})) {
      const nested = `${path}/node_modules/${dep}`;
      assert.ok(lock.packages[nested] !== undefined || lock.packages[`node_modules/${dep}`] !== undefined, `${path} needs ${dep}`);
    }
  }
  assert.ok(lock.packages["node_modules/cli-progress"].dev !== true, "cli-progress is a run-time dependency");
});
