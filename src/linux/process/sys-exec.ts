// execve and execveat: the process's image replaced (fs/exec.c). The program is found and read
// through the process's files (its root, working directory and mounts: a program on tmpfs or
// under a bind runs as one on the root does); `#!` scripts run their interpreter (up to four
// levels, ELOOP past them); an ELF is checked and loaded by linux/exec into a new address
// space. Past the point of no return the other threads are ended, the old space goes (unless a
// vfork parent still uses it), descriptors marked close-on-exec are closed, caught signals
// return to their default action, and a vfork parent is released.

import { PAGE_SIZE } from "../../machine/memory.js";
import type { Block } from "../../kernel/sched/thread.js";
import { Space } from "../../kernel/mem/space.js";
import { asJson } from "../../servers/fs/iface.js";
import { E, errnoName } from "../errno.js";
import { ExecError } from "../exec/error.js";
import { loadExec, prepareExec, type ExecPlan } from "../exec/load.js";
import { readCString, SysError } from "../sys/guest-mem.js";
import { credOf } from "../sys/fs-common.js";
import { argInt, argPtr, mem } from "../sys/user.js";
import { chunkFor, fsc } from "../vfs/fs-call.js";
import { MAY_EXEC, isDir, isReg, permits } from "../vfs/perm.js";
import { AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW } from "../vfs/vfs.js";
import { MS_NOEXEC } from "../../servers/fs/ops.js";
import { Rlimit } from "../task/resource-limits.js";
import { commOf } from "../task/attributes.js";
import { deleteAllTimers } from "../timers/posix-timers.js";
import { SIG_DFL, SIG_IGN, NSIG } from "../task/signal-state.js";
import type { Handler, Pending, SysContext } from "./syscalls.js";
import { readGuest } from "../sys/guest-mem.js";

type Gen<T> = Generator<Block, T, unknown>;

/** Linux's limits on the argument strings (MAX_ARG_STRLEN: 32 pages each; BINPRM_MAX_RECURSION). */
const MAX_ARG_STRLEN = 32 * PAGE_SIZE;
const MAX_ARG_STRINGS = 0x7fffffff;
const MAX_RECURSION = 4;
/** The largest program file read (the loader keeps it in memory). */
const MAX_PROGRAM = 1 << 30;
/** O_RDONLY for the server's open (its numbering is Linux's). */
const O_RDONLY = 0;

/** The NULL-terminated array of string pointers at `va`. */
function readStrings(ctx: SysContext, va: number): string[] {
  const out: string[] = [];
  if (va === 0) return out; // Linux takes a NULL argv or envp as empty (and warns)
  const w = ctx.image.is64 ? 8 : 4;
  const m = mem(ctx);
  for (let i = 0; ; i++) {
    if (i >= MAX_ARG_STRINGS) throw new SysError(E.E2BIG);
    const b = readGuest(m, va + i * w, w);
    const dv = new DataView(b.buffer, b.byteOffset, w);
    const p = w === 8 ? Number(dv.getBigUint64(0, ctx.image.le)) : dv.getUint32(0, ctx.image.le);
    if (p === 0) return out;
    const s = readCString(m, p, MAX_ARG_STRLEN + 1);
    if (new TextEncoder().encode(s).length >= MAX_ARG_STRLEN) throw new SysError(E.E2BIG);
    out.push(s);
  }
}

/** A file found for execution, and its contents. */
interface Program {
  bytes: Uint8Array;
}

/** Find `path` (from `dirfd`) and read it, with execve's checks: EACCES unless a regular, executable file on an exec mount. */
function* readProgram(ctx: SysContext, dirfd: number, path: string, flags: number): Gen<Program> {
  const v = ctx.vfs, k = ctx.k, cred = credOf(ctx);
  if (path === "" && (flags & AT_EMPTY_PATH) === 0) throw new SysError(E.ENOENT);
  const f = yield* v.lookupAt(k, cred, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) === 0, path === "");
  if ((flags & AT_SYMLINK_NOFOLLOW) !== 0 && (f.attr.mode & 0o170000) === 0o120000) throw new SysError(E.ELOOP);
  if (isDir(f.attr) || !isReg(f.attr)) throw new SysError(E.EACCES);
  if ((f.node.mnt.flags & MS_NOEXEC) !== 0) throw new SysError(E.EACCES);
  if (!permits(f.attr, cred, MAY_EXEC)) throw new SysError(E.EACCES);
  if ((f.attr.mode & 0o6000) !== 0) ctx.log(`execve ${path}: set-user-id/set-group-id bits are not honoured; it runs with the caller's ids`);
  if (f.attr.size > MAX_PROGRAM) throw new SysError(E.ENOMEM);
  const h = yield* fsc(v.stubs.tree(k, f.node.mnt.root).open(f.node.ino, O_RDONLY, asJson(cred)));
  const file = v.stubs.file(k, h);
  const parts: Uint8Array[] = [];
  let pos = 0;
  try {
    for (;;) {
      const chunk = (yield* fsc(file.read(pos, chunkFor(k, h.server)))) as Uint8Array;
      if (chunk.length === 0) break;
      parts.push(chunk);
      pos += chunk.length;
    }
  } finally {
    yield* fsc(file.close());
    v.stubs.dropFile(h);
  }
  const bytes = new Uint8Array(pos);
  let o = 0;
  for (const p of parts) {
    bytes.set(p, o);
    o += p.length;
  }
  return { bytes };
}

