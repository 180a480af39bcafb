// Programs for proc.test.ts, booted on every processor: a fake name-space server, a process
// table of two fake processes (what the personality's process records will give through
// ProcSource), the personality's ProcInfo server over it, procfs and sysfs — all through real
// PPCs — and a client in process 42's protection domain that walks, lists, reads and reads links
// like the personality's path walker would.

import type { Finisher } from "../../kernel/boot.js";
import type { Kernel } from "../../kernel/kernel.js";
import type { ObjRef } from "../../kernel/cos/manager.js";
import type { RegionView } from "../../kernel/mem/process.js";
import { RegionKind } from "../../kernel/mem/region.js";
import { PPCError, ServerErrno } from "../../kernel/ppc/errors.js";
import { Rights, type Stub } from "../../kernel/ppc/iface.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { Handle, Json } from "../../kernel/ppc/values.js";
import { Pte } from "../../machine/pagetable.js";
import { FileSystemIface, NameSpaceIface, NodeType, S_IFMT, type Attr, type Cred, type DirPage, type Mount } from "../../servers/fs/iface.js";
import { ProcInfoIface, type FdEntry, type IdQuad, type ProcState } from "../../servers/proc/iface.js";
import type { MachineMemory } from "../../servers/proc/proc-system.js";
import { startProcFs, startSysFs } from "../../servers/proc/start.js";
import { RLIM_INFINITY, serveProcInfo, type ProcSource, type ProcTable, type ThreadInfo } from "../proc-info.js";

type Gen<T = void> = Generator<Block, T, unknown>;

export const NS_DOMAIN = 20, PROCINFO_DOMAIN = 21, PROCFS_DOMAIN = 22, SYSFS_DOMAIN = 23;
/** Boot epoch of the test machine (2023-11-14 22:13:20 UTC). */
export const EPOCH = 1_700_000_000;

const enc = new TextEncoder();
const region = (start: number, end: number, prot: number, kind: RegionKind, offset = 0): RegionView => ({
  start, end, prot, kind, flags: 0, fcm: 0 as ObjRef<never>, offset, policyMode: 0, policyNodes: 0, id: 0 as ObjRef<never>, cache: 0 as ObjRef<never>,
});
const INF = RLIM_INFINITY;

export interface FakeSpec {
  pid: number;
  domain: number;
  comm: string;
  uid: number;
  gid: number;
}

