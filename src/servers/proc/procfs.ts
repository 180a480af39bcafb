// procfs: /proc as Linux programs read it, made from the kernel's and the personality's own
// objects (never the host's /proc). Machine-wide files come from the machine's shape (the
// server's ServerEnv) and the functions procfs was started with; per-process files from the
// ProcInfo servers of the Linux personality; mounts from the name-space server.
//
// Inode numbers name nodes without any table: ino = sub × 2^22 + pid (pid < 2^22, Linux's
// PID_MAX_LIMIT). Machine-wide nodes have pid 0 and sub = their place in the fixed tree + 1;
// a process's nodes have sub < 1024 (its directory, files and links), FD_LINK + fd for fd/N
// and FD_INFO + fd for fdinfo/N. So a node found on one processor is the same node on every
// other, and a stale one (its process gone) is ENOENT.
//
// /proc/self is made from the caller's protection domain, stamped by the kernel on every PPC:
// ProcInfo maps it to the pid whose system calls run in that domain.

import { PPCError } from "../../kernel/ppc/errors.js";
import type { Handle } from "../../kernel/ppc/values.js";
import type { MachineShape, ServerEnv } from "../../kernel/ppc/iface.js";
import { NameSpaceIface, NodeType, type Cred, type Mount, type StatFs, type Time } from "../fs/iface.js";
import { EACCES, EIO, ENOENT, ENOTDIR } from "./errno.js";
import { utf8 } from "./format.js";
import type { FdEntry, ProcIdent } from "./iface.js";
import { FixedNodes } from "./fixed.js";
import { fdinfoText, limitsText, mountinfoText, mountsText, statText, statmText, statusText } from "./proc-pid.js";
import {
  POWER8, cpuinfoText, filesystemsText, loadavgText, meminfoText, statText as procStatText, uptimeText, versionText,
  type CpuModel, type CpuTimes, type MachineMemory,
} from "./proc-system.js";
import { ProcInfoClient } from "./procinfo-client.js";
import { refuse, type Caller, type Gen, type ListEntry, type PNode, type PseudoTree } from "./pseudo.js";

export interface ProcFsOptions {
  /** procfs's own protection domain (ProcInfo's root handle must be made for it). */
  readonly domain: number;
  /** Root handles of the ProcInfo servers, asked in order. */
  readonly procInfo: readonly Handle[];
  /** The name-space server's root handle (mounts, mountinfo); without it those files do not exist. */
  readonly nameSpace?: Handle;
  /** The machine's memory now (meminfo). */
  readonly memory: () => MachineMemory;
  /** Per-processor time accounting (stat, uptime); without it those counts are 0. */
  readonly cpuTimes?: () => readonly CpuTimes[];
  /** Context switches since boot (stat "ctxt"); 0 without it. */
  readonly contextSwitches?: () => number;
  /** Load averages over 1, 5 and 15 minutes (loadavg); 0.00 without it. */
  readonly loadAverage?: () => readonly [number, number, number];
  /** CLOCK_REALTIME at boot in seconds since 1970 (btime, node times). */
  readonly bootEpoch: number;
  readonly hostname: string;
  /** uname's release and version ("6.1.0-k42ts", "#1 SMP k42ts"). */
  readonly release: string;
  readonly version: string;
  /** Default 32768 (Linux's for machines of at most 32 processors). */
  readonly pidMax?: number;
  readonly cpu?: CpuModel;
  /** The file-system types the name space offers (/proc/filesystems). */
  readonly filesystems?: readonly { name: string; nodev: boolean }[];
  /** /proc/sys/vm/overcommit_memory (what the personality's mmap does; default 0, heuristic). */
  readonly overcommitMemory?: number;
}

export const PROC_SUPER_MAGIC = 0x9fa0;
const PID_SPAN = 2 ** 22;
const FD_LINK = 1024;
const FD_INFO = FD_LINK + 2 ** 20;
const MAX_FD = 2 ** 20;
/** Directory positions of /proc's process entries (after the fixed ones). */
const PID_POS = 1024;
const KEY_FDINFO = 2 ** 31;