/** The `#!` line: interpreter and optional argument (load_script), or undefined if not a script. */
function shebang(bytes: Uint8Array): { interp: string; arg: string | undefined } | undefined {
  if (bytes.length < 2 || bytes[0] !== 0x23 || bytes[1] !== 0x21) return undefined;
  // The line as far as BINPRM_BUF_SIZE (256) reads it.
  let end = bytes.indexOf(0x0a, 2);
  if (end < 0) end = Math.min(bytes.length, 256);
  const line = new TextDecoder("latin1").decode(bytes.subarray(2, end)).replace(/[ \t]+$/, "");
  const m = /^[ \t]*([^ \t]*)(?:[ \t]+(.*))?$/.exec(line);
  const interp = m?.[1] ?? "";
  if (interp === "") throw new SysError(E.ENOEXEC);
  const arg = m?.[2]?.replace(/^[ \t]+/, "");
  return { interp, arg: arg === undefined || arg === "" ? undefined : arg };
}

/** What execve will run: the ELF plan, the argument vector after `#!` rewriting, the path of the ELF. */
interface Resolved {
  plan: ExecPlan;
  argv: string[];
  /** The ELF's path (an interpreter's for a script). */
  elfPath: string;
}

function* resolveProgram(ctx: SysContext, dirfd: number, path: string, flags: number, argv: string[], depth: number): Gen<Resolved> {
  const prog = yield* readProgram(ctx, dirfd, path, flags);
  const script = shebang(prog.bytes);
  if (script !== undefined) {
    if (depth >= MAX_RECURSION) throw new SysError(E.ELOOP);
    // The interpreter gets: its own name, the optional argument, the script's path, then the
    // original arguments after argv[0].
    const next = [script.interp, ...(script.arg !== undefined ? [script.arg] : []), path, ...argv.slice(1)];
    return yield* resolveProgram(ctx, AT_FDCWD, script.interp, 0, next, depth + 1);
  }
  // The dynamic linker is read through the same files (prepareExec asks for it synchronously:
  // a first pass learns its path).
  let interpPath: string | undefined;
  let interpBytes: Uint8Array | undefined;
  for (;;) {
    try {
      const plan = prepareExec(prog.bytes, path, (p) => {
        if (interpBytes !== undefined && p === interpPath) return interpBytes;
        interpPath = p;
        return -E.EAGAIN;
      });
      return { plan, argv, elfPath: path };
    } catch (e) {
      if (!(e instanceof ExecError)) throw e;
      if (e.errno !== E.EAGAIN || interpPath === undefined || interpBytes !== undefined) {
        ctx.log(`execve ${path}: ${e.message}`);
        throw new SysError(e.errno === E.EAGAIN ? E.ENOENT : e.errno);
      }
      try {
        interpBytes = (yield* readProgramAny(ctx, interpPath)).bytes;
      } catch (err) {
        if (err instanceof SysError) {
          ctx.log(`execve ${path}: its ELF interpreter ${interpPath}: ${errnoName(err.errno)}`);
          throw new SysError(err.errno === E.EACCES ? E.EACCES : E.ENOENT);
        }
        throw err;
      }
    }
  }
}

/** The dynamic linker: read as open_exec reads it (it must be a regular, executable file). */
function readProgramAny(ctx: SysContext, path: string): Gen<Program> {
  return readProgram(ctx, AT_FDCWD, path, 0);
}

