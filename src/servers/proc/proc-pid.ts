// The text of /proc/PID files, from the records ProcInfo answers with, in the formats of Linux
// 6.1 (fs/proc/array.c, base.c, task_mmu.c, fd.c, proc_namespace.c). Pure functions.

import type { Mount } from "../fs/iface.js";
import { bitmapList, bitmapMask, majorMinor, mangle, sigLow31, ticks } from "./format.js";
import { RLIMITS, type FdEntry, type Limit, type ProcState, type ProcStatus } from "./iface.js";

/** MAX_NUMNODES of Debian's ppc64el kernel (CONFIG_NODES_SHIFT=8): the width of Mems_allowed. */
export const NODEMASK_BITS = 256;

/** Capabilities of Linux 6.1 (CAP_LAST_CAP 40): a full set as /proc prints it. */
const CAP_FULL = "000001ffffffffff";
const CAP_NONE = "0000000000000000";
const PAGE_KB = 4;
const RLIMIT_RSS = 5;
/** RLIM_INFINITY as an unsigned 64-bit decimal. */
const INFINITY = "18446744073709551615";

const STATE_NAMES: Readonly<Record<ProcState, string>> = {
  R: "R (running)", S: "S (sleeping)", D: "D (disk sleep)", T: "T (stopped)", t: "t (tracing stop)",
  X: "X (dead)", Z: "Z (zombie)", P: "P (parked)", I: "I (idle)",
};

const vmLine = (label: string, kb: number): string => `${label}:\t${String(Math.floor(kb)).padStart(8)} kB\n`;

/** /proc/PID/status (proc_pid_status). `cpus` is nr_cpu_ids, the width of Cpus_allowed. */
export function statusText(s: ProcStatus, cpus: number): string {
  const v = s.vm;
  const root = s.uid[1] === 0;
  const lines = [
    `Name:\t${s.comm}\n`,
    `Umask:\t${s.umask.toString(8).padStart(4, "0")}\n`,
    `State:\t${STATE_NAMES[s.state]}\n`,
    `Tgid:\t${s.pid}\n`, "Ngid:\t0\n", `Pid:\t${s.tid ?? s.pid}\n`, `PPid:\t${s.ppid}\n`, "TracerPid:\t0\n",
    `Uid:\t${s.uid.join("\t")}\n`, `Gid:\t${s.gid.join("\t")}\n`,
    `FDSize:\t${s.fdSize}\n`,
    // Linux prints each group followed by a space (the trailing one "shouldn't have been added").
    `Groups:\t${s.groups.join(" ")} \n`,
    `NStgid:\t${s.pid}\n`, `NSpid:\t${s.tid ?? s.pid}\n`, `NSpgid:\t${s.pgrp}\n`, `NSsid:\t${s.sid}\n`,
    vmLine("VmPeak", v.VmPeak), vmLine("VmSize", v.VmSize), vmLine("VmLck", v.VmLck), vmLine("VmPin", v.VmPin),
    vmLine("VmHWM", v.VmHWM), vmLine("VmRSS", v.VmRSS), vmLine("RssAnon", v.RssAnon), vmLine("RssFile", v.RssFile),
    vmLine("RssShmem", v.RssShmem), vmLine("VmData", v.VmData), vmLine("VmStk", v.VmStk), vmLine("VmExe", v.VmExe),
    vmLine("VmLib", v.VmLib), vmLine("VmPTE", v.VmPTE), vmLine("VmSwap", v.VmSwap),
    vmLine("HugetlbPages", 0),
    "CoreDumping:\t0\n",
    "THP_enabled:\t0\n", // no transparent huge pages on this machine
    `Threads:\t${s.tids.length}\n`,
    `SigQ:\t${s.sigQueued}/${s.sigQueueLimit}\n`,
    `SigPnd:\t${s.sigPnd}\n`, `ShdPnd:\t${s.shdPnd}\n`, `SigBlk:\t${s.sigBlk}\n`, `SigIgn:\t${s.sigIgn}\n`, `SigCgt:\t${s.sigCgt}\n`,
    `CapInh:\t${CAP_NONE}\n`, `CapPrm:\t${root ? CAP_FULL : CAP_NONE}\n`, `CapEff:\t${root ? CAP_FULL : CAP_NONE}\n`,
    `CapBnd:\t${CAP_FULL}\n`, `CapAmb:\t${CAP_NONE}\n`,
    `NoNewPrivs:\t${s.noNewPrivs ? 1 : 0}\n`, "Seccomp:\t0\n", "Seccomp_filters:\t0\n",
    // PowerPC has no arch_prctl_spec_ctrl_get: Linux prints "unknown" for both.
    "Speculation_Store_Bypass:\tunknown\n", "SpeculationIndirectBranch:\tunknown\n",
    `Cpus_allowed:\t${bitmapMask(s.cpusAllowed, cpus)}\n`, `Cpus_allowed_list:\t${bitmapList(s.cpusAllowed)}\n`,
    `Mems_allowed:\t${bitmapMask(s.memsAllowed, NODEMASK_BITS)}\n`, `Mems_allowed_list:\t${bitmapList(s.memsAllowed)}\n`,
    `voluntary_ctxt_switches:\t${s.voluntaryCtxtSwitches}\n`, `nonvoluntary_ctxt_switches:\t${s.nonvoluntaryCtxtSwitches}\n`,
  ];
  return lines.join("");
}

/**
 * /proc/PID/stat (do_task_stat): 52 fields. `permitted` (the reader may ptrace the process)
 * shows the image addresses and exit code, as Linux does; `rss` limit from the limits.
 */