/** A process's nodes (sub numbers), in the order its directory lists them. */
const enum Sub { Dir = 1, Fd, FdInfo, Environ, Status, Limits, Comm, Cmdline, Stat, Statm, Maps, Cwd, Root, Exe, Mounts, MountInfo, Task }

/**
 * task/TID and its files: sub = TASK + tid × TASK_STRIDE + the file's place (0 the directory).
 * A thread's files are its own view of stat, status and comm, and the process's cmdline.
 */
const TASK = 2 ** 22;
const TASK_STRIDE = 8;
const enum TaskSub { Dir = 0, Stat, Status, Comm, Cmdline, Statm }
const TASK_ENTRIES: readonly { name: string; sub: TaskSub }[] = [
  { name: "stat", sub: TaskSub.Stat }, { name: "status", sub: TaskSub.Status }, { name: "comm", sub: TaskSub.Comm },
  { name: "cmdline", sub: TaskSub.Cmdline }, { name: "statm", sub: TaskSub.Statm },
];
const taskSub = (tid: number, e: TaskSub): number => TASK + tid * TASK_STRIDE + e;
const splitTask = (sub: number): { tid: number; e: TaskSub } | undefined =>
  sub >= TASK && sub < TASK + PID_SPAN * TASK_STRIDE ? { tid: Math.floor((sub - TASK) / TASK_STRIDE), e: (sub - TASK) % TASK_STRIDE } : undefined;

interface PidEntry {
  readonly name: string;
  readonly sub: Sub;
  readonly type: NodeType.Dir | NodeType.Reg | NodeType.Lnk;
  readonly perm: number;
}

const PID_ENTRIES: readonly PidEntry[] = [
  { name: "task", sub: Sub.Task, type: NodeType.Dir, perm: 0o555 },
  { name: "fd", sub: Sub.Fd, type: NodeType.Dir, perm: 0o500 },
  { name: "fdinfo", sub: Sub.FdInfo, type: NodeType.Dir, perm: 0o555 },
  { name: "environ", sub: Sub.Environ, type: NodeType.Reg, perm: 0o400 },
  { name: "status", sub: Sub.Status, type: NodeType.Reg, perm: 0o444 },
  { name: "limits", sub: Sub.Limits, type: NodeType.Reg, perm: 0o444 },
  { name: "comm", sub: Sub.Comm, type: NodeType.Reg, perm: 0o644 },
  { name: "cmdline", sub: Sub.Cmdline, type: NodeType.Reg, perm: 0o444 },
  { name: "stat", sub: Sub.Stat, type: NodeType.Reg, perm: 0o444 },
  { name: "statm", sub: Sub.Statm, type: NodeType.Reg, perm: 0o444 },
  { name: "maps", sub: Sub.Maps, type: NodeType.Reg, perm: 0o444 },
  { name: "cwd", sub: Sub.Cwd, type: NodeType.Lnk, perm: 0o777 },
  { name: "root", sub: Sub.Root, type: NodeType.Lnk, perm: 0o777 },
  { name: "exe", sub: Sub.Exe, type: NodeType.Lnk, perm: 0o777 },
  { name: "mounts", sub: Sub.Mounts, type: NodeType.Reg, perm: 0o444 },
  { name: "mountinfo", sub: Sub.MountInfo, type: NodeType.Reg, perm: 0o444 },
];
const PID_DIR: PidEntry = { name: "", sub: Sub.Dir, type: NodeType.Dir, perm: 0o555 };

const split = (ino: number): { pid: number; sub: number } => ({ pid: ino % PID_SPAN, sub: Math.floor(ino / PID_SPAN) });
const inoOf = (pid: number, sub: number): number => sub * PID_SPAN + pid;

export class ProcTree implements PseudoTree {
  readonly rootIno = inoOf(0, 1);
  readonly blksize = 1024;
  readonly statfs: StatFs = {
    type: PROC_SUPER_MAGIC, bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0, namelen: 255, frsize: 4096,
    flags: 2 | 4 | 8 | 1024, // nosuid, nodev, noexec, relatime: how Linux mounts proc
  };
  private readonly fixed: FixedNodes;
  private readonly info: ProcInfoClient;
  private readonly machine: MachineShape;
  private readonly bootTime: Time;