/** The common body of execve and execveat. */
function* exec(ctx: SysContext, dirfd: number, pathVa: number, argvVa: number, envpVa: number, flags: number): Pending {
  if ((flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) !== 0) return -E.EINVAL;
  const path = readCString(mem(ctx), pathVa, 4096);
  const argv = readStrings(ctx, argvVa), envp = readStrings(ctx, envpVa);
  // The strings and their pointers must fit in a quarter of the stack limit (as Linux checks).
  const stack = ctx.task.limits.get(Rlimit.STACK)?.cur ?? 8n << 20n;
  const size = [...argv, ...envp].reduce((n, s) => n + new TextEncoder().encode(s).length + 1 + (ctx.image.is64 ? 8 : 4), 0);
  if (BigInt(size) > stack / 4n) return -E.E2BIG;
  const r = yield* resolveProgram(ctx, dirfd, path, flags, argv.length > 0 ? argv : [""], 0);
  const finalArgv = argv.length === 0 && r.argv[0] === "" ? [] : r.argv;
  yield* replaceImage(ctx, r, finalArgv, envp, path);
  return 0;
}

/** Past the point of no return: the thread's process gets the new image. */
function* replaceImage(ctx: SysContext, r: Resolved, argv: string[], envp: string[], path: string): Gen<void> {
  const t = ctx.thread, p = t.proc, sys = p.sys, k = ctx.k;
  const ms = k.memory;
  if (ms === undefined) throw new Error("memory system not installed");
  // de_thread: every other thread ends first.
  if (p.threads.size > 1) {
    sys.doom(p, t);
    while (p.threads.size > 1) yield sys.threadsGone(p.pid);
  }
  if (t.tid !== p.pid) sys.becomeLeader(t);
  yield* fsc(sys.pids.exec());
  const old = p.space;
  const space = new Space(k, ms.newSpace());
  const cpu = ms.attach(space.hat);
  cpu.attachState(t.state);
  const c = ctx.task.creds, [uid, euid] = c.uids(), [gid, egid] = c.gids();
  const img = loadExec(space, cpu, r.plan, {
    argv, envp, execfn: path, cred: { uid, euid, gid, egid },
    random: (b) => sys.time.fill(b), randomize: sys.opts.randomize,
  });
  const startStack = cpu.r[1];
  p.space = space;
  p.image = img;
  p.mmapTop = img.mmapTop;
  p.exePath = absolute(ctx, r.elfPath);
  p.programPath = r.plan.program.path;
  p.argv = argv;
  p.env = envp;
  if (sys.leaveSpace(old)) yield* old.teardown();
  sys.releaseVfork(p);
  yield* p.vfs.closeOnExec(k);
  deleteAllTimers(p); // POSIX timers do not survive execve (exit_itimers)
  // Caught signals go back to their default action; ignored ones stay ignored; the alternate stack goes.
  const sig = ctx.task.signals;
  for (let s = 1; s <= NSIG; s++) {
    const a = sig.action(s);
    if (a.handler !== SIG_DFL && a.handler !== SIG_IGN) sig.setAction(s, { handler: SIG_DFL, flags: 0, mask: 0n, restorer: 0 });
  }
  t.sig.altStack = { sp: 0, size: 0, flags: 2 /* SS_DISABLE */ };
  ctx.task.attrs.comm = commOf(new TextEncoder().encode(basename(path)));
  t.clearChildTid = 0;
  t.robustList = 0;
  sys.publish(p, startStack);
}

function basename(path: string): string {
  const parts = path.split("/").filter((x) => x !== "");
  return parts.length === 0 ? path : parts[parts.length - 1];
}

/** /proc/PID/exe's text: the program's absolute path in the guest. */
function absolute(ctx: SysContext, path: string): string {
  if (path.startsWith("/")) return path;
  const cwd = ctx.vfs.procView().cwd;
  return `${cwd === "/" ? "" : cwd}/${path}`;
}

const execve: Handler = (ctx) => exec(ctx, AT_FDCWD, argPtr(ctx, 0), argPtr(ctx, 1), argPtr(ctx, 2), 0);
const execveat: Handler = (ctx) => exec(ctx, argInt(ctx, 0), argPtr(ctx, 1), argPtr(ctx, 2), argPtr(ctx, 3), argInt(ctx, 4));

export const EXEC_CALLS: Record<string, Handler> = { execve, execveat };

export const EXEC_PARTIAL: Readonly<Record<string, string>> = {
  execve: "set-user-id and set-group-id bits are not honoured (the program runs with the caller's ids, logged)",
  execveat: "as execve",
};
