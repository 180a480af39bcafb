// procfs and sysfs through real PPCs on a booted 4-processor, 2-node machine: a client in process
// 42's protection domain walks /proc and /sys the way the personality's path walker does (lookup
// per component, links read and followed by the client) and reads what a Linux program would.
// The process data comes from fake process records through the personality's ProcInfo server
// (src/linux/proc-info.ts), the mount table from a fake name-space server.
//
// Deterministic mode: ProcInfo, procfs and sysfs have dispatchers on every processor and every
// processor runs the client. Parallel mode: ProcInfo's only dispatcher is processor 0 (the
// process records live in one worker), so procfs on processors 1..3 asks it across workers.

import { test } from "node:test";
import assert from "node:assert/strict";
import { boot, type BootResult, type MachineOptions } from "../kernel/boot.js";
import { PpcErr } from "../kernel/ppc/errors.js";
import { NodeType, S_IFMT, type Attr } from "../servers/fs/iface.js";
import { PhysicalMemory } from "../machine/memory.js";
import { E } from "./errno.js";
import { EPOCH } from "./testing/proc-programs.js";
import { machineMemory } from "./proc-servers.js";

const PROGRAMS = new URL("./testing/proc-programs.js", import.meta.url).href;

async function suite(opts: MachineOptions, args: { procInfoCpus?: number[]; clients: number[] }): Promise<Record<string, unknown>[]> {
  const r: BootResult = await boot(opts, { module: PROGRAMS, name: "procSuite", args });
  assert.deepEqual(r.errors, []);
  for (const c of r.cpus) assert.deepEqual(c.threadErrors, [], `cpu ${c.cpu}`);
  assert.equal(r.deadlock, undefined);
  return r.cpus.map((c) => c.result as Record<string, unknown>);
}

const errno = (n: number) => ({ errno: n, code: PpcErr.Errno });
const type = (a: unknown): number => (a as Attr).mode & S_IFMT;
const perm = (a: unknown): number => (a as Attr).mode & 0o7777;

const STATUS_42 = `Name:\tcat
Umask:\t0022
State:\tS (sleeping)
Tgid:\t42
Ngid:\t0
Pid:\t42
PPid:\t1
TracerPid:\t0
Uid:\t1000\t1000\t1000\t1000
Gid:\t1000\t1000\t1000\t1000
FDSize:\t64
Groups:\t24 1000 
NStgid:\t42
NSpid:\t42
NSpgid:\t42
NSsid:\t1
VmPeak:\t     392 kB
VmSize:\t     392 kB
VmLck:\t       0 kB
VmPin:\t       0 kB
VmHWM:\t     120 kB
VmRSS:\t     120 kB
RssAnon:\t      80 kB
RssFile:\t      40 kB
RssShmem:\t       0 kB
VmData:\t     196 kB
VmStk:\t     132 kB
VmExe:\t      64 kB
VmLib:\t       0 kB
VmPTE:\t       0 kB
VmSwap:\t       0 kB
HugetlbPages:\t       0 kB
CoreDumping:\t0
THP_enabled:\t0
Threads:\t2
SigQ:\t0/63412
SigPnd:\t0000000000000000
ShdPnd:\t0000000000000000
SigBlk:\t0000000000000002
SigIgn:\t0000000000001000
SigCgt:\t0000000200004000
CapInh:\t0000000000000000
CapPrm:\t0000000000000000
CapEff:\t0000000000000000
CapBnd:\t000001ffffffffff
CapAmb:\t0000000000000000
NoNewPrivs:\t0
Seccomp:\t0
Seccomp_filters:\t0
Speculation_Store_Bypass:\tunknown
SpeculationIndirectBranch:\tunknown
Cpus_allowed:\tf
Cpus_allowed_list:\t0-3
Mems_allowed:\t00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000003
Mems_allowed_list:\t0-1
voluntary_ctxt_switches:\t11
nonvoluntary_ctxt_switches:\t6
`;

const CPUINFO = [0, 1, 2, 3].map((c) =>
  `processor\t: ${c}\ncpu\t\t: POWER8 (architected), altivec supported\nclock\t\t: 1000.000000MHz\nrevision\t: 2.0 (pvr 004d 0200)\n\n`).join("") +
  "timebase\t: 512000000\nplatform\t: pSeries\nmodel\t\t: IBM pSeries (emulated by k42ts)\nmachine\t\t: CHRP IBM pSeries (emulated by k42ts)\nMMU\t\t: Hash\n";