  constructor(private readonly env: ServerEnv, private readonly opts: ProcFsOptions) {
    this.info = new ProcInfoClient(env, opts.procInfo);
    this.machine = env.machine;
    this.bootTime = [Math.floor(opts.bootEpoch), 0];
    this.fixed = new FixedNodes((i) => inoOf(0, i + 1), this.bootTime, 0);
    this.build();
  }

  // ---- the fixed tree ----

  private build(): void {
    const o = this.opts, info = this.info, env = this.env, t = this.fixed, machine = this.machine;
    const root = 0;
    t.link(root, "self", function* (c: Caller) {
      const pid = yield* info.pidOf(c.domain);
      if (pid === 0) refuse(ENOENT, "the caller is no process");
      return String(pid);
    });
    if (o.nameSpace !== undefined) t.link(root, "mounts", () => "self/mounts");
    t.file(root, "cpuinfo", () => cpuinfoText(machine, o.cpu ?? POWER8));
    t.file(root, "meminfo", () => meminfoText(o.memory()));
    t.file(root, "stat", function* () {
      return procStatText(machine, o.cpuTimes?.(), o.contextSwitches?.() ?? 0, o.bootEpoch, yield* info.list());
    });
    t.file(root, "uptime", () => uptimeText(env.now(), o.cpuTimes?.()));
    t.file(root, "loadavg", function* () {
      return loadavgText(o.loadAverage?.(), yield* info.list());
    });
    t.file(root, "filesystems", () => filesystemsText(o.filesystems ?? DEFAULT_FILESYSTEMS));
    t.file(root, "version", () => versionText(o.release, o.version, o.hostname));
    const sys = t.dir(root, "sys");
    const kernel = t.dir(sys, "kernel");
    t.file(kernel, "hostname", () => `${o.hostname}\n`, 0o644);
    t.file(kernel, "ostype", () => "Linux\n");
    t.file(kernel, "osrelease", () => `${o.release}\n`);
    t.file(kernel, "pid_max", () => `${o.pidMax ?? 32768}\n`, 0o644);
    const vm = t.dir(sys, "vm");
    t.file(vm, "overcommit_memory", () => `${o.overcommitMemory ?? 0}\n`, 0o644);
  }

  // ---- a process's nodes ----

  private pidNode(s: ProcIdent, sub: number, e: PidEntry, extra: { perm?: number; size?: number } = {}): PNode {
    return {
      ino: inoOf(s.pid, sub), type: e.type, perm: extra.perm ?? e.perm, uid: s.uid[1], gid: s.gid[1],
      nlink: e.type === NodeType.Dir ? (sub === Sub.Dir ? 4 : 2) : 1, size: extra.size ?? 0,
      time: [this.bootTime[0] + Math.floor(s.startNs / 1e9), s.startNs % 1e9],
    };
  }

  private entry(sub: number): PidEntry | undefined {
    if (sub === Sub.Dir) return PID_DIR;
    const e = PID_ENTRIES.find((x) => x.sub === sub);
    if (e === undefined || (this.opts.nameSpace === undefined && (sub === Sub.Mounts || sub === Sub.MountInfo))) return undefined;
    return e;
  }

  /** fd/N's mode: r and x for a descriptor open for reading, w and x for writing (proc_fd_link). */
  private static fdPerm(flags: number): number {
    if ((flags & 0o10000000) !== 0) return 0; // O_PATH
    const acc = flags & 3;
    return (acc !== 1 ? 0o500 : 0) | (acc !== 0 ? 0o300 : 0);
  }

  private *fdEntry(pid: number, fd: number): Gen<FdEntry> {
    const e = (yield* this.info.fds(pid)).find((x) => x.fd === fd);
    if (e === undefined) refuse(ENOENT, `no descriptor ${fd} in process ${pid}`);
    return e;
  }

  // ---- PseudoTree ----