export function statText(s: ProcStatus, limits: readonly Limit[], permitted: boolean): string {
  const l = s.layout;
  const rsslim = limits[RLIMIT_RSS]?.[0] ?? "unlimited";
  const f: (number | string)[] = [
    s.tid ?? s.pid, `(${s.comm})`, s.state, s.ppid, s.pgrp, s.sid, s.tty, s.tpgid, s.flags,
    s.minflt, s.cminflt, s.majflt, s.cmajflt,
    ticks(s.utimeNs), ticks(s.stimeNs), ticks(s.cutimeNs), ticks(s.cstimeNs),
    s.policy === 0 ? 20 + s.nice : -1 - s.rtPriority, s.nice, s.tids.length, 0, ticks(s.startNs),
    s.vm.VmSize * 1024, s.vm.VmRSS / PAGE_KB, rsslim === "unlimited" ? INFINITY : rsslim,
    permitted ? l.startCode : 1, permitted ? l.endCode : 1, permitted ? l.startStack : 0, 0, 0,
    sigLow31(s.sigPnd), sigLow31(s.sigBlk), sigLow31(s.sigIgn), sigLow31(s.sigCgt),
    0, 0, 0, s.exitSignal, s.processor, s.rtPriority, s.policy, 0, 0, 0,
    ...(permitted ? [l.startData, l.endData, l.startBrk, l.argStart, l.argEnd, l.envStart, l.envEnd] : [0, 0, 0, 0, 0, 0, 0]),
    permitted ? s.exitCode : 0,
  ];
  return f.join(" ") + "\n";
}

/** /proc/PID/statm: size resident shared text lib data dt, in pages. */
export function statmText(s: ProcStatus): string {
  const v = s.vm;
  const text = s.layout.endCode > s.layout.startCode ? Math.ceil(s.layout.endCode / 4096) - Math.floor(s.layout.startCode / 4096) : 0;
  return [v.VmSize / PAGE_KB, v.VmRSS / PAGE_KB, s.sharedPages, text, 0, (v.VmData + v.VmStk) / PAGE_KB, 0]
    .map((x) => Math.floor(x)).join(" ") + "\n";
}

/** /proc/PID/limits (proc_pid_limits). */
export function limitsText(limits: readonly Limit[]): string {
  let out = `${"Limit".padEnd(25)} ${"Soft Limit".padEnd(20)} ${"Hard Limit".padEnd(20)} ${"Units".padEnd(10)}\n`;
  RLIMITS.forEach(([name, unit], i) => {
    const [soft, hard] = limits[i] ?? ["unlimited", "unlimited"];
    out += `${name.padEnd(25)} ${soft.padEnd(20)} ${hard.padEnd(20)} ${unit === "" ? "\n" : `${unit.padEnd(10)}\n`}`;
  });
  return out;
}

/** Mount options as /proc/mounts shows them (show_mnt_opts over the MS_* flags). */
function mountOpts(m: Mount): string {
  const o = [(m.flags & 1) !== 0 ? "ro" : "rw"];
  if ((m.flags & 2) !== 0) o.push("nosuid");
  if ((m.flags & 4) !== 0) o.push("nodev");
  if ((m.flags & 8) !== 0) o.push("noexec");
  if ((m.flags & 1024) !== 0) o.push("noatime");
  else o.push("relatime"); // Linux's default atime mode
  return o.join(",");
}

/** The mounts a process rooted at `root` sees, with their paths as it sees them. */
export function visibleMounts(mounts: readonly Mount[], root: string): { m: Mount; id: number; path: string }[] {
  const out: { m: Mount; id: number; path: string }[] = [];
  mounts.forEach((m, i) => {
    if (root === "/" || m.path === root || m.path.startsWith(`${root}/`)) {
      out.push({ m, id: mountId(i), path: root === "/" ? m.path : m.path.slice(root.length) || "/" });
    }
  });
  return out;
}

/** A mount's id (mountinfo's first field): its place in the name space's table, after Linux's first ids. */
export function mountId(index: number): number {
  return 21 + index;
}

/** /proc/PID/mounts: "source mountpoint fstype options 0 0". */
export function mountsText(mounts: readonly Mount[], root: string): string {
  return visibleMounts(mounts, root).map(({ m, path }) =>
    `${mangle(m.source)} ${mangle(path)} ${m.fstype} ${mountOpts(m)} 0 0\n`).join("");
}

/**
 * /proc/PID/mountinfo: "id parent major:minor root mountpoint options - fstype source super".
 * A mount's parent is the deepest mount above it; the root's is outside the table (id 20), as
 * in a container's name space.
 */
export function mountinfoText(mounts: readonly Mount[], root: string): string {
  const vis = visibleMounts(mounts, root);
  return vis.map(({ m, id, path }) => {
    let parent = 20, depth = -1;
    for (const o of vis) {
      if (o.m === m) continue;
      const above = o.m.path === "/" ? m.path !== "/" : m.path.startsWith(`${o.m.path}/`);
      if (above && o.m.path.length > depth) {
        parent = o.id;
        depth = o.m.path.length;
      }
    }
    const [maj, min] = majorMinor(m.dev);
    return `${id} ${parent} ${maj}:${min} / ${mangle(path)} ${mountOpts(m)} - ${m.fstype} ${mangle(m.source)} ${(m.flags & 1) !== 0 ? "ro" : "rw"}\n`;
  }).join("");
}

/** /proc/PID/fdinfo/N: position, flags in octal, the mount's id and the inode. */
export function fdinfoText(e: FdEntry, mounts: readonly Mount[]): string {
  const i = mounts.findIndex((m) => m.dev === e.dev);
  return `pos:\t${e.pos}\nflags:\t0${e.flags.toString(8)}\nmnt_id:\t${i < 0 ? 0 : mountId(i)}\nino:\t${e.ino}\n`;
}
