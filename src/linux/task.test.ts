// The task families (time, identity, resources and scheduling, signals, prctl, system) against
// qemu-user and Linux: guest/task/*.c built for ppc64, ppc64le and ppc32, run under qemu-user
// (the oracle) and k42ts on the same binary (static and dynamic; both run modes, see CELLS);
// stdout, stderr and the exit status (or the signal that ended the process) must be identical.
//
// Each program is run twice against qemu: as the user running the tests (root in CI) and, when
// that is root, as "nobody" through setpriv (qemu then runs unprivileged, and k42ts is given
// uid/gid 65534 and no groups), so both the privileged and the unprivileged rules are compared.
// The programs never ask the host for anything that would change it: as root they only call
// setters with arguments that fail Linux's checks first.
//
// Where the host or qemu-user 7.2 differ from the Linux 6.1 that k42ts implements (the host's
// own clocks, names and limits; qemu's shortcuts), the programs print those cases only when
// asked ("linux", "root", "values", ...) and k42ts is held to the literal outputs below: what
// Linux 6.1 answers, from its source (and, for the architecture-independent cases, a native
// build of the same program on a Linux host), or k42ts's documented decision where it is not
// Linux (said at each literal).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { runProgram, type RunOptions } from "./process.js";
import { buildGuest, runQemu, type QemuRun } from "./testing/cross.js";
import { assertSameEnd, buildLinked, libVolumes, qemuLibArgs, runK42In, TARGETS, type K42Run as MatrixRun, type Linkage, type Mode } from "./testing/matrix.js";
import { qemuCommand, type Target } from "../machine/power/difftest/harness.js";

type Extra = Pick<RunOptions, "uid" | "gid" | "groups" | "cpus">;

interface K42Run {
  out: string;
  code: number;
  error?: string;
  signal?: number;
  log: string[];
}

function runK42(exe: string, args: string[], extra: Extra = {}): K42Run {
  const chunks: Buffer[] = [];
  const log: string[] = [];
  const r = runProgram(new Uint8Array(readFileSync(exe)), {
    argv: [exe, ...args], env: ["PATH=/bin"], exePath: exe, seed: 7, epoch: 1_000_000_000,
    stdout: (b) => chunks.push(Buffer.from(b)), stderr: (b) => chunks.push(Buffer.from(b)),
    memBytes: 64 << 20, log: (m) => log.push(m), ...extra,
  });
  return { out: Buffer.concat(chunks).toString(), code: r.exitCode, error: r.error, signal: r.signal, log };
}

/** Tests run as root can compare the unprivileged rules too: qemu under setpriv as nobody. */
const ROOT = process.getuid?.() === 0;
const CAN_DROP = ROOT && spawnSync("setpriv", ["--version"]).status === 0;
const NOBODY: Extra = { uid: 65534, gid: 65534, groups: [] };

function qemuAs(t: Target, exe: string, args: string[], nobody: boolean, linkage: Linkage): QemuRun {
  const qemu = [...qemuCommand(t), ...qemuLibArgs(t, linkage)];
  const cmd = nobody ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...qemu] : qemu;
  return runQemu(t, exe, args, {}, cmd);
}

/** The signal number a qemu run died of (0: it exited). */

/**
 * What the guest wrote to stderr under qemu: less the line qemu-user itself adds when the guest
 * dies of a signal ("qemu: uncaught target signal 6 (Aborted) - core dumped"), which Linux does
 * not write (the death is reported by the exit status, as k42ts reports it).
 */
function guestStderr(q: QemuRun): string {
  const err = q.stderr.toString();
  return q.signal === null ? err : err.replace(/^qemu: uncaught target signal \d+ \([^)\n]*\)( - core dumped)?\n/m, "");
}

/**
 * The program under qemu and k42ts as the same user, linked and run as asked: same stdout, same
 * stderr, same exit status or signal. A dynamic build gets the sysroot's lib/ as a read-only
 * /lib and /lib64 in an otherwise empty root (qemu: -L). No program prints a value that depends
 * on the run mode in what is compared here: time.c's default mode prints only relations
 * between clocks (which hold on the parallel mode's real-time clocks as on qemu's host clocks),
 * and rlimits.c's affinity checks use the processor getcpu names, whichever it is.
 */
