// /proc for every process of a run, k42-only (under qemu-user /proc is the host's):
//   - guest/timers/procpids.c reads /proc/<child>/stat and status while the child sleeps, is
//     stopped, continued, killed (a zombie until reaped, gone after), and its own threads under
//     /proc/self/task; held to what Linux prints for the same sequence;
//   - Debian's procps (ps -eo, ps -ef, top -bn1) from a shell with background sleeps, a stopped
//     one and a zombie whose parent never waits: the rows (pids, parents, states, commands) and
//     top's task counts, as Linux would show that process tree (the run's program is pid 2, the
//     child of k42's init).

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { buildGuest } from "./testing/cross.js";
import { debianRoot } from "./testing/debian.js";
import { runK42In, TARGETS } from "./testing/matrix.js";
import { K42_BIN } from "./testing/k42-bin.js";

const CLI = K42_BIN;

const EXPECTED = [
  "sleeping child: comm procpids state S ppid-is-me yes threads 1",
  "status: State:\tS (sleeping)",
  "status PPid is me: PPid:\t2",
  "listed in /proc: yes",
  "stopped child: comm procpids state T ppid-is-me yes threads 1",
  "status: State:\tT (stopped)",
  "continued child: comm procpids state S ppid-is-me yes threads 1",
  "killed, not reaped: comm procpids state Z ppid-is-me yes threads 1",
  "status: State:\tZ (zombie)",
  "reaped: No such file or directory",
  "listed in /proc after reaping: no",
  "tasks: 2, the other sleeping: 1",
  "self: comm procpids state R ppid-is-me no threads 2",
  "status: Threads:\t2",
  "",
].join("\n");

for (const t of TARGETS) {
  test(`/proc/<child>/stat and status through sleep, stop, continue, zombie and reaping; /proc/self/task (${t})`, async () => {
    // ppc32 with 64-bit offsets: readdir of /proc meets procfs's inode numbers past 2^32.
    const exe = buildGuest(t, "timers/procpids.c", ["-O2", "-static", "-pthread", ...(t === "ppc32" ? ["-D_FILE_OFFSET_BITS=64"] : [])]);
    const k = await runK42In("deterministic", new Uint8Array(readFileSync(exe)), {
      argv: [exe], env: ["PATH=/bin"], exePath: exe, seed: 7, epoch: 1_000_000_000, memBytes: 64 << 20,
    });
    assert.equal(k.stdout, EXPECTED, `${t}: ${k.error ?? `exit ${k.status}`} ${k.stderr}`);
    assert.equal(k.status, 0);
  });
}

/** The shell's script: three sleeps (one stopped), a zombie under `sleep 31`, then procps. */
const SCRIPT = [
  "sleep 30 & a=$!",
  "sh -c 'sleep 0.05 & exec sleep 31' & b=$!",
  "sleep 32 & c=$!",
  "kill -STOP $c",
  "sleep 0.2",
  "echo ==ps-eo; ps -eo pid,ppid,pgid,sid,stat,comm",
  "echo ==ps-ef; ps -ef",
  "echo ==top; top -bn1",
  "kill -CONT $c",
  "kill $a $b $c",
  "wait",
  "echo end",
].join("\n");

test("Debian's ps -eo, ps -ef and top -bn1 list the run's processes with their parents, states and commands", () => {
  const root = debianRoot("ppc64el", ["procps", "ncurses-base"]);
  const r = spawnSync(process.execPath, [CLI, "run", "--root", root, "--seed", "5", "--epoch", "1700000000", "-e", "TERM=dumb", "--", "/bin/sh", "-c", SCRIPT], {
    encoding: "utf8", maxBuffer: 1 << 24, stdio: ["ignore", "pipe", "pipe"],
  });
  assert.equal(r.status, 0, `k42 run: ${r.stderr}`);
  const out = r.stdout;
  const part = (name: string): string[] => {
    const from = out.indexOf(`==${name}\n`);
    assert.ok(from >= 0, `no ${name} section in:\n${out}`);
    const rest = out.slice(from + name.length + 3);
    const end = rest.search(/^==|^end$/m);
    return rest.slice(0, end < 0 ? undefined : end).split("\n").filter((l) => l.trim() !== "");
  };
  // ps -eo: one row per process, in pid order.
  const rows = part("ps-eo").slice(1).map((l) => l.trim().split(/\s+/));
  const cols = rows.map(([pid, ppid, pgid, sid, stat, comm]) => ({ pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), sid: Number(sid), stat, comm }));
  const sh = cols.find((c) => c.comm === "sh");
  assert.ok(sh !== undefined && sh.ppid === 1 && sh.stat === "S", `the shell, sleeping, child of init: ${out}`);
  const kids = cols.filter((c) => c.ppid === sh.pid);
  assert.deepEqual(kids.map((c) => `${c.stat} ${c.comm}`).sort(), ["R ps", "S sleep", "S sleep", "T sleep"].sort(), "the shell's children");
  const sleep31 = cols.filter((c) => c.ppid === sh.pid && c.comm === "sleep" && c.stat === "S").map((c) => c.pid);
  const zombie = cols.find((c) => c.stat === "Z");
  assert.ok(zombie !== undefined && zombie.comm === "sleep" && sleep31.includes(zombie.ppid), "the zombie, a child of the exec'd sleep 31");
  for (const c of cols) assert.ok(c.sid === sh.sid && c.pgid === sh.pgid, "one session and group (a non-interactive shell)");
  assert.equal(cols.length, 6);
  // ps -ef: the command lines.
  const ef = part("ps-ef");
  assert.match(ef[0], /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/);
  for (const cmd of ["sleep 30", "sleep 31", "sleep 32", "[sleep] <defunct>", "ps -ef"]) {
    assert.ok(ef.some((l) => l.startsWith("root ") && l.endsWith(` ${cmd}`)), `ps -ef lists "${cmd}":\n${ef.join("\n")}`);
  }
  assert.ok(ef.every((l, i) => i === 0 || / \? +00:00:0\d /.test(l)), "no terminal, CPU time under 10 s");
  // top: the task counts (the shell, three sleeps of which one stopped, the zombie, top) and a row per process.
  const top = part("top");
  assert.ok(top.some((l) => /^Tasks:\s+6 total,\s+1 running,\s+3 sleeping,\s+1 stopped,\s+1 zombie$/.test(l)), `top's tasks:\n${top.join("\n")}`);
  assert.ok(top.some((l) => /^MiB Mem :\s+\d+\.\d total/.test(l)), "top reads /proc/meminfo");
  const topRows = top.filter((l) => /^\s*\d+ root /.test(l));
  assert.deepEqual(topRows.map((l) => l.trim().split(/\s+/)[7]).sort(), ["R", "S", "S", "S", "T", "Z"].sort(), "top's state column");
  assert.match(out, /\nend\n$/);
});