/** A process record as the personality's will look through ProcSource (fixed values). */
export function fakeProcess(f: FakeSpec): ProcSource {
  const quad = (x: number): IdQuad => [x, x, x, x];
  const threads: ThreadInfo[] = [
    { tid: f.pid, state: "S", cpu: 2, utimeNs: 250_000_000, stimeNs: 30_000_000, minflt: 120, majflt: 3, voluntarySwitches: 10, involuntarySwitches: 2 },
    { tid: f.pid + 1, state: "R", cpu: 3, utimeNs: 50_000_000, stimeNs: 0, minflt: 5, majflt: 0, voluntarySwitches: 1, involuntarySwitches: 4 },
  ];
  const regions = [
    region(0x10000000, 0x10010000, Pte.Read | Pte.Exec, RegionKind.Image),
    region(0x10010000, 0x10020000, Pte.Read | Pte.Write, RegionKind.Image, 1),
    region(0x10020000, 0x10041000, Pte.Read | Pte.Write, RegionKind.Heap),
    region(0x7fffb0000000, 0x7fffb0021000, Pte.Read | Pte.Write, RegionKind.Stack),
  ];
  const fds: FdEntry[] = [
    { fd: 0, link: "/dev/pts/0", flags: 2, pos: 0, dev: 34816, ino: 3 },
    { fd: 1, link: "/dev/pts/0", flags: 2, pos: 0, dev: 34816, ino: 3 },
    { fd: 2, link: "/dev/pts/0", flags: 2, pos: 0, dev: 34816, ino: 3 },
    { fd: 3, link: "pipe:[7]", flags: 0o2000001, pos: 0, dev: 12, ino: 7 },
    { fd: 4, link: "/tmp/x", flags: 0, pos: 100, dev: 0x1a, ino: 99 },
  ];
  return {
    pid: f.pid, domain: f.domain, startNs: 1_500_000_000,
    comm: () => f.comm,
    state: (): ProcState => threads[0].state,
    ids: () => ({ ppid: f.pid === 1 ? 0 : 1, pgrp: f.pid, sid: 1, tty: 34816, tpgid: f.pid }),
    creds: () => ({ uid: quad(f.uid), gid: quad(f.gid), groups: f.uid === 0 ? [] : [24, f.gid] }),
    umask: () => 0o022,
    cmdline: () => enc.encode(`${f.comm}\0/tmp/x\0`),
    environ: () => enc.encode("PATH=/bin\0HOME=/home/u\0"),
    exe: () => `/usr/bin/${f.comm}`,
    cwd: () => "/home/u",
    root: () => "/",
    fds: () => fds,
    fdTableSize: () => 64,
    threads: () => threads,
    childTimes: () => ({ utimeNs: 0, stimeNs: 0, minflt: 0, majflt: 0 }),
    memory: () => ({
      regions, pointerBytes: 8,
      name: (r) => (r.kind === RegionKind.Image
        ? { name: `/usr/bin/${f.comm}`, offset: r.offset * 0x10000, major: 8, minor: 1, inode: 1234 }
        : { name: r.kind === RegionKind.Heap ? "[heap]" : "[stack]" }),
      residentAnon: 20, residentFile: 10, residentShmem: 0,
      layout: {
        startCode: 0x10000000, endCode: 0x1000f123, startData: 0x10010000, endData: 0x10010800, startBrk: 0x10020000,
        startStack: 0x7fffb001f000, argStart: 0x7fffb0020000, argEnd: 0x7fffb002000b, envStart: 0x7fffb002000b, envEnd: 0x7fffb0020023,
      },
    }),
    signals: () => ({ pending: 0n, sharedPending: 0n, blocked: 1n << 1n, ignored: 1n << 12n, caught: (1n << 14n) | (1n << 33n), queued: 0 }),
    rlimits: () => [
      [INF, INF], [INF, INF], [INF, INF], [8388608n, INF], [0n, INF], [INF, INF], [63412n, 63412n], [1024n, 4096n],
      [8388608n, 8388608n], [INF, INF], [INF, INF], [63412n, 63412n], [819200n, 819200n], [0n, 0n], [0n, 0n], [INF, INF],
    ],
    sched: () => ({ nice: 0, policy: 0, rtPriority: 0, cpusAllowed: [0, 1, 2, 3], memsAllowed: [0, 1] }),
    exitSignal: () => 17,
    exitCode: () => 0,
    flags: () => 0x400000,
    noNewPrivs: () => false,
  };
}

export function fakeTable(procs: readonly ProcSource[]): ProcTable {
  return {
    pids: () => procs.map((p) => p.pid),
    get: (pid) => procs.find((p) => p.pid === pid),
    byDomain: (d) => procs.find((p) => p.domain === d),
    lastPid: () => 43,
    forks: () => 57,
  };
}

export const MOUNTS: Mount[] = [
  { path: "/", server: 0, xh: 257, fstype: "ext4", source: "/dev/root", flags: 0, dev: 0x801 },
  { path: "/proc", server: 0, xh: 257, fstype: "proc", source: "proc", flags: 2 | 4 | 8, dev: 0x14 },
  { path: "/sys", server: 0, xh: 257, fstype: "sysfs", source: "sysfs", flags: 2 | 4 | 8, dev: 0x15 },
  { path: "/tmp", server: 0, xh: 257, fstype: "tmpfs", source: "tmpfs", flags: 2 | 4, dev: 0x1a },
  { path: "/home/u/my dir", server: 0, xh: 257, fstype: "bind", source: "/host/with space", flags: 1, dev: 0x801 },
];

/** 1 GiB on two nodes; fixed numbers, so the expected texts are too. */
export const MEMORY: MachineMemory = {
  totalBytes: 1 << 30, freeBytes: 700 << 20, cachedBytes: 100 << 20,
  nodes: [{ totalBytes: 512 << 20, freeBytes: 400 << 20 }, { totalBytes: 512 << 20, freeBytes: 300 << 20 }],
};