async function sameAsQemu(t: Target, src: string, args: string[], nobody: boolean, linkage: Linkage, mode: Mode): Promise<MatrixRun> {
  const exe = buildLinked(t, src, linkage);
  const q = qemuAs(t, exe, args, nobody, linkage);
  const k = await runK42In(mode, new Uint8Array(readFileSync(exe)), {
    argv: [exe, ...args], env: ["PATH=/bin"], exePath: exe, seed: 7, epoch: 1_000_000_000, memBytes: 64 << 20,
    ...(nobody ? NOBODY : {}), ...libVolumes(t, linkage),
  });
  const what = `${t} ${linkage} ${mode} ${src} ${args.join(" ")}${nobody ? " as nobody" : ""}`;
  assert.equal(k.stdout, q.stdout.toString(), `${what}: stdout (k42ts: ${k.error ?? `exit ${k.status}`})`);
  assert.equal(k.stderr, guestStderr(q), `${what}: stderr`);
  assertSameEnd(k, q, what);
  return k;
}

/** Both users (the second only when the tests run as root). */
async function bothUsers(t: Target, src: string, args: string[], linkage: Linkage, mode: Mode): Promise<void> {
  await sameAsQemu(t, src, args, false, linkage, mode);
  if (CAN_DROP) await sameAsQemu(t, src, args, true, linkage, mode);
}

/**
 * The ways each program is compared with qemu: every target static and dynamic in the
 * deterministic mode, and the parallel mode (2 processors, the process on processor 1) on one
 * dynamic target. Not the parallel mode everywhere: a parallel run costs 1 to 2 s more wall
 * time than a deterministic one on the 2-core CI machine (two worker threads start and load the
 * kernel), and this file makes about 40 runs per cell. Measured (this file and fs.test.ts run
 * together, the fs programs in every cell): 65 s before the matrix, 123 s with these cells, 248 s
 * with the parallel mode in all six of this file's cells (which passed too). What the parallel
 * mode can change here (real-time clocks, the processor number, PPCs across processors) does
 * not depend on the target or the linkage, which the deterministic cells cover. Dynamic: ld.so's
 * opens and file mappings are the calls that go to the file servers on the other processor;
 * ppc64le: the target of the Debian programs the personality runs.
 */
const CELLS: readonly { linkage: Linkage; mode: Mode; targets: readonly Target[] }[] = [
  { linkage: "static", mode: "deterministic", targets: TARGETS },
  { linkage: "dynamic", mode: "deterministic", targets: TARGETS },
  { linkage: "dynamic", mode: "parallel", targets: ["ppc64le"] },
];

/** A test per cell of the matrix for `t`, named "<title> (<t>, <linkage>, <mode>)". */
function matrixTest(t: Target, title: string, body: (linkage: Linkage, mode: Mode) => Promise<void>): void {
  for (const c of CELLS) {
    if (c.targets.includes(t)) test(`${title} (${t}, ${c.linkage}, ${c.mode})`, () => body(c.linkage, c.mode));
  }
}

/** A k42ts-only run held to a literal (lines joined with newlines). */
function holds(t: Target, src: string, args: string[], extra: Extra, expected: string[]): K42Run {
  const k = runK42(buildGuest(t, src), args, extra);
  assert.equal(k.out, expected.map((l) => `${l}\n`).join(""), `${t} ${src} ${args.join(" ")}: ${k.error ?? `exit ${k.code}`}`);
  return k;
}

const ROOT_USER: Extra = { uid: 0, gid: 0, groups: [] };
const line = (name: string, cas: string, res: string): string => `${name.padEnd(16)} ${cas.padEnd(40)} -> ${res}`;

