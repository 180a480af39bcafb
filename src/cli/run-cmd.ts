// `k42 run`: parse the options (run-args.ts), find the program (a path in the guest root, a name
// on the guest's PATH, or a host file qemu-user style), make sure of the root (the default root
// is built on first use), and run it; the exit status is the guest's.
//
// Exit statuses of k42 itself (as docker run's): 2 bad usage; 125 the machine deadlocked or k42
// could not set up the run (an unusable root, overlay or volume); 126 the program cannot be
// executed (not an executable, a directory, a malformed or foreign ELF); 127 the program or
// its ELF interpreter was not found. Otherwise the guest's status (128+N for a signal).

import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { DEADLOCK_EXIT_STATUS } from "../machine/port.js";
import { ExecError, runProgram, runProgramParallel, type RunOptions, type RunResult } from "../linux/process.js";
import { resolveInRoot } from "../linux/process/root-interp.js";
import { E } from "../linux/errno.js";
import { FileServersError } from "../servers/fs/start.js";
import { ChoiceError, checkChoices } from "../kernel/mem/system.js";
import { toChrome, writeChrome } from "../kernel/trace/chrome.js";
import type { TraceEvent } from "../kernel/trace/drain.js";
import { openStraceOutput } from "./strace-out.js";
import { parseRunArgs, UsageError, type RunRequest } from "./run-args.js";
import { ensureDefaultRoot } from "./rootfs/default-root.js";
import { checkWritable } from "./trace-file.js";

export const RUN_USAGE = `usage: k42 run [--root DIR] [--overlay DIR] [-v|--volume HOST:GUEST[:ro]]... [-e VAR[=VAL]]...
               [-w DIR] [--user UID[:GID]] [--cpus N] [--numa M] [--cpu C] [--parallel [--workers W]]
               [--strace[=FILE]] [--trace FILE] [--seed N] [--epoch T] [--object TYPE=IMPL]...
               [--engine block|step|wasm] [--max-instructions N] [--max-procs N] [--memory SIZE]
               [--stats] [--verbose]
               [--] [PROGRAM [ARGS...]]`;

export const RUN_HELP = `${RUN_USAGE}
Runs an unmodified PowerPC Linux program (ppc64 ELFv1, ppc64le ELFv2, ppc32; static or dynamic)
as a process of the K42 microkernel on an emulated machine of N processors on M NUMA nodes
(default 1, 1). PROGRAM is a path in the guest root (/usr/bin/python3), a name looked up on the
guest's PATH (python3), or a host file (./hello, qemu-user style) whose dynamic linker and
libraries come from the root. Without PROGRAM, the default job: Debian's python3 with sqlite3.
The exit status is the guest's; k42's own: 2 bad usage, 125 deadlock or setup failure, 126 not
executable, 127 not found.
--root DIR      the guest's root directory, seen through a copy-on-write layer: the host tree is
                never changed. Default: a Debian 12 ppc64el root built on first use
                (busybox, coreutils, bash, python3, sqlite3, lua5.4; see k42 rootfs).
--overlay DIR   keep the copy-on-write layer in DIR, so that a later run sees this run's changes.
-v HOST:GUEST[:ro]  bind a host directory into the guest (writable unless :ro; writes go to HOST).
-e VAR[=VAL]    set a variable (VAR alone copies the host's value); the default environment is
                PATH, HOME, TERM, LANG and HOSTNAME as a container has them.
-w DIR          the working directory (default /).  --user UID[:GID]  run as this user (default:
                the host user's, as qemu-user does).
--parallel      run the processors on worker threads in real time instead of the deterministic
                mode (one thread, virtual clock: every run is the same run).
--max-procs N   the machine's cap on processes and threads, root's too (default 4096): a fork
                bomb meets EAGAIN.  --memory SIZE  the machine's memory (default 1G): a process
                that exhausts it is killed (SIGKILL), as Linux's OOM killer does.
--strace[=FILE] log every system call with its decoded arguments and result (stderr or FILE).
--trace FILE    write the kernel trace as Chrome trace-event JSON (open it in Perfetto).
--seed N / --epoch T  seed the guest's randomness (AT_RANDOM, getrandom, ASLR) and set its
                CLOCK_REALTIME at boot; the same seed and epoch give byte-identical runs.
--cpu C         run the program on processor C; its memory comes from C's NUMA node.
--object TYPE=IMPL  choose a kernel object's implementation: PageAllocator=PageAllocatorNuma|
                PageAllocatorShared, FCM=FCMDefault|FCMPartitioned.
--engine step   the reference one-instruction interpreter instead of the block engine;
--engine wasm   hot code translated to WebAssembly (the block engine for the rest).
--stats         instructions, MIPS and frames per NUMA node on stderr.   --verbose  k42's log.`;