  *node(ino: number, _c: Caller): Gen<PNode> {
    const { pid, sub } = split(ino);
    if (pid === 0) {
      if (!Number.isInteger(ino) || sub < 1 || sub > this.fixed.count) refuse(ENOENT);
      return this.fixed.node(sub - 1);
    }
    const s = yield* this.info.ident(pid);
    const task = splitTask(sub);
    if (task !== undefined) {
      if (!(yield* this.info.status(pid)).tids.includes(task.tid)) refuse(ENOENT, `no thread ${task.tid} in process ${pid}`);
      if (task.e === TaskSub.Dir) return this.pidNode(s, sub, { name: "", sub: Sub.Dir, type: NodeType.Dir, perm: 0o555 });
      if (!TASK_ENTRIES.some((x) => x.sub === task.e)) refuse(ENOENT);
      return this.pidNode(s, sub, { name: "", sub: Sub.Stat, type: NodeType.Reg, perm: 0o444 });
    }
    if (sub >= FD_INFO && sub < FD_INFO + MAX_FD) {
      yield* this.fdEntry(pid, sub - FD_INFO);
      return this.pidNode(s, sub, { name: "", sub: Sub.Dir, type: NodeType.Reg, perm: 0o444 });
    }
    if (sub >= FD_LINK && sub < FD_LINK + MAX_FD) {
      const e = yield* this.fdEntry(pid, sub - FD_LINK);
      return this.pidNode(s, sub, { name: "", sub: Sub.Dir, type: NodeType.Lnk, perm: 0 }, { perm: ProcTree.fdPerm(e.flags), size: 64 });
    }
    const e = this.entry(sub);
    if (e === undefined) refuse(ENOENT);
    return this.pidNode(s, sub, e);
  }

  *parent(dir: PNode, c: Caller): Gen<PNode> {
    const { pid, sub } = split(dir.ino);
    if (pid === 0) return this.fixed.node(this.fixed.get(sub - 1).parent);
    if (sub === Sub.Dir) return this.fixed.node(0);
    const task = splitTask(sub);
    if (task !== undefined) return yield* this.node(inoOf(pid, task.e === TaskSub.Dir ? Sub.Task : taskSub(task.tid, TaskSub.Dir)), c);
    return yield* this.node(inoOf(pid, Sub.Dir), c);
  }

  *lookup(dir: PNode, name: string, c: Caller): Gen<PNode> {
    const { pid, sub } = split(dir.ino);
    if (pid === 0) {
      const i = this.fixed.child(sub - 1, name);
      if (i !== undefined) return this.fixed.node(i);
      if (sub === 1 && /^[1-9][0-9]{0,6}$/.test(name) && Number(name) < PID_SPAN) return yield* this.node(inoOf(Number(name), Sub.Dir), c);
      refuse(ENOENT);
    }
    if (sub === Sub.Dir) {
      const e = PID_ENTRIES.find((x) => x.name === name);
      if (e === undefined) refuse(ENOENT);
      return yield* this.node(inoOf(pid, e.sub), c);
    }
    if (sub === Sub.Task) {
      if (!/^[1-9][0-9]{0,6}$/.test(name) || Number(name) >= PID_SPAN) refuse(ENOENT);
      return yield* this.node(inoOf(pid, taskSub(Number(name), TaskSub.Dir)), c);
    }
    const task = splitTask(sub);
    if (task !== undefined && task.e === TaskSub.Dir) {
      const e = TASK_ENTRIES.find((x) => x.name === name);
      if (e === undefined) refuse(ENOENT);
      return yield* this.node(inoOf(pid, taskSub(task.tid, e.sub)), c);
    }
    if (sub === Sub.Fd || sub === Sub.FdInfo) {
      if (!/^(0|[1-9][0-9]{0,6})$/.test(name) || Number(name) >= MAX_FD) refuse(ENOENT);
      if (sub === Sub.FdInfo) yield* this.mayRead(pid, c);
      return yield* this.node(inoOf(pid, (sub === Sub.Fd ? FD_LINK : FD_INFO) + Number(name)), c);
    }
    refuse(ENOTDIR);
  }

