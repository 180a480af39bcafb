// Debian's real ppc64el userland, dynamically linked, run from a Debian root by `k42 run --root`
// exactly as a user runs it, against qemu-ppc64le-static chrooted into the same tree: stdout,
// stderr and exit status identical. Once in deterministic mode and once in parallel mode on
// two processors. The root is built once for all tests (build/rootfs, see testing/debian.ts).
//
// Why a chroot and not `qemu-ppc64le -L ROOT`: -L only redirects the paths it finds under ROOT
// when qemu starts, and `ls -la /etc` under -L lists the host's /etc. So both sides get a
// hard-linked copy of the root (the same inodes: link counts and times agree), qemu runs
// chrooted in it (as root, else in a user namespace with `unshare -r`), and k42 gets it as
// --root. k42 runs each command first: the copy-on-write layer leaves the tree as it was,
// whereas qemu writes into it (the sqlite database, python's file: both removed again).
// Input files are in /data of the copy, which k42 sees through a read-only bind mount (-v).

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { debianDefaultRoot, debianRoot } from "./testing/debian.js";

/** k42 run's default environment (cli/run-args.ts), given to qemu too. */
const DEFAULT_ENV = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "TERM=xterm", "LANG=C.UTF-8", "HOSTNAME=k42"];

const CLI = K42_BIN;

interface Out { stdout: string; stderr: string; status: number | null }

const QEMU_STATIC = "/usr/bin/qemu-ppc64le-static";

function qemu(root: string, prog: string, args: string[]): Out {
  const chroot = process.getuid?.() === 0 ? ["chroot"] : ["unshare", "-r", "chroot"];
  const r = spawnSync(chroot[0], [...chroot.slice(1), root, "/qemu-ppc64le-static", prog, ...args], {
    encoding: "utf8", cwd: "/", maxBuffer: 1 << 26,
    // k42 run's default environment (run-args.ts DEFAULT_ENV).
    env: Object.fromEntries(DEFAULT_ENV.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)])),
  });
  if (r.error !== undefined) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** A hard-linked copy of `root` with qemu-ppc64le-static at its top and a /data folder. */
function copyRoot(root: string): string {
  const dir = mkdtempSync(join(tmpdir(), "k42-debian-"));
  const copy = join(dir, "root");
  const cp = spawnSync("cp", ["-al", root, copy], { encoding: "utf8" });
  if (cp.status !== 0) throw new Error(`cp -al ${root}: ${cp.stderr}`);
  copyFileSync(QEMU_STATIC, join(copy, "qemu-ppc64le-static"));
  chmodSync(join(copy, "qemu-ppc64le-static"), 0o755);
  mkdirSync(join(copy, "data"));
  return copy;
}