/**
 * The default job: real Debian software on the K42 machine. One program (a shell's pipelines and
 * command substitutions need processes, the next issue): python3 with its json, hashlib and
 * sqlite3 modules, which load libpython, libsqlite3 and libcrypto through the dynamic linker.
 */
const DEFAULT_JOB = [
  "/usr/bin/python3", "-c",
  [
    "import os, platform, sys, json, sqlite3, hashlib",
    "u = os.uname()",
    "print(f'k42ts: {u.sysname} {u.release} {u.machine} on {os.cpu_count()} emulated POWER8 processor(s), host name {u.nodename}')",
    "print(f'Debian python {platform.python_version()} ({sys.byteorder}-endian), sqlite {sqlite3.sqlite_version}')",
    "db = sqlite3.connect(':memory:')",
    "db.execute('create table os(name, year)')",
    "db.executemany('insert into os values (?, ?)', [('K42', 2006), ('Tornado', 1999), ('Hurricane', 1994)])",
    "print(json.dumps(db.execute('select name, year from os order by year').fetchall()))",
    "print('sha256(k42) =', hashlib.sha256(b'k42').hexdigest())",
  ].join("\n"),
];

/** The host terminal's size now (synchronous: asks the terminal itself), if stdout is one. */
function hostWinsize(): { rows: number; cols: number } | undefined {
  if (process.stdout.isTTY !== true) return undefined;
  const [cols, rows] = process.stdout.getWindowSize();
  return { rows, cols };
}

/**
 * Put the host terminal on stdin in raw mode, if it is one: the function that restores it (once;
 * also at exit). All of the terminal's processing is the guest's line discipline's, output too
 * (stty raw -echo: no OPOST, which Node's setRawMode keeps); setRawMode where stty is missing.
 */