  *list(dir: PNode, c: Caller): Gen<ListEntry[]> {
    const { pid, sub } = split(dir.ino);
    if (pid === 0) {
      const fixed = this.fixed.list(sub - 1);
      if (sub !== 1) return fixed;
      const pids = (yield* this.info.list()).pids;
      return [...fixed, ...pids.map((p): ListEntry => ({ name: String(p), ino: inoOf(p, Sub.Dir), type: NodeType.Dir, pos: PID_POS + p }))];
    }
    if (sub === Sub.Dir) {
      return PID_ENTRIES.filter((e) => this.entry(e.sub) !== undefined)
        .map((e, k): ListEntry => ({ name: e.name, ino: inoOf(pid, e.sub), type: e.type, pos: 3 + k }));
    }
    if (sub === Sub.Task) {
      const tids = [...(yield* this.info.status(pid)).tids].sort((a, b) => a - b);
      return tids.map((t, k): ListEntry => ({ name: String(t), ino: inoOf(pid, taskSub(t, TaskSub.Dir)), type: NodeType.Dir, pos: 3 + k }));
    }
    const task = splitTask(sub);
    if (task !== undefined) {
      if (task.e !== TaskSub.Dir) refuse(ENOTDIR);
      return TASK_ENTRIES.map((e, k): ListEntry => ({ name: e.name, ino: inoOf(pid, taskSub(task.tid, e.sub)), type: NodeType.Reg, pos: 3 + k }));
    }
    if (sub === Sub.FdInfo) yield* this.mayRead(pid, c);
    const base = sub === Sub.Fd ? FD_LINK : FD_INFO;
    const type = sub === Sub.Fd ? NodeType.Lnk : NodeType.Reg;
    const fds = (yield* this.info.fds(pid)).filter((e) => e.fd >= 0 && e.fd < MAX_FD).sort((x, y) => x.fd - y.fd);
    return fds.map((e): ListEntry => ({ name: String(e.fd), ino: inoOf(pid, base + e.fd), type, pos: 3 + e.fd }));
  }

  *readlink(n: PNode, c: Caller): Gen<string> {
    const { pid, sub } = split(n.ino);
    if (pid === 0) {
      const link = this.fixed.get(sub - 1).link;
      if (link === undefined) refuse(ENOENT);
      return yield* link(c);
    }
    // Where another process's files and directories are is ptrace's business (proc_fd_access_allowed).
    const s = yield* this.mayRead(pid, c);
    if (sub >= FD_LINK && sub < FD_LINK + MAX_FD) return (yield* this.fdEntry(pid, sub - FD_LINK)).link;
    switch (sub) {
      case Sub.Exe:
        if (s.exe === null) refuse(ENOENT, "no executable");
        return s.exe;
      case Sub.Cwd:
        return s.cwd;
      case Sub.Root:
        return s.root;
      default:
        return refuse(ENOENT);
    }
  }

  *content(n: PNode, c: Caller): Gen<Uint8Array> {
    const { pid, sub } = split(n.ino);
    if (pid === 0) {
      const text = this.fixed.get(sub - 1).text;
      if (text === undefined) refuse(ENOENT);
      return utf8(yield* text(c));
    }
    const info = this.info;
    const task = splitTask(sub);
    if (task !== undefined) return yield* this.taskContent(pid, task.tid, task.e, c);
    if (sub >= FD_INFO && sub < FD_INFO + MAX_FD) {
      yield* this.mayRead(pid, c);
      return utf8(fdinfoText(yield* this.fdEntry(pid, sub - FD_INFO), yield* this.mounts()));
    }
    switch (sub as Sub) {
      case Sub.Status:
        return utf8(statusText(yield* info.status(pid), this.machine.cpus));
      case Sub.Stat: {
        const s = yield* info.status(pid);
        const ok = yield* this.allowed(s, c);
        return utf8(statText(s, yield* info.limits(pid), ok));
      }
      case Sub.Statm:
        return utf8(statmText(yield* info.status(pid)));
      case Sub.Comm:
        return utf8(`${(yield* info.status(pid)).comm}\n`);
      case Sub.Cmdline:
        return yield* info.cmdline(pid);
      case Sub.Environ:
        yield* this.mayRead(pid, c);
        return yield* info.environ(pid);
      case Sub.Maps:
        yield* this.mayRead(pid, c);
        return utf8(yield* info.maps(pid));
      case Sub.Limits:
        return utf8(limitsText(yield* info.limits(pid)));
      case Sub.Mounts:
        return utf8(mountsText(yield* this.mounts(), (yield* info.ident(pid)).root));
      case Sub.MountInfo:
        return utf8(mountinfoText(yield* this.mounts(), (yield* info.ident(pid)).root));
      case Sub.Dir: case Sub.Fd: case Sub.FdInfo: case Sub.Cwd: case Sub.Root: case Sub.Exe: case Sub.Task:
        return refuse(ENOENT);
    }
  }