function checkProc(o: Record<string, unknown>, where: string): void {
  // /proc: the fixed entries, then one directory per process
  assert.deepEqual(o.lsProc, [".", "..", "self", "mounts", "cpuinfo", "meminfo", "stat", "uptime", "loadavg", "filesystems", "version", "sys", "1", "42"], where);
  // self is the caller's process, from its kernel-stamped domain
  assert.equal(o.self, "42", where);
  assert.deepEqual(o.strangerSelf, errno(E.ENOENT), `${where}: a domain that is no process's has no /proc/self`);
  assert.deepEqual(o.lsSelf, [".", "..", "task", "fd", "fdinfo", "environ", "status", "limits", "comm", "cmdline", "stat", "statm", "maps", "cwd", "root", "exe", "mounts", "mountinfo"], where);
  assert.equal(o.exe, "/usr/bin/cat", where);
  assert.equal(o.cwd, "/home/u", where);
  assert.equal(o.root, "/", where);
  assert.deepEqual(o.lsFd, [".", "..", "0", "1", "2", "3", "4"], where);
  assert.equal(o.fd3, "pipe:[7]", where);
  // fd/N: a link whose mode says how the descriptor is open (r-x read, -wx write), size 64
  assert.equal(type(o.fd4Attr), NodeType.Lnk);
  assert.equal(perm(o.fd4Attr), 0o500, where);
  assert.equal(perm(o.fd3Attr), 0o300, where);
  assert.equal((o.fd3Attr as Attr).size, 64);
  assert.equal(o.fdinfo3, "pos:\t0\nflags:\t02000001\nmnt_id:\t0\nino:\t7\n", where);
  assert.equal(o.fdinfo4, "pos:\t100\nflags:\t00\nmnt_id:\t24\nino:\t99\n", where, );
  assert.equal(o.status, STATUS_42, where);
  const stat = String(o.stat).trimEnd().split(" ");
  assert.equal(stat.length, 52, where);
  assert.deepEqual(stat.slice(0, 25), [
    "42", "(cat)", "S", "1", "42", "1", "34816", "42", "4194304", "125", "0", "3", "0", "30", "3", "0", "0", "20", "0", "2", "0", "150",
    "401408", "30", "18446744073709551615",
  ], where);
  assert.deepEqual(stat.slice(25, 28).map(Number), [0x10000000, 0x1000f123, 0x7fffb001f000], `${where}: the process itself sees its layout`);
  assert.deepEqual(stat.slice(30, 34), ["0", "2", "4096", "16384"], `${where}: signals (low 31 bits)`);
  assert.deepEqual(stat.slice(37, 39), ["17", "2"], `${where}: exit signal, last processor`);
  assert.equal(o.statm, "98 30 10 16 0 82 0\n", where);
  assert.equal(o.maps,
    "10000000-10010000 r-xp 00000000 08:01 1234" + " ".repeat(31) + "/usr/bin/cat\n" +
    "10010000-10020000 rw-p 00010000 08:01 1234" + " ".repeat(31) + "/usr/bin/cat\n" +
    "10020000-10041000 rw-p 00000000 00:00 0" + " ".repeat(34) + "[heap]\n" +
    "7fffb0000000-7fffb0021000 rw-p 00000000 00:00 0" + " ".repeat(26) + "[stack]\n", where);
  assert.equal(o.cmdline, "cat\0/tmp/x\0", where);
  assert.equal(o.environ, "PATH=/bin\0HOME=/home/u\0", where);
  assert.equal(o.comm, "cat\n", where);
  const limits = String(o.limits).split("\n");
  assert.equal(limits[0], "Limit                     Soft Limit           Hard Limit           Units     ", where);
  assert.equal(limits[4], "Max stack size            8388608              unlimited            bytes     ", where);
  assert.equal(limits[8], "Max open files            1024                 4096                 files     ", where);
  assert.equal(limits[14], "Max nice priority         0                    0                    ", where);
  assert.equal(limits.length, 18, where);
  assert.equal(o.mounts,
    "/dev/root / ext4 rw,relatime 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n" +
    "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\ntmpfs /tmp tmpfs rw,nosuid,nodev,relatime 0 0\n" +
    "/host/with\\040space /home/u/my\\040dir bind ro,relatime 0 0\n", where);
  assert.equal(o.mountinfo,
    "21 20 8:1 / / rw,relatime - ext4 /dev/root rw\n22 21 0:20 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n" +
    "23 21 0:21 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw\n24 21 0:26 / /tmp rw,nosuid,nodev,relatime - tmpfs tmpfs rw\n" +
    "25 21 8:1 / /home/u/my\\040dir ro,relatime - bind /host/with\\040space ro\n", where);
  assert.equal(o.cpuinfo, CPUINFO, where);
  assert.equal(o.meminfo,
    "MemTotal:        1048576 kB\nMemFree:          716800 kB\nMemAvailable:     819200 kB\nBuffers:               0 kB\n" +
    "Cached:           102400 kB\nSwapCached:            0 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n", where);
  assert.equal(o.procStat, [
    "cpu  0 0 0 0 0 0 0 0 0 0", ...[0, 1, 2, 3].map((c) => `cpu${c} 0 0 0 0 0 0 0 0 0 0`), "intr 0", "ctxt 0", `btime ${EPOCH}`,
    "processes 57", "procs_running 2", "procs_blocked 0", "softirq 0 0 0 0 0 0 0 0 0 0 0", "",
  ].join("\n"), where);
  assert.equal(o.loadavg, "0.00 0.00 0.00 2/4 43\n", where);
  assert.match(String(o.uptime), /^\d+\.\d\d 0\.00\n$/, where);
  assert.equal(o.version, "Linux version 6.1.0-k42ts (k42ts@k42) (TypeScript, k42ts) #1 SMP k42ts\n", where);
  assert.equal(o.filesystems, "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\n\text4\n", where);
  assert.equal(o.hostname, "k42\n");
  assert.equal(o.pidMax, "32768\n");
  assert.equal(o.overcommit, "0\n");
  // attributes: owner is the process's effective user, size 0, times from its start
  const sa = o.statusAttr as Attr;
  assert.deepEqual([type(sa), perm(sa), sa.uid, sa.gid, sa.size, sa.mtime], [NodeType.Reg, 0o444, 1000, 1000, 0, [EPOCH + 1, 500_000_000]], where);
  assert.deepEqual([type(o.dirAttr), perm(o.dirAttr)], [NodeType.Dir, 0o555], where);
  assert.equal((o.statfs as { type: number }).type, 0x9fa0);
  // root's process: its status is public, its links, environment, map and descriptors are not
  assert.match(String(o.initStatus), /^Name:\tinit\n[^]*\nUid:\t0\t0\t0\t0\n[^]*\nCapEff:\t000001ffffffffff\n/, where);
  assert.deepEqual(o.initExe, errno(E.EACCES), where);
  assert.deepEqual(o.initEnviron, errno(E.EACCES), where);
  assert.deepEqual(o.initMaps, errno(E.EACCES), where);
  assert.deepEqual(o.initFd, errno(E.EACCES), where);
  assert.deepEqual(String(o.initStat).split(" ").slice(25, 28), ["1", "1", "0"], `${where}: another user's layout is hidden`);
  // absent nodes and refused changes
  assert.deepEqual(o.noPid, errno(E.ENOENT), where);
  assert.deepEqual(o.noFd, errno(E.ENOENT), where);
  assert.deepEqual(o.noFile, errno(E.ENOENT), where);
  assert.deepEqual(o.notDir, errno(E.ENOTDIR), where);
  assert.deepEqual(o.openWrite, errno(E.EACCES), where);
  assert.deepEqual(o.mkdir, errno(E.EACCES), where);
  assert.deepEqual(o.create, errno(E.EACCES), where);
  assert.deepEqual(o.unlink, errno(E.EACCES), where);
  assert.deepEqual(o.readlinkFile, errno(E.EINVAL), where);
  assert.deepEqual(o.procInfoDirect, { errno: null, code: PpcErr.Rights }, `${where}: ProcInfo answers procfs alone`);
  // a file opened before the server's object was replaced reads on, made again; a closed one is stale
  assert.equal(o.afterRestart, STATUS_42.slice(0, 30), where);
  assert.deepEqual(o.afterClose, { errno: null, code: PpcErr.Stale }, where);
}

