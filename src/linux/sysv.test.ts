// System V IPC against qemu-user: guest/sysv/*.c (shared memory across fork and execve,
// semaphores with waits and undo, message queues with typed receives, POSIX shared memory and
// semaphores over /dev/shm, the direct calls) built for ppc64, ppc64le and ppc32 and run under
// qemu-user (the oracle) and k42ts: stdout, stderr and the exit status must be identical.
//
// qemu-user uses the host's IPC namespace: the programs make only IPC_PRIVATE objects or
// objects keyed by their pid, and remove all of them. What qemu-user gets wrong, and the
// limits (which depend on the host's sysctls), are checked against Linux's answers in k42
// alone (guest/sysv/linux.c).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { constants } from "node:os";
import { runQemu } from "./testing/cross.js";
import { buildLinked, libVolumes, runK42In, SYSROOT, TARGETS, type Linkage, type Mode } from "./testing/matrix.js";
import { qemuCommand, type Target } from "../machine/power/difftest/harness.js";
import { runProgram } from "./process.js";

const CPU: Record<Target, string> = { ppc64: "power8", ppc64le: "power8", ppc32: "7400" };

/** qemu-user's own crashes (see processes.test.ts): such a run is no oracle and is made again. */
const QEMU_CRASH = /^(\*\*$|ERROR:|Bail out!|qemu-[a-z0-9]+: .*Assertion)/m;

function qemuRun(t: Target, exe: string, linkage: Linkage): { out: string; status: number } {
  for (let i = 0; ; i++) {
    const [bin] = qemuCommand(t);
    const env: Record<string, string> = { QEMU_WRAP: `/usr/bin/${bin}`, QEMU_CPU: CPU[t] };
    if (linkage === "dynamic") env.QEMU_LD_PREFIX = SYSROOT[t];
    const q = runQemu(t, exe, [], env);
    const status = q.signal === null ? (q.status ?? -1) : 128 + constants.signals[q.signal];
    const err = q.stderr.toString().replace(/^qemu: uncaught target signal \d+ \([^)\n]*\)( - core dumped)?\n/gm, "");
    const r = { out: q.stdout.toString() + err, status };
    if (!QEMU_CRASH.test(r.out) || i >= 9) return r;
  }
}

async function k42Run(t: Target, exe: string, linkage: Linkage, mode: Mode): Promise<{ out: string; status: number }> {
  const lib = libVolumes(t, linkage).volumes ?? [];
  const r = await runK42In(mode, new Uint8Array(readFileSync(exe)), {
    argv: [exe], env: ["PATH=/bin"], exePath: exe, seed: 11, epoch: 1_000_000_000, memBytes: 256 << 20,
    volumes: [...lib, { host: dirname(exe), guest: dirname(exe), readonly: true }],
  });
  return { out: r.stdout + r.stderr, status: r.status };
}

/**
 * The cells, within the file's time budget (~40 s): every program on every target static in
 * the deterministic mode; dynamic on one target each (glibc's IPC code is the same, the start
 * differs); the parallel mode (two processors: a program's processes and their waits cross
 * nothing, but their threads' user code may run elsewhere) on ppc64le for the programs with
 * waits between processes.
 */
const PROGRAMS: readonly { prog: string; dynamic: Target; parallel: boolean }[] = [
  { prog: "shm", dynamic: "ppc64", parallel: true },
  { prog: "sem", dynamic: "ppc64le", parallel: true },
  { prog: "msg", dynamic: "ppc32", parallel: true },
  { prog: "posix", dynamic: "ppc64", parallel: true },
  { prog: "direct", dynamic: "ppc32", parallel: false },
];

/** qemu's answer per program, target and linkage (the static build serves both modes). */
const oracle = new Map<string, { out: string; status: number }>();
function qemuOnce(t: Target, exe: string, linkage: Linkage): { out: string; status: number } {
  const key = `${exe}:${linkage}`;
  let r = oracle.get(key);
  if (r === undefined) {
    r = qemuRun(t, exe, linkage);
    oracle.set(key, r);
  }
  return r;
}

for (const { prog, dynamic, parallel } of PROGRAMS) {
  const cells: [Target, Linkage, Mode][] = TARGETS.map((t) => [t, "static", "deterministic"]);
  cells.push([dynamic, "dynamic", "deterministic"]);
  if (parallel) cells.push(["ppc64le", "static", "parallel"]);
  for (const [t, linkage, mode] of cells) {
    test(`guest/sysv/${prog}.c matches qemu-user (${t}, ${linkage}, ${mode})`, async () => {
      const exe = buildLinked(t, `sysv/${prog}.c`, linkage);
      const want = qemuOnce(t, exe, linkage);
      const got = await k42Run(t, exe, linkage, mode);
      assert.equal(got.out, want.out);
      assert.equal(got.status, want.status);
    });
  }
}