  /** A file of /proc/PID/task/TID: the thread's own stat, status and comm, the process's cmdline and statm. */
  private *taskContent(pid: number, tid: number, e: TaskSub, c: Caller): Gen<Uint8Array> {
    const info = this.info;
    switch (e) {
      case TaskSub.Stat: {
        const s = yield* info.thread(pid, tid);
        return utf8(statText(s, yield* info.limits(pid), yield* this.allowed(s, c)));
      }
      case TaskSub.Status:
        return utf8(statusText(yield* info.thread(pid, tid), this.machine.cpus));
      case TaskSub.Comm:
        return utf8(`${(yield* info.thread(pid, tid)).comm}\n`);
      case TaskSub.Cmdline:
        return yield* info.cmdline(pid);
      case TaskSub.Statm:
        return utf8(statmText(yield* info.thread(pid, tid)));
      case TaskSub.Dir:
        return refuse(ENOENT);
    }
  }

  openKey(ino: number): number {
    if (ino < KEY_FDINFO) return ino;
    const { pid, sub } = split(ino);
    const fd = sub - FD_INFO;
    if (fd >= 0 && fd < MAX_FD && fd < 2 ** 15 && pid < 2 ** 16) return KEY_FDINFO + fd * 2 ** 16 + pid;
    return 0;
  }

  keyIno(key: number): number {
    if (key < KEY_FDINFO) return key;
    const k = key - KEY_FDINFO;
    return inoOf(k % 2 ** 16, FD_INFO + Math.floor(k / 2 ** 16));
  }

  // ---- helpers ----

  /** The name space's mount table (a failing name-space server is EIO for the reader). */
  private *mounts(): Gen<Mount[]> {
    if (this.opts.nameSpace === undefined) return [];
    try {
      const r = (yield* this.env.stub(NameSpaceIface, this.opts.nameSpace).mounts()) as unknown as { mounts: Mount[] };
      return r.mounts;
    } catch (e) {
      if (e instanceof PPCError) refuse(e.errno ?? EIO, `NameSpace: ${e.message}`);
      throw e;
    }
  }

  /**
   * May the caller read process `s`'s private details (ptrace_may_access, PTRACE_MODE_READ with
   * the filesystem credentials)? Root may; so may the process itself, and a caller whose uid
   * and gid are all of the process's real, effective and saved ones.
   */
  private *allowed(s: ProcIdent, c: Caller): Gen<boolean> {
    let cred: Cred | undefined = c.cred;
    let self = false;
    if (cred === undefined) {
      const d = yield* this.info.credOfDomain(c.domain);
      cred = d.cred;
      self = d.pid === s.pid;
    }
    if (cred.uid === 0 || self) return true;
    const same = (id: number, q: readonly number[]): boolean => q[0] === id && q[1] === id && q[2] === id;
    if (same(cred.uid, s.uid) && same(cred.gid, s.gid)) return true;
    return c.cred !== undefined && (yield* this.info.pidOf(c.domain)) === s.pid;
  }

  private *mayRead(pid: number, c: Caller): Gen<ProcIdent> {
    const s = yield* this.info.ident(pid);
    if (!(yield* this.allowed(s, c))) refuse(EACCES, `process ${pid} belongs to another user`);
    return s;
  }
}

/** What /proc/filesystems lists when procfs is not told: the types the k42ts name space mounts. */
export const DEFAULT_FILESYSTEMS: readonly { name: string; nodev: boolean }[] = [
  { name: "sysfs", nodev: true }, { name: "tmpfs", nodev: true }, { name: "proc", nodev: true },
  { name: "devtmpfs", nodev: true }, { name: "ext4", nodev: false },
];