for (const t of TARGETS) {
  const is64 = t !== "ppc32";

  matrixTest(t, "time: clocks, sleeps, time of day and their errno cases match qemu", (l, m) => bothUsers(t, "task/time.c", [], l, m));

  test(`time: Linux where qemu-user ignores a failed copy; root steps the guest's own clock (${t})`, () => {
    holds(t, "task/time.c", ["linux"], {}, [line("clock_getres", "bad pointer", "-1 EFAULT"), line("nanosleep", "bad pointer", "-1 EFAULT")]);
    const k = holds(t, "task/time.c", ["root"], ROOT_USER, [
      line("settimeofday", "NULL NULL", "0 0"),
      line("settimeofday", "1234567890.5", "0 0"),
      `${"clock_gettime".padEnd(16)} ${"REALTIME after settimeofday".padEnd(40)} -> 1234567890 1`,
      line("clock_gettime", "MONOTONIC did not jump", "yes"),
      `${"time".padEnd(16)} ${"after settimeofday".padEnd(40)} -> 1234567890`,
      line("settimeofday", "tz -60", "0 0"),
      `${"gettimeofday".padEnd(16)} ${"tz".padEnd(40)} -> -60 0`,
      line("clock_settime", "REALTIME 2e9", "0 0"),
      `${"time".padEnd(16)} ${"after clock_settime".padEnd(40)} -> 2000000000`,
      line("stime", "1.5e9", "0 0"),
      `${"time".padEnd(16)} ${"after stime".padEnd(40)} -> 1500000000`,
      // A fresh kernel's NTP state: unsynchronised (TIME_ERROR), the phase limit as the error
      // bounds, time constant 2, 500 ppm tolerance, a 10 ms tick (USER_HZ 100).
      `${"adjtimex".padEnd(16)} ${"read".padEnd(40)} -> 5 status 0x40 maxerror 16000000 esterror 16000000 constant 2 precision 1 tolerance 32768000 tick 10000 tai 0 offset 0 freq 0`,
      `${"adjtimex".padEnd(16)} ${"ADJ_SETOFFSET +10 s".padEnd(40)} -> 5 advanced 10`,
      `${"adjtimex".padEnd(16)} ${"ADJ_STATUS 0".padEnd(40)} -> 0 status 0x0`,
      // ADJ_TIMECONST adds 4 without STA_NANO (ntp.c).
      `${"adjtimex".padEnd(16)} ${"MAXERROR ESTERROR TIMECONST".padEnd(40)} -> 0 maxerror 100 esterror 50 constant 7`,
      `${"adjtimex".padEnd(16)} ${"ADJ_TAI 37".padEnd(40)} -> 0 tai 37 TAI-REALTIME 37`,
      line("adjtimex", "ADJ_TICK 1", "-1 EINVAL"),
      line("clock_nanosleep", "REALTIME_ALARM as root", "0 0"),
      line("clock_nanosleep", "BOOTTIME_ALARM bad flag", "-1 EINVAL"),
    ]);
    assert.ok(k.log.some((l) => /set its real-time clock.*host's clock is unchanged/.test(l)), "the verbose log says the host's clock is untouched");
  });

  test(`time: the kernel's configuration as k42ts has it (${t})`, () => {
    holds(t, "task/time.c", ["values"], NOBODY, [
      line("cputime", "a busy loop advances PROCESS_CPUTIME_ID", "yes"),
      // CONFIG_HZ 100: the coarse clocks and the profiling clocks tick every 10 ms.
      `${"clock_getres".padEnd(16)} coarse clock ${"5".padEnd(27)} -> 10000000`,
      `${"clock_getres".padEnd(16)} coarse clock ${"6".padEnd(27)} -> 10000000`,
      `${"clock_getres".padEnd(16)} ${"process PROF clock".padEnd(40)} -> 10000000`,
      line("clock_gettime", "REALTIME_ALARM", "0 0"),
      line("clock_gettime", "BOOTTIME_ALARM", "0 0"),
      `${"gettimeofday".padEnd(16)} ${"tz".padEnd(40)} -> 0 0`,
      `${"adjtimex".padEnd(16)} ${"read".padEnd(40)} -> 5 status 0x40 tick 10000`,
      // Sleeping on an alarm clock needs CAP_WAKE_ALARM.
      line("clock_nanosleep", "REALTIME_ALARM", "-1 EPERM"),
      line("times", "ticks since boot (100 Hz)", "yes"),
    ]);
  });

  matrixTest(t, "identity: uid and gid rules for root and an unprivileged user match qemu", (l, m) => bothUsers(t, "task/ids.c", [], l, m));

  // The program is init's child (k42's init is pid 1): pid 2, in init's process group and session.
  test(`identity: the program as init's child; capget and capset (${t})`, () => {
    const caps = [
      line("capget", "v3", "0 0"),
      "capget eff 000001ffffffffff prm 000001ffffffffff inh 0000000000000000",
      line("capget", "unknown version", "-1 EINVAL"),
      "capget version written back 20080522",
      line("capget", "unknown version, NULL data", "0 0"),
      line("capget", "other pid", "-1 ESRCH"),
      line("capset", "drop SYS_TIME effective", "0 0"),
      line("clock_settime", "without SYS_TIME", "-1 EPERM"),
      line("capset", "raise it again", "0 0"),
      line("capset", "drop it from permitted", "0 0"),
      line("capset", "effective beyond permitted", "-1 EPERM"),
      line("capset", "permitted back", "-1 EPERM"),
    ];
    const ids = [
      "getpid 2 gettid 2 getppid 1 getpgrp 1 getpgid(0) 1 getsid(0) 1",
      line("getpgid", "1", "1 0"),
      line("getpgid", "2", "1 0"),
      line("getsid", "-5", "-1 ESRCH"),
      line("setpgid", "0 0 (own group)", "0 0"),
      line("setpgid", "0 -1", "-1 EINVAL"),
      line("setpgid", "7 0", "-1 ESRCH"),
      line("setsid", "(group leader)", "-1 EPERM"),
      line("set_tid_address", "", "2 0"),
    ];
    holds(t, "task/ids.c", ["pids"], ROOT_USER, [...ids, ...caps]);
    holds(t, "task/ids.c", ["pids"], NOBODY, [...ids, ...caps.slice(0, 1), "capget eff 0000000000000000 prm 0000000000000000 inh 0000000000000000", ...caps.slice(2, 6)]);
  });

  matrixTest(t, "resources: limits, usage, nice values, policies and affinity match qemu", (l, m) => bothUsers(t, "task/rlimits.c", [], l, m));

  test(`resources: Linux's default limits, ppc32's old getrlimit, root's and others' changes (${t})`, () => {
    const hex = (v: bigint): string => v.toString(16);
    const inf = hex((1n << 64n) - 1n);
    // INIT_RLIMITS; NPROC and SIGPENDING from a 64 MiB machine: 64 MiB / (8 × 16 KiB) / 2 = 256.
    const defaults = [
      `CPU        ${inf} ${inf}`, `FSIZE      ${inf} ${inf}`, `DATA       ${inf} ${inf}`, `STACK      800000 ${inf}`,
      `CORE       0 ${inf}`, `RSS        ${inf} ${inf}`, "NPROC      100 100", "NOFILE     400 1000", "MEMLOCK    800000 800000",
      `AS         ${inf} ${inf}`, `LOCKS      ${inf} ${inf}`, "SIGPENDING 100 100", "MSGQUEUE   c8000 c8000", "NICE       0 0",
      "RTPRIO     0 0", `RTTIME     ${inf} ${inf}`,
    ];
    const width = is64
      ? [`ugetrlimit CPU ${inf} ${inf}`, `getrlimit (ppc64: not a system call) -> -1 ENOSYS`]
      : [
        "ugetrlimit CPU ffffffff ffffffff",
        "getrlimit CPU 7fffffff 7fffffff", // the old call clamps to 0x7fffffff
        "getrlimit NOFILE 400 1000",
        line("getrlimit", "resource 16", "-1 EINVAL"),
        `prlimit64 CPU 2^32 reads ${inf} ${inf}`, // a 32-bit kernel: 2^32 and above is infinity
      ];
    const common = [
      line("sched_prio_max", "policy 7", "-1 EINVAL"),
      line("sched_prio_min", "policy 7", "-1 EINVAL"),
      line("nice", "+1", "0 0"),
      "getpriority after nice +1 -> 19",
      line("prlimit64", "NOFILE hard 1048577", "-1 EPERM"),
    ];
    const others = (prio: number): string[] => [
      `getpriority PGRP 0 -> ${prio}, PGRP 1 -> ${prio}, USER 0 -> ${prio}, USER own -> ${prio}`,
      line("getpriority", "PGRP 2", "-1 ESRCH"),
      line("getpriority", "USER 12345", "-1 ESRCH"),
      line("setpriority", "PGRP 0 nice 10", "0 0"),
      line("setpriority", "USER own nice 11", "0 0"),
      "getpriority -> 9",
      `sched_getaffinity full set: ${is64 ? 8 : 4} bytes, 1 processors`,
    ];
    holds(t, "task/rlimits.c", ["linux"], ROOT_USER, [
      ...defaults, ...width, ...common,
      line("prlimit64", "NOFILE hard 1048576 (root)", "0 0"),
      line("prlimit64", "NOFILE 1024 100", "-1 EINVAL"),
      line("prlimit64", "NOFILE 50 100", "0 0"),
      line("prlimit64", "NOFILE hard back to 4096 (root)", "0 0"),
      line("sched_setsched", "FIFO 10 (root)", "0 0"),
      line("sched_getparam", "", "0 0"),
      "sched FIFO: policy 1 priority 10",
      line("sched_setsched", "OTHER (root)", "0 0"),
      line("setpriority", "nice -5 (root)", "0 0"),
      "getpriority -> 25",
      ...others(25),
    ]);
    holds(t, "task/rlimits.c", ["linux"], NOBODY, [
      ...defaults, ...width, ...common,
      "NICE limit 0 0",
      line("setpriority", "nice 5", "0 0"),
      line("setpriority", "nice 4 (lower, no room)", "-1 EACCES"),
      line("nice", "-1 (no room)", "-1 EPERM"),
      ...others(15),
    ]);
  });

  matrixTest(t, "signals: actions, masks, pending sets, the alternate stack and SIGPIPE sent to oneself match qemu", async (l, m) => {
    await bothUsers(t, "task/signals.c", [], l, m);
    const k = await sameAsQemu(t, "task/signals.c", ["term"], false, l, m);
    assert.equal(k.signal, 15, "SIGTERM ends the process when it is unblocked");
    const a = await sameAsQemu(t, "task/signals.c", ["abort"], false, l, m);
    assert.equal(a.status, 134, "abort(): SIGABRT, status 134");
    // A signal sent to itself with a handler installed: the handler runs before kill returns.
    await sameAsQemu(t, "task/signals.c", ["caught"], false, l, m);
  });

  test(`signals: Linux where qemu-user 7.2 is not (${t})`, () => {
    holds(t, "task/signals.c", ["linux"], {}, [
      // UAPI_SA_FLAGS: unknown flags are dropped; SIGKILL and SIGSTOP never enter a mask.
      "read back: flags 10000000 KILL 0 STOP 0 USR2 1",
      line("sigaltstack", "SS_AUTODISARM", "0 0"),
      `${"autodisarm".padEnd(30)} flags 80000000 size 65536`,
      // MINSIGSTKSZ: 8192 on ppc64, 2048 on ppc32.
      line("sigaltstack", "size 4096 (ppc64 needs 8192)", is64 ? "-1 ENOMEM" : "0 0"),
      // kill(-1): every process but init and oneself; this process is both.
      line("kill", "-1 0", "-1 ESRCH"),
    ]);
  });

  matrixTest(t, "prctl: the options and argument checks qemu passes through match", (l, m) => bothUsers(t, "task/prctl.c", [], l, m));

  test(`prctl: Linux's answers where qemu-user refuses (${t})`, () => {
    const head = [
      line("PR_GET_FPEXC", "", "0 0"),
      `${"PR_GET_FPEXC".padEnd(16)} ${"value".padEnd(40)} -> 0`,
      line("PR_SET_FPEXC", "DISABLED", "0 0"),
      // set_fpexc_mode: a mode up to PRECISE is the thread's MSR[FE0 FE1]; SPE's bits and
      // larger modes are EINVAL (traps themselves: fpexc.test.ts).
      line("PR_SET_FPEXC", "PRECISE", "0 0"),
      line("PR_GET_FPEXC", "after PRECISE", "0 0"),
      `${"PR_GET_FPEXC".padEnd(16)} ${"value".padEnd(40)} -> 3`,
      line("PR_SET_FPEXC", "SW_ENABLE (no SPE)", "-1 EINVAL"),
      line("PR_SET_FPEXC", "4", "-1 EINVAL"),
      line("PR_SET_FPEXC", "DISABLED", "0 0"),
      line("PR_GET_ENDIAN", "", "0 0"),
      `${"PR_GET_ENDIAN".padEnd(16)} ${"value".padEnd(40)} -> ${t === "ppc64le" ? 1 : 0}`,
      line("PR_SET_ENDIAN", "its own", "0 0"),
      line("PR_SET_ENDIAN", "PPC_LITTLE", "-1 EINVAL"),
      line("PR_SET_ENDIAN", "3", "-1 EINVAL"),
      line("PR_SET_CHILD_SUBREAPER", "5", "0 0"),
      line("PR_GET_CHILD_SUBREAPER", "", "0 0"),
      `${"PR_GET_CHILD_SUBREAPER".padEnd(16)} ${"value".padEnd(40)} -> 1`,
      line("PR_GET_TID_ADDRESS", "", "0 0"),
      line("PR_GET_TID_ADDRESS", "is set_tid_address's", "yes"),
      line("PR_GET_THP_DISABLE", "", "0 0"),
      line("PR_SET_THP_DISABLE", "1", "0 0"),
      line("PR_GET_THP_DISABLE", "after 1", "1 0"),
      line("PR_SET_THP_DISABLE", "1 1", "-1 EINVAL"),
      line("PR_GET_SECCOMP", "", "0 0"),
      // Root too (a k42ts decision: the address space's recorded layout is not changeable).
      line("PR_SET_MM", "START_CODE", "-1 EPERM"),
      line("PR_SET_MM", "arg5 set", "-1 EINVAL"),
      line("PR_TASK_PERF_EVENTS_DISABLE", "", "0 0"),
      line("PR_CAPBSET_READ", "40", "1 0"),
    ];
    holds(t, "task/prctl.c", ["linux"], ROOT_USER, [
      ...head,
      line("PR_CAPBSET_DROP", "40", "0 0"),
      line("PR_CAPBSET_READ", "40 after the drop", "0 0"),
      line("PR_CAPBSET_DROP", "41", "-1 EINVAL"),
      line("PR_SET_SECUREBITS", "KEEP_CAPS", "0 0"),
      line("PR_GET_KEEPCAPS", "after it", "1 0"),
      line("PR_SET_SECUREBITS", "KEEP_CAPS locked", "0 0"),
      line("PR_SET_KEEPCAPS", "0 (locked)", "-1 EPERM"),
      line("PR_SET_SECUREBITS", "unlock", "-1 EPERM"),
      line("PR_SET_IO_FLUSHER", "1", "0 0"),
      line("PR_GET_IO_FLUSHER", "", "1 0"),
    ]);
    holds(t, "task/prctl.c", ["linux"], NOBODY, [
      ...head,
      line("PR_SET_IO_FLUSHER", "unprivileged", "-1 EPERM"),
      // Linux 6.1 asks for CAP_SETPCAP even for no change; 0x100 is unknown to 6.1.
      line("PR_SET_SECUREBITS", "0 unprivileged", "-1 EPERM"),
      line("PR_SET_SECUREBITS", "0x100 (unknown to 6.1)", "-1 EPERM"),
    ]);
  });

  matrixTest(t, "system: uname, sysinfo, getrandom and the refusals match qemu", (l, m) => bothUsers(t, "task/system.c", [], l, m));

  test(`system: the guest's names, memory, uptime and personality; getrandom up to a hole (${t})`, () => {
    const machine = t === "ppc32" ? "ppc" : t;
    const m32 = t === "ppc64le" ? "ppcle" : "ppc";
    const tail = (host: string): string[] => [
      // ppc64_personality reports PER_LINUX32 as PER_LINUX and keeps it when asked for PER_LINUX.
      `personality(PER_LINUX32) -> 0`,
      `personality(query) -> ${is64 ? 0 : 8}`,
      `uname under PER_LINUX32: ${m32}`,
      `personality(PER_LINUX|UNAME26) -> ${is64 ? 0 : 8}`,
      "personality(query) -> 20000",
      `uname under UNAME26: 2.6.61-k42ts ${m32}`,
      ...(is64 ? [] : [
        line("olduname", "", "0 0"),
        `olduname: Linux ${host} ppc`,
        line("oldolduname", "", "0 0"),
        "oldolduname: Linux 6.1.0-k4 #1 SMP k ppc",
        line("olduname", "NULL", "-1 EFAULT"),
      ]),
    ];
    const head = [
      `uname: Linux | k42 | 6.1.0-k42ts | #1 SMP k42ts | ${machine} | (none)`,
      "sysinfo: uptime 1 loads 0 0 0 totalram 67108864 procs 1 mem_unit 1 shared 0 buffer 0 swap 0 0",
      line("sysinfo", "some memory is free, some is not", "yes"),
    ];
    const k = holds(t, "task/system.c", ["values"], ROOT_USER, [
      ...head,
      line("sethostname", "guest", "0 0"),
      line("setdomainname", "example", "0 0"),
      line("sethostname", "empty", "0 0"),
      "uname: nodename [h] (then 0 105) domainname [example]",
      // Not Linux: the kernel's message log is not kept (ENOSYS), and the guest never reboots its machine.
      line("syslog", "SIZE_BUFFER (root)", "-1 ENOSYS"),
      line("reboot", "CAD_OFF (root)", "-1 EPERM"),
      ...tail("h"),
    ]);
    assert.ok(k.log.some((l) => /does not reboot/.test(l)));
    holds(t, "task/system.c", ["values"], NOBODY, [...head, ...tail("k42")]);
    holds(t, "task/system.c", ["linux"], NOBODY, [
      line("getrandom", "200 bytes, 100 before a hole", "100 0"),
      line("getrandom", "at the hole", "-1 EFAULT"),
      line("syslog", "unprivileged type 99", "-1 EPERM"),
    ]);
  });
}