function checkSys(o: Record<string, unknown>, where: string): void {
  assert.deepEqual(o.sysCpu, [".", "..", "online", "possible", "present", "offline", "kernel_max", "cpu0", "cpu1", "cpu2", "cpu3"], where);
  assert.deepEqual(o.sysCpu2, [".", "..", "online", "topology", "node1"], where);
  assert.deepEqual(o.sysTopo, [".", "..", "core_id", "physical_package_id", "thread_siblings", "thread_siblings_list", "core_cpus",
    "core_cpus_list", "core_siblings", "core_siblings_list", "package_cpus", "package_cpus_list"], where);
  assert.deepEqual(o.sys, {
    "devices/system/cpu/online": "0-3\n",
    "devices/system/cpu/possible": "0-3\n",
    "devices/system/cpu/present": "0-3\n",
    "devices/system/cpu/offline": "\n",
    "devices/system/cpu/kernel_max": "63\n",
    "devices/system/cpu/cpu2/online": "1\n",
    "devices/system/cpu/cpu2/topology/core_id": "2\n",
    "devices/system/cpu/cpu2/topology/physical_package_id": "1\n",
    "devices/system/cpu/cpu2/topology/thread_siblings": "4\n",
    "devices/system/cpu/cpu2/topology/thread_siblings_list": "2\n",
    "devices/system/cpu/cpu2/topology/core_siblings": "c\n",
    "devices/system/cpu/cpu2/topology/core_siblings_list": "2-3\n",
    "devices/system/node/online": "0-1\n",
    "devices/system/node/possible": "0-1\n",
    "devices/system/node/has_cpu": "0-1\n",
    "devices/system/node/has_normal_memory": "0-1\n",
    "devices/system/node/node0/cpulist": "0-1\n",
    "devices/system/node/node1/cpulist": "2-3\n",
    "devices/system/node/node0/cpumap": "3\n",
    "devices/system/node/node1/cpumap": "c\n",
    "devices/system/node/node0/distance": "10 20\n",
    "devices/system/node/node1/distance": "20 10\n",
    "devices/system/node/node1/meminfo": "Node 1 MemTotal:         524288 kB\nNode 1 MemFree:          307200 kB\nNode 1 MemUsed:          217088 kB\n",
  }, where);
  assert.deepEqual(o.sysNode1, [".", "..", "cpumap", "cpulist", "distance", "meminfo", "cpu2", "cpu3"], where);
  assert.equal(o.sysCpu3Node, "../../node/node1", where);
  const a = o.sysAttr as Attr;
  assert.deepEqual([type(a), perm(a), a.size, a.uid], [NodeType.Reg, 0o444, 4096, 0], `${where}: sysfs files are a page long in stat`);
}