function rawHostTerminal(): () => void {
  const stdin = process.stdin;
  if (stdin.isTTY !== true) return () => {};
  const stty = (...args: string[]): string | undefined => {
    const r = spawnSync("stty", args, { stdio: [0, "pipe", "ignore"], encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  const saved = stty("-g");
  let viaNode = false;
  if (saved === undefined || stty("raw", "-echo") === undefined) {
    if (typeof stdin.setRawMode !== "function") return () => {};
    stdin.setRawMode(true);
    viaNode = true;
  }
  let done = false;
  const restore = (): void => {
    if (done) return;
    done = true;
    if (viaNode) stdin.setRawMode(false);
    else if (saved !== undefined) stty(saved);
    process.removeListener("exit", restore);
  };
  process.on("exit", restore);
  return restore;
}

/** The interactive shell of a root: bash -i, else sh -i (found on the guest's PATH). */
function interactiveShell(root: string, env: readonly string[], cwd: string): string[] {
  for (const sh of ["bash", "sh"]) {
    try {
      findProgram(root, sh, env, cwd);
      return [sh, "-i"];
    } catch (e) {
      if (!(e instanceof RunFailure)) throw e;
    }
  }
  throw new RunFailure(`no shell (bash or sh) on the guest's PATH in ${root}`, 127);
}

class RunFailure extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/** The value of VAR in an environment list. */
function envValue(env: readonly string[], name: string): string | undefined {
  const e = env.find((x) => x.startsWith(`${name}=`));
  return e?.slice(name.length + 1);
}

/**
 * The program: { image, exePath (host path), guestPath }. A name without "/" is looked up on the
 * guest's PATH in the root; a path is the root's if it exists there, else a host file.
 */
function findProgram(root: string, name: string, env: readonly string[], cwd: string): { image: Uint8Array; exePath: string; guestPath: string } {
  // In the root, execve's rule: a regular file with an execute bit. A host file is read as
  // qemu-user reads it, whatever its mode.
  const readAt = (host: string, guestPath: string, inRoot = true): { image: Uint8Array; exePath: string; guestPath: string } => {
    const st = statSync(host);
    if (st.isDirectory()) throw new RunFailure(`${name}: is a directory`, 126);
    if (inRoot && (st.mode & 0o111) === 0) throw new RunFailure(`${name}: permission denied (not executable)`, 126);
    // A plain Uint8Array over the Buffer's memory, not a copy of it: the copy cost a second
    // image's time and memory (python3: 6.5 MB, ~40 ms). (A file under 4 KiB may sit inside
    // Node's shared pool: the ELF readers take byteOffset into account.)
    const b = readFileSync(host);
    return { image: new Uint8Array(b.buffer, b.byteOffset, b.byteLength), exePath: host, guestPath };
  };
  if (!name.includes("/")) {
    for (const dir of (envValue(env, "PATH") ?? "").split(":")) {
      if (dir === "" || !dir.startsWith("/")) continue;
      const guest = `${dir}/${name}`;
      const host = resolveInRoot(root, guest);
      if (typeof host === "number") continue;
      try {
        if (statSync(host).isFile()) return readAt(host, guest);
      } catch {
        continue;
      }
    }
    throw new RunFailure(`${name}: not found on the guest's PATH in ${root}`, 127);
  }
  const guest = name.startsWith("/") ? name : `${cwd === "/" ? "" : cwd}/${name}`;
  if (name.startsWith("/")) {
    const host = resolveInRoot(root, guest);
    if (typeof host === "string") return readAt(host, guest);
  }
  // A host file, qemu-user style (relative to the host's working directory).
  const host = resolve(name);
  try {
    return readAt(host, host, false);
  } catch (e) {
    if (e instanceof RunFailure) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new RunFailure(`${name}: not found in the root ${root} nor on the host (${code})`, code === "ENOENT" ? 127 : 126);
  }
}

/** `k42 run ARGS`: the exit status. Messages go to stderr as one line each. */
export async function runCommand(args: string[], write: { out: (s: string) => void; err: (s: string) => void }): Promise<number> {
  let req: RunRequest;
  try {
    req = parseRunArgs(args, process.env, process.cwd());
    checkChoices(req.objects);
  } catch (e) {
    if (e instanceof UsageError) {
      write.err(`k42 run: ${e.message} (k42 run --help)\n`);
      return 2;
    }
    if (e instanceof ChoiceError) {
      write.err(`k42 run: --object: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (req.help) {
    write.out(RUN_HELP + "\n");
    return 0;
  }
  try {
    return await run(req, write);
  } catch (e) {
    if (e instanceof RunFailure) {
      write.err(`k42: ${e.message}\n`);
      return e.status;
    }
    if (e instanceof ExecError) {
      write.err(`k42: ${req.program[0] ?? DEFAULT_JOB[0]}: ${e.message}\n`);
      return e.errno === E.ENOENT ? 127 : 126;
    }
    if (e instanceof FileServersError) {
      write.err(`k42: ${e.message}\n`);
      return 125;
    }
    throw e;
  }
}

async function run(req: RunRequest, write: { out: (s: string) => void; err: (s: string) => void }): Promise<number> {
  // Everything that can fail before the run fails now: the trace and strace files first.
  if (req.trace !== undefined) {
    const why = checkWritable(req.trace);
    if (why !== undefined) throw new RunFailure(`--trace ${req.trace}: ${why}`, 2);
  }
  let root = req.root;
  if (root !== undefined) {
    try {
      if (!statSync(root).isDirectory()) throw new RunFailure(`--root ${root}: not a directory`, 125);
    } catch (e) {
      if (e instanceof RunFailure) throw e;
      throw new RunFailure(`--root ${root}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, 125);
    }
    root = resolve(root);
  } else {
    root = await ensureDefaultRoot();
  }
  // No program and a terminal on stdin: an interactive shell of the root (bash, else sh).
  const interactive = req.program.length === 0 && process.stdin.isTTY === true;
  const program = req.program.length > 0 ? req.program : interactive ? interactiveShell(root, req.env, req.cwd) : DEFAULT_JOB;
  const found = findProgram(root, program[0], req.env, req.cwd);
  const straceOut = req.strace === undefined ? undefined : openStraceOutput(req.strace);
  if (typeof straceOut === "string") throw new RunFailure(`--strace: ${straceOut}`, 2);
  const trace: TraceEvent[] | undefined = req.trace === undefined ? undefined : [];
  const opts: RunOptions = {
    argv: program, env: req.env, exePath: found.guestPath, root, cwd: req.cwd,
    ...(req.overlay !== undefined ? { overlay: resolve(req.overlay) } : {}),
    volumes: req.volumes.map((v) => ({ host: resolve(v.host), guest: v.guest, readonly: v.readOnly })),
    ...(req.user !== undefined ? { uid: req.user.uid, gid: req.user.gid ?? req.user.uid } : {}),
    cpus: req.cpus, nodes: req.nodes, ...(req.cpu !== undefined ? { cpu: req.cpu } : {}),
    objects: req.objects, ...(req.engine !== undefined ? { engine: req.engine } : {}),
    ...(req.workers !== undefined ? { workers: req.workers } : {}),
    ...(req.seed !== undefined ? { seed: req.seed } : {}), ...(req.epoch !== undefined ? { epoch: req.epoch } : {}),
    ...(req.maxInstructions !== undefined ? { maxInstructions: req.maxInstructions } : {}),
    ...(req.maxProcs !== undefined ? { maxProcs: req.maxProcs } : {}), ...(req.memBytes !== undefined ? { memBytes: req.memBytes } : {}),
    ...(trace !== undefined ? { trace } : {}),
    stdin: { kind: "stdin" },
    // The console is a terminal where the host's stream is one (isatty, the terminal's size).
    tty: {
      stdin: process.stdin.isTTY === true, stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true,
      // Asked of the host terminal each time (the event loop that would report a resize may be busy running the machine).
      winsize: hostWinsize,
    },
    ...(req.verbose ? { log: (m: string) => write.err(`k42: ${m}\n`) } : {}),
    ...straceOut?.options,
  };
  const t0 = process.hrtime.bigint();
  let r: RunResult;
  // A host terminal on stdin: raw for the run (the guest's line discipline does the editing,
  // echoes and ^C), restored after it whatever happens.
  const restore = rawHostTerminal();
  try {
    r = req.parallel ? await runProgramParallel(found.image, opts) : runProgram(found.image, opts);
  } finally {
    restore();
    straceOut?.close();
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (req.trace !== undefined && trace !== undefined) {
    try {
      writeChrome(req.trace, toChrome(trace, { unit: req.parallel ? "ns" : "cycles", cpus: req.cpus, title: `k42 run ${program.join(" ")}` }));
    } catch (e) {
      write.err(`k42: cannot write ${req.trace}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    }
  }
  if (r.deadlock !== undefined) {
    write.err(`k42: ${r.deadlock}\n`);
    return DEADLOCK_EXIT_STATUS;
  }
  if (r.error !== undefined) write.err(`k42: ${r.error}\n`);
  if (req.stats) {
    write.err(`k42: ${r.instructions} guest instructions in ${secs.toFixed(3)} s (${(r.instructions / secs / 1e6).toFixed(1)} MIPS)\n`);
    if (r.frames !== undefined) write.err(`k42: frames taken per NUMA node: ${r.frames.allocated.join(" ")} (freed: ${r.frames.freed.join(" ")})\n`);
    if (r.engine !== undefined) write.err(`k42: engine: ${Object.entries(r.engine).map(([k, v]) => `${k} ${v}`).join(", ")}\n`);
  }
  return r.exitCode;
}