function k42(root: string, mode: string[], prog: string, args: string[]): Out {
  const r = spawnSync(process.execPath, [CLI, "run", "--root", root, ...mode, "-v", `${join(root, "data")}:/data:ro`, "--", prog, ...args], {
    encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "pipe"],
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const PY = `
import json, re, hashlib, math, datetime, os, sys
d = {"name": "k42", "cpus": [1, 2, 4], "nested": {"pi": 3.25, "ok": True}}
s = json.dumps(d, sort_keys=True)
print(s, json.loads(s) == d)
print(re.sub(r"(\\d+)", lambda m: str(int(m.group(1)) * 2), "a1b22c333"), re.findall(r"[aeiou]", "protected procedure call"))
print(hashlib.sha256(b"clustered objects").hexdigest(), hashlib.md5(b"hot-swap").hexdigest())
print(math.sin(1.0), math.cos(2.5), math.atan2(1, 3), math.sqrt(2), math.factorial(20))
print(datetime.date(2026, 12, 7).isoformat(), datetime.datetime(2006, 4, 18, 12, 30).strftime("%A %d %B %Y %H:%M"), datetime.timedelta(days=3, hours=5))
p = sys.argv[1]
with open(p, "w") as f:
    f.write("line %d\\n" * 3 % (1, 2, 3))
with open(p) as f:
    print(f.read().splitlines())
os.remove(p)
print(os.path.exists(p))
`;
import { K42_BIN } from "./testing/k42-bin.js";

const LUA = `local t = {}
for i = 1, 12 do t[#t + 1] = string.format("%03d", i * i) end
print(table.concat(t, ","))
print(("k42 "):upper():rep(3, "|"), #t, string.find("protected procedure call", "pro", 2))
local words = {}
for w in ("the quick brown fox"):gmatch("%a+") do words[#words + 1] = w:reverse() end
table.sort(words)
print(table.concat(words, " "), math.floor(2^40), 7 // 2, 7 % -3)`;

const BASH = `for i in 1 2 3; do x="item$i"; echo "\${x^^} \${#x} \${x/item/it} \${x:1:3}"; done
n=0; while [ $n -lt 5 ]; do n=$((n + 1)); done; echo "n=$n"
arr=(alpha beta gamma); echo "\${#arr[@]} \${arr[1]} \${arr[@]: -1}"
printf '%05.2f|%-6s|%x|%o|%s\\n' 3.14159 ab 255 8 "\${arr[*]}"
case "k42ts" in k42*) echo matched;; *) echo no;; esac`;

function commands(tag: string): [string, string[]][] {
  const input = "/data/input.txt";
  const db = `/tmp/k42-sqlite-${tag}.db`;
  return [
    ["/usr/bin/ls", ["-la", "/etc"]],
    ["/usr/bin/cat", [input]],
    ["/usr/bin/sort", [input]],
    ["/usr/bin/uniq", ["-c", "/data/sorted.txt"]], // a pipe from sort needs processes (the next issue)
    ["/usr/bin/wc", [input]],
    ["/usr/bin/sha256sum", [input]],
    ["/usr/bin/head", ["-n", "3", input]],
    ["/usr/bin/tail", ["-n", "2", input]],
    ["/usr/bin/find", ["/usr/lib/python3.11", "-name", "json*"]],
    ["/usr/bin/bash", ["-c", BASH]],
    ["/usr/bin/python3", ["-c", PY, `/tmp/k42-py-${tag}.txt`]],
    ["/usr/bin/sqlite3", [db, "create table t(a integer, b text); insert into t values (1, 'one'), (2, 'two'), (3, 'three'); select b, a * 10 from t where a > 1 order by a desc; select count(*) from t;"]],
    ["/usr/bin/lua5.4", ["-e", LUA]],
    ["/usr/bin/ls", ["/nonexistent"]], // exit status 2 and an error message
  ];
}

for (const [mode, flags] of [["deterministic", []], ["parallel", ["--parallel", "--cpus", "2"]]] as const) {
  test(`Debian ppc64el programs from a root match qemu-ppc64le (${mode})`, () => {
    const root = copyRoot(debianDefaultRoot());
    try {
      const fruit = ["pear", "apple", "fig", "apple", "kiwi", "pear", "apple", "banana"];
      writeFileSync(join(root, "data", "input.txt"), fruit.join("\n") + "\n");
      writeFileSync(join(root, "data", "sorted.txt"), [...fruit].sort().join("\n") + "\n");
      for (const [prog, args] of commands(mode)) {
        const k = k42(root, [...flags], prog, args);
        const q = qemu(root, prog, args);
        const what = `${prog} ${args.join(" ").slice(0, 60)} (${mode})`;
        assert.equal(k.stderr, q.stderr, `${what}: stderr`);
        assert.equal(k.stdout, q.stdout, `${what}: stdout`);
        assert.equal(k.status, q.status, `${what}: exit status`);
      }
    } finally {
      rmSync(dirname(root), { recursive: true, force: true });
    }
  });
}

test("lscpu and numactl --hardware describe the emulated machine (4 processors on 2 NUMA nodes) from sysfs and procfs", () => {
  // Checked against what Linux prints for such a machine (qemu-user would show the host's).
  const root = debianRoot("ppc64el", ["numactl", "util-linux"]);
  const run = (prog: string, ...args: string[]): string => {
    const r = spawnSync(process.execPath, [CLI, "run", "--root", root, "--cpus", "4", "--numa", "2", "--", prog, ...args], { encoding: "utf8" });
    assert.equal(r.status, 0, `${prog}: ${r.stderr}`);
    assert.equal(r.stderr, "");
    return r.stdout;
  };
  const numactl = run("/usr/bin/numactl", "--hardware");
  for (const line of [/^available: 2 nodes \(0-1\)$/m, /^node 0 cpus: 0 1$/m, /^node 1 cpus: 2 3$/m, /^node 0 size: \d+ MB$/m, /^node 1 free: \d+ MB$/m, /^ {2}0: {2}10 {2}20 $/m, /^ {2}1: {2}20 {2}10 $/m]) {
    assert.match(numactl, line);
  }
  const lscpu = run("/usr/bin/lscpu");
  for (const line of [/^Architecture: +ppc64le$/m, /^CPU\(s\): +4$/m, /^On-line CPU\(s\) list: +0-3$/m, /^Model name: +POWER8 \(architected\), altivec supported$/m, /^NUMA node\(s\): +2$/m, /^NUMA node1 CPU\(s\): +2,3$/m]) {
    assert.match(lscpu, line);
  }
});
