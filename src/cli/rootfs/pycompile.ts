// Byte-compiling a root's Python modules, as Debian's maintainer scripts do at installation
// (python3.11's postinst runs `python3.11 -E -S py_compile.py FILES` over the standard library,
// py3compile covers /usr/share/python3 and dist-packages), so that the first `python3` in the
// root does not compile its imports.
//
// Debian runs the root's own python for this. k42 cannot run it at build time without an
// emulator, but a .pyc does not depend on the machine that wrote it: it is the source's
// timestamp and size and the marshalled code object, and CPython's compiler and marshal are the
// same on every platform for the same bytecode version (the magic number, which changes with
// every bytecode change of a release series). So the host's python writes the same files
// when its magic number is the guest's: the test checks that against the guest's python under
// qemu, file for file. Without such a python on the host the root is left without .pyc files
// (the guest then compiles on first import, into its copy-on-write layer) and the build says so.

import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join, posix } from "node:path";
import { hostPathIn } from "./root-path.js";

export interface PycResult {
  /** The Python versions of the root (e.g. "3.11"), each with its outcome. */
  versions: { version: string; magic: number; python?: string; compiled: number; failed: number; skipped?: string }[];
}

/** The root's CPython versions: /usr/lib/python3.N with their bytecode magic numbers. */
export function guestPythons(root: string): { version: string; magic: number }[] {
  const lib = hostPathIn(root, "/usr/lib");
  if (!existsSync(lib)) return [];
  const out: { version: string; magic: number }[] = [];
  for (const d of readdirSync(lib).sort()) {
    const m = /^python(3\.\d+)$/.exec(d);
    if (m === null) continue;
    const boot = join(lib, d, "importlib", "_bootstrap_external.py");
    if (!existsSync(boot)) continue;
    const magic = /^MAGIC_NUMBER = \((\d+)\)\.to_bytes\(2, 'little'\)/m.exec(readFileSync(boot, "utf8"));
    if (magic !== null) out.push({ version: m[1], magic: Number(magic[1]) });
  }
  return out;
}

/** A host python whose bytecode magic number is `magic`, preferring python3.N. */
export function hostPython(version: string, magic: number): string | undefined {
  for (const exe of [`python${version}`, "python3"]) {
    const r = spawnSync(exe, ["-E", "-S", "-c", "import importlib.util as u; print(int.from_bytes(u.MAGIC_NUMBER[:2], 'little'))"], { encoding: "utf8" });
    if (r.error === undefined && r.status === 0 && Number(r.stdout.trim()) === magic) return exe;
  }
  return undefined;
}

/** The guest paths of the .py files Debian would byte-compile for python `version` (links
 *  included: /usr/lib/python3.11/sitecustomize.py is one). */
function sources(root: string, version: string, isDefault: boolean): string[] {
  const dirs = [`/usr/lib/python${version}`, ...(isDefault ? ["/usr/lib/python3/dist-packages", "/usr/share/python3"] : [])];
  const out: string[] = [];
  const walk = (guest: string): void => {
    const host = join(root, guest);
    for (const name of readdirSync(host).sort()) {
      if (name === "__pycache__") continue;
      const g = posix.join(guest, name);
      const st = lstatSync(join(root, g));
      if (st.isDirectory()) walk(g);
      else if (name.endsWith(".py") && (st.isFile() || st.isSymbolicLink())) out.push(g);
    }
  };
  for (const d of dirs) {
    const host = hostPathIn(root, d);
    if (existsSync(host) && lstatSync(host).isDirectory()) walk(d);
  }
  return out;
}

// Run by the host python: compile each [source, pyc, name-in-code] line like py_compile's
// command line does (timestamp-checked .pyc, the guest's path as the code's file name).
const COMPILER = `
import json, sys, py_compile
ok = bad = 0
for line in sys.stdin:
    src, cfile, dfile = json.loads(line)
    try:
        py_compile.compile(src, cfile=cfile, dfile=dfile, doraise=True,
                           invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP)
        ok += 1
    except py_compile.PyCompileError:
        bad += 1
print(ok, bad)
`;

/** Byte-compile the root's Python modules with a host python of the same bytecode version. */
export function byteCompile(root: string): PycResult {
  const pythons = guestPythons(root);
  const versions: PycResult["versions"] = [];
  // The default python3 (the one /usr/bin/python3 names) also compiles dist-packages and
  // /usr/share/python3, as py3compile does.
  const python3 = hostPathIn(root, "/usr/bin/python3");
  const defaultVersion = existsSync(python3) ? /python(3\.\d+)$/.exec(realpathSync(python3))?.[1] : undefined;
  pythons.forEach(({ version, magic }) => {
    const isDefault = version === defaultVersion;
    const python = hostPython(version, magic);
    if (python === undefined) {
      versions.push({ version, magic, compiled: 0, failed: 0, skipped: `no python${version} on this host with bytecode magic ${magic}` });
      return;
    }
    const tag = `cpython-${version.replace(".", "")}`;
    const input = sources(root, version, isDefault).map((g) => {
      const dir = posix.dirname(g), stem = posix.basename(g, ".py");
      return JSON.stringify([hostPathIn(root, g), join(hostPathIn(root, dir), "__pycache__", `${stem}.${tag}.pyc`), g]);
    }).join("\n") + "\n";
    const r = spawnSync(python, ["-E", "-S", "-c", COMPILER], { input, encoding: "utf8", maxBuffer: 1 << 24 });
    if (r.error !== undefined || r.status !== 0) throw new Error(`${python} failed byte-compiling the root's modules:\n${(r.stderr ?? "").trim()}`);
    const [ok, bad] = r.stdout.trim().split(/\s+/).map(Number);
    versions.push({ version, magic, python, compiled: ok, failed: bad });
  });
  return { versions };
}