test("deterministic: /proc and /sys through PPC on every processor (4 cpus, 2 nodes)", async () => {
  const res = await suite({ mode: "deterministic", cpus: 4, nodes: 2 }, { clients: [0, 1, 2, 3] });
  for (const [cpu, o] of res.entries()) {
    checkProc(o, `cpu ${cpu}`);
    checkSys(o, `cpu ${cpu}`);
    assert.equal(o.remoteCalls, 0, `cpu ${cpu}: every server has a dispatcher here, so every call is local`);
  }
});

test("parallel: ProcInfo on processor 0 only; procfs on processors 1..3 asks it across workers", { timeout: 120_000 }, async () => {
  const res = await suite({ mode: "parallel", cpus: 4, nodes: 2 }, { procInfoCpus: [0], clients: [0, 1, 2, 3] });
  for (const [cpu, o] of res.entries()) {
    checkProc(o, `cpu ${cpu}`);
    checkSys(o, `cpu ${cpu}`);
    if (cpu === 0) assert.equal(o.remoteCalls, 0, "processor 0 has every dispatcher");
    else assert.ok((o.remoteCalls as number) > 20, `cpu ${cpu}: procfs asked ProcInfo across workers (${String(o.remoteCalls)} calls)`);
  }
});

test("the machine's memory for meminfo and nodeN/meminfo: all frames, free ones counted from the frame lists", () => {
  const mem = new PhysicalMemory({ bytes: 64 << 20, nodes: 2 });
  const f = machineMemory(mem);
  const before = f();
  assert.equal(before.totalBytes, 64 << 20);
  assert.deepEqual(before.nodes.map((n) => n.totalBytes), [32 << 20, 32 << 20]);
  const pa = mem.allocFrameOn(1);
  const after = f();
  assert.equal(after.nodes[1].freeBytes, before.nodes[1].freeBytes - 4096);
  assert.equal(after.nodes[0].freeBytes, before.nodes[0].freeBytes);
  mem.freeFrame(pa);
  assert.equal(f().freeBytes, before.freeBytes);
});