/** A program under k42 alone (deterministic, static), as user `uid`: its output, status and frame counts. */
function k42Alone(t: Target, prog: string, uid: number): { out: string; status: number; frames: { allocated: number[]; freed: number[] } | undefined } {
  const exe = buildLinked(t, `sysv/${prog}.c`, "static");
  const out: Buffer[] = [];
  const r = runProgram(new Uint8Array(readFileSync(exe)), {
    argv: [exe], env: [], exePath: exe, seed: 7, epoch: 1_000_000_000, memBytes: 256 << 20, uid, gid: uid,
    volumes: [{ host: dirname(exe), guest: dirname(exe), readonly: true }],
    stdout: (b) => out.push(Buffer.from(b)), stderr: (b) => out.push(Buffer.from(b)),
  });
  return { out: Buffer.concat(out).toString(), status: r.exitCode, frames: r.frames };
}

/** guest/sysv/linux.c's lines as Linux 6.1 prints them for an ordinary user (the defaults of a fresh IPC namespace). */
function linuxExpected(t: Target): string {
  const shmInfo = t === "ppc32"
    // A 32-bit process's struct shminfo64 (compat): shmmax clamped to INT_MAX, shmall's low 32 bits.
    ? "shm IPC_INFO -> 0: shmmax 2147483647 shmmin 1 shmmni 4096 shmseg 4096 shmall 4278190079"
    : "shm IPC_INFO -> 0: shmmax 18446744073692774399 shmmin 1 shmmni 4096 shmseg 4096 shmall 18446744073692774399";
  return [
    "euid is 0: no",
    "shm ids: 0 then 1",
    // The 65th id: slots 0..63 used in turn, then slot 0 again with the next sequence number.
    "after 65 segments: the last 32768, the next 32769",
    "first semaphore set 0, first queue 0",
    shmInfo,
    "sem IPC_INFO -> 0: semmap 1024000000 semmni 32000 semmns 1024000000 semmnu 1024000000 semmsl 32000 semopm 500 semume 500 semusz 20 semvmx 32767 semaem 32767",
    "msg IPC_INFO -> 0: msgpool 512000 msgmap 16384 msgmax 8192 msgmnb 16384 msgmni 32000 msgssz 16 msgtql 16384 msgseg 65535",
    "SHM_INFO -> highest slot right: used_ids 2 shm_tot 5 shm_rss 2 shm_swp 0",
    "shmctl     SHM_STAT of a segment of mode 0                  -> EACCES",
    "shmctl     SHM_STAT_ANY of it gives the id                  -> yes",
    // qemu-user finds an address itself and attaches there; Linux refuses SHM_REMAP without one.
    "shmat      address 0 with SHM_REMAP                         -> EINVAL",
    // Not Linux's answer with huge pages configured: the emulated machine has none (logged).
    "shmget     SHM_HUGETLB (no huge pages)                      -> ENOSYS",
    "shmget     more than the machine's memory                   -> ENOMEM",
    "shmget     the same with SHM_NORESERVE                      -> ok",
    "shmctl     SHM_LOCK (RLIMIT_MEMLOCK 8 MiB)                  -> ok",
    "shmctl     SHM_LOCK of 9 MiB more                           -> ENOMEM",
    // Not built: the old structure layouts (Linux would fill struct shmid_ds).
    "shmctl     IPC_STAT, the old layout (no IPC_64)             -> ENOSYS",
    "SEM_INFO -> highest slot right: semusz (sets) 1 semaem (semaphores) 4",
    // powerpc's direct semctl takes the command as it is (qemu-user masks IPC_64 off).
    "semctl     GETVAL with IPC_64, the direct call              -> EINVAL",
    "semctl     ctime is set, otime not yet                      -> yes",
    "semctl     otime is set                                     -> yes",
    "MSG_INFO -> highest slot right: msgpool (queues) 1 msgmap (messages) 2 msgtql (bytes) 4",
    "msgctl     lspid is the caller, lrpid none                  -> yes",
    "msgctl     stime and ctime are set, rtime not               -> yes",
    "msgctl     lrpid is the caller, rtime set                   -> yes",
    "msgctl     IPC_SET msg_qbytes past MSGMNB                   -> EPERM",
    "",
  ].join("\n");
}

for (const t of TARGETS) {
  test(`guest/sysv/linux.c gives Linux's limits, ids and answers where qemu-user is no oracle (${t}, k42 only)`, () => {
    const r = k42Alone(t, "linux", 1000);
    assert.equal(r.out, linuxExpected(t));
    assert.equal(r.status, 0);
  });
}

test("every frame of the segments goes back when the programs remove them (shm.c and posix.c, ppc64le)", () => {
  for (const prog of ["shm", "posix"]) {
    const r = k42Alone("ppc64le", prog, 0);
    assert.equal(r.status, 0, r.out);
    const f = r.frames;
    assert.ok(f !== undefined);
    assert.deepEqual(f.freed, f.allocated, `${prog}: frames taken and given back per node`);
  }
});