type Res = unknown;
const errOf = (e: unknown): Res => {
  if (e instanceof PPCError) return { errno: e.errno ?? null, code: e.code };
  throw e;
};

/** The personality's walker in miniature: lookup per component, relative links followed inside the tree. */
class Walker {
  constructor(
    private readonly fs: Stub<typeof FileSystemIface>, private readonly cred: Cred, private readonly root: number,
    private readonly file: (h: Handle) => Stub<typeof FileSystemIface>,
  ) {}

  *walk(path: string, follow = true): Gen<Attr> {
    let comps = path.split("/").filter((c) => c !== "");
    let dir = this.root;
    let hops = 0;
    let a = (yield* this.fs.getattr(dir)) as unknown as Attr;
    while (comps.length > 0) {
      const name = comps.shift() as string;
      a = (yield* this.fs.lookup(dir, name, this.cred as unknown as Json)) as unknown as Attr;
      if ((a.mode & S_IFMT) === NodeType.Lnk && (comps.length > 0 || follow)) {
        const target = yield* this.fs.readlink(a.ino);
        if (target.startsWith("/") || /^[a-z_]+:\[/.test(target)) break; // outside this tree, or a magic link
        if (++hops > 8) throw new Error("link loop");
        comps = [...target.split("/").filter((c) => c !== ""), ...comps];
        continue;
      }
      dir = a.ino; // the next lookup is in this node (ENOTDIR from the server when it is no directory)
    }
    return a;
  }

  *ls(path: string): Gen<string[]> {
    const d = yield* this.walk(path);
    const names: string[] = [];
    let cookie = 0;
    for (;;) {
      const p = (yield* this.fs.readdir(d.ino, cookie, 5, this.cred as unknown as Json)) as unknown as DirPage;
      for (const [name, , , next] of p.entries) {
        names.push(name);
        cookie = next;
      }
      if (p.eof) return names;
    }
  }

  *cat(path: string, chunk = 97): Gen<string> {
    const a = yield* this.walk(path);
    const h = yield* this.fs.open(a.ino, 0, this.cred as unknown as Json);
    const f = this.file(h);
    const parts: Uint8Array[] = [];
    for (let off = 0; ; ) {
      const b = yield* f.read(off, chunk);
      if (b.length === 0) break;
      parts.push(b);
      off += b.length;
    }
    yield* f.close();
    return new TextDecoder().decode(Buffer.concat(parts));
  }
}

/**
 * Register the fake name space, ProcInfo (dispatchers on `procInfoCpus`), procfs and sysfs on
 * this processor, in that order; run `script` in process `pid`'s domain on the processors in
 * `clients`.
 */
export function procSuite(k: Kernel, args: unknown): Finisher {
  const a = args as { procInfoCpus?: number[]; clients: number[] };
  const ns = k.ppc.serve(NameSpaceIface, NS_DOMAIN, () => ({
    mounts: (): Json => ({ generation: 1, mounts: MOUNTS as unknown as Json }),
    generation: () => 1,
    mount: (): void => { throw new ServerErrno(1); },
  }), { root: { owner: NS_DOMAIN, ownerRights: Rights.All, otherRights: Rights.Read } });
  const table = fakeTable([fakeProcess({ pid: 1, domain: 101, comm: "init", uid: 0, gid: 0 }), fakeProcess({ pid: 42, domain: 142, comm: "cat", uid: 1000, gid: 1000 })]);
  const procInfo = serveProcInfo(k.ppc, table, { domain: PROCINFO_DOMAIN, procfsDomain: PROCFS_DOMAIN, ...(a.procInfoCpus ? { cpus: a.procInfoCpus } : {}) });
  const proc = startProcFs(k.ppc, {
    domain: PROCFS_DOMAIN, procInfo: [procInfo], nameSpace: ns.root as Handle, memory: () => MEMORY, bootEpoch: EPOCH,
    hostname: "k42", release: "6.1.0-k42ts", version: "#1 SMP k42ts",
  });
  const sys = startSysFs(k.ppc, { domain: SYSFS_DOMAIN, memory: () => MEMORY, bootEpoch: EPOCH });
  const out: Record<string, Res> = {};
  if (a.clients.includes(k.cpu)) {
    k.sched.spawn("proc client", clientScript(k, proc, sys, procInfo, out), 142);
    // A domain that is no process's: /proc/self names nothing for it.
    k.sched.spawn("stranger", (function* (): Gen {
      const fs = k.ppc.stub(FileSystemIface, proc);
      const nobody = { uid: 65534, gid: 65534, groups: [] } as unknown as Json;
      const self = (yield* fs.lookup(yield* fs.root(), "self", nobody)) as unknown as Attr;
      try {
        out.strangerSelf = yield* fs.readlink(self.ino);
      } catch (e) {
        out.strangerSelf = errOf(e);
      }
    })(), 999);
  }
  return () => ({ ...out, remoteCalls: k.ppc.stats.remoteCalls });
}

function* clientScript(k: Kernel, procRoot: Handle, sysRoot: Handle, procInfo: Handle, out: Record<string, Res>): Gen {
  const user: Cred = { uid: 1000, gid: 1000, groups: [24, 1000] };
  const pfs = k.ppc.stub(FileSystemIface, procRoot);
  const sfs = k.ppc.stub(FileSystemIface, sysRoot);
  const file = (h: Handle) => k.ppc.stub(FileSystemIface, h);
  const p = new Walker(pfs, user, yield* pfs.root(), file);
  const s = new Walker(sfs, user, yield* sfs.root(), file);
  const attempt = function* (key: string, g: Gen<unknown>): Gen {
    try {
      out[key] = (yield* g) as Res;
    } catch (e) {
      out[key] = errOf(e);
    }
  };
  const cred = user as unknown as Json;
  // /proc itself
  yield* attempt("lsProc", p.ls("/"));
  yield* attempt("self", pfs.readlink((yield* p.walk("self", false)).ino));
  yield* attempt("lsSelf", p.ls("self"));
  yield* attempt("exe", pfs.readlink((yield* p.walk("self/exe", false)).ino));
  yield* attempt("cwd", pfs.readlink((yield* p.walk("self/cwd", false)).ino));
  yield* attempt("root", pfs.readlink((yield* p.walk("self/root", false)).ino));
  yield* attempt("lsFd", p.ls("self/fd"));
  yield* attempt("fd3", pfs.readlink((yield* p.walk("self/fd/3", false)).ino));
  yield* attempt("fd4Attr", p.walk("self/fd/4", false));
  yield* attempt("fd3Attr", p.walk("self/fd/3", false));
  yield* attempt("fdinfo3", p.cat("self/fdinfo/3"));
  yield* attempt("fdinfo4", p.cat("42/fdinfo/4"));
  yield* attempt("status", p.cat("self/status"));
  yield* attempt("stat", p.cat("self/stat"));
  yield* attempt("statm", p.cat("self/statm"));
  yield* attempt("maps", p.cat("self/maps"));
  yield* attempt("cmdline", p.cat("self/cmdline"));
  yield* attempt("environ", p.cat("self/environ"));
  yield* attempt("comm", p.cat("self/comm"));
  yield* attempt("limits", p.cat("self/limits"));
  yield* attempt("mounts", p.cat("mounts"));
  yield* attempt("mountinfo", p.cat("self/mountinfo"));
  yield* attempt("cpuinfo", p.cat("cpuinfo"));
  yield* attempt("meminfo", p.cat("meminfo"));
  yield* attempt("procStat", p.cat("stat"));
  yield* attempt("loadavg", p.cat("loadavg"));
  yield* attempt("uptime", p.cat("uptime"));
  yield* attempt("version", p.cat("version"));
  yield* attempt("filesystems", p.cat("filesystems"));
  yield* attempt("hostname", p.cat("sys/kernel/hostname"));
  yield* attempt("pidMax", p.cat("sys/kernel/pid_max"));
  yield* attempt("overcommit", p.cat("sys/vm/overcommit_memory"));
  yield* attempt("statusAttr", p.walk("self/status"));
  yield* attempt("dirAttr", p.walk("42"));
  yield* attempt("statfs", pfs.statfs());
  // another user's process: root's init (pid 1)
  yield* attempt("initStatus", p.cat("1/status"));
  yield* attempt("initExe", pfs.readlink((yield* p.walk("1/exe", false)).ino));
  yield* attempt("initEnviron", p.cat("1/environ"));
  yield* attempt("initMaps", p.cat("1/maps"));
  yield* attempt("initFd", p.ls("1/fd"));
  yield* attempt("initStat", p.cat("1/stat"));
  // what does not exist, and what cannot change
  yield* attempt("noPid", p.walk("77/status"));
  yield* attempt("noFd", p.walk("self/fd/9"));
  yield* attempt("noFile", p.walk("nonesuch"));
  yield* attempt("notDir", p.walk("cpuinfo/x"));
  yield* attempt("openWrite", pfs.open((yield* p.walk("self/comm")).ino, 1, cred));
  yield* attempt("mkdir", pfs.mkdir(yield* pfs.root(), "x", 0o755, cred));
  yield* attempt("create", pfs.create(yield* pfs.root(), "x", 0o644, false, cred));
  yield* attempt("unlink", pfs.unlink(yield* pfs.root(), "cpuinfo", cred));
  yield* attempt("readlinkFile", pfs.readlink((yield* p.walk("cpuinfo")).ino));
  // ProcInfo's root handle is procfs's alone: the process's own domain is refused.
  yield* attempt("procInfoDirect", k.ppc.stub(ProcInfoIface, procInfo).pidOf(142));
  // an open file read after the server's object was replaced on this processor: made again
  const st = yield* p.walk("self/status");
  const h = yield* pfs.open(st.ino, 0, cred);
  const f = k.ppc.stub(FileSystemIface, h);
  const head = yield* f.read(0, 10);
  k.ppc.server(procRoot.server)?.restart();
  const rest = yield* f.read(10, 20);
  out.afterRestart = new TextDecoder().decode(Buffer.concat([head, rest]));
  yield* f.close();
  yield* attempt("afterClose", f.read(0, 10));
  // sysfs
  yield* attempt("sysCpu", s.ls("devices/system/cpu"));
  yield* attempt("sysCpu2", s.ls("devices/system/cpu/cpu2"));
  yield* attempt("sysTopo", s.ls("devices/system/cpu/cpu2/topology"));
  const sysFiles = [
    "devices/system/cpu/online", "devices/system/cpu/possible", "devices/system/cpu/present", "devices/system/cpu/offline",
    "devices/system/cpu/kernel_max", "devices/system/cpu/cpu2/online",
    "devices/system/cpu/cpu2/topology/core_id", "devices/system/cpu/cpu2/topology/physical_package_id",
    "devices/system/cpu/cpu2/topology/thread_siblings", "devices/system/cpu/cpu2/topology/thread_siblings_list",
    "devices/system/cpu/cpu2/topology/core_siblings", "devices/system/cpu/cpu2/topology/core_siblings_list",
    "devices/system/node/online", "devices/system/node/possible", "devices/system/node/has_cpu",
    "devices/system/node/has_normal_memory", "devices/system/node/node0/cpulist", "devices/system/node/node1/cpulist",
    "devices/system/node/node0/cpumap", "devices/system/node/node1/cpumap", "devices/system/node/node0/distance",
    "devices/system/node/node1/distance", "devices/system/node/node1/meminfo",
  ];
  const sysOut: Record<string, Res> = {};
  for (const path of sysFiles) {
    try {
      sysOut[path] = yield* s.cat(path);
    } catch (e) {
      sysOut[path] = errOf(e);
    }
  }
  out.sys = sysOut;
  yield* attempt("sysNode1", s.ls("devices/system/node/node1"));
  yield* attempt("sysCpu3Node", sfs.readlink((yield* s.walk("devices/system/cpu/cpu3/node1", false)).ino));
  yield* attempt("sysAttr", s.walk("devices/system/cpu/online"));
}

