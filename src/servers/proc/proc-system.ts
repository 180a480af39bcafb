// The text of the machine-wide /proc files (cpuinfo, meminfo, stat, uptime, loadavg,
// filesystems, version), in Linux 6.1's formats for a ppc64 pSeries guest. Everything comes
// from what procfs was started with (the machine's shape through its ServerEnv, memory and
// accounting through functions of its options) and from ProcInfo; nothing from the host.

import type { MachineShape } from "../../kernel/ppc/iface.js";
import { centis, kbLine, ticks } from "./format.js";
import type { ProcList } from "./iface.js";

/** The machine's memory now, in bytes; per NUMA node for sysfs. */
export interface MachineMemory {
  totalBytes: number;
  freeBytes: number;
  /** Frames holding file pages (the page cache), when known. */
  cachedBytes?: number;
  nodes: readonly { totalBytes: number; freeBytes: number }[];
}

/** One processor's time since boot, in nanoseconds, by what it was doing (Linux's cpu lines). */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

/** What the processors are (cpuinfo). */
export interface CpuModel {
  /** "POWER8 (architected)" */
  name: string;
  /** MHz ("clock"); the deterministic mode's cost model runs at 1 GHz. */
  clockMHz: number;
  /** The Processor Version Register (POWER8: 0x004d0200). */
  pvr: number;
  /** Time-base frequency in Hz (POWER8: 512 MHz). */
  timebase: number;
  /** The device tree's model ("IBM pSeries (emulated by k42ts)"). */
  model: string;
}

export const POWER8: CpuModel = {
  name: "POWER8 (architected)", clockMHz: 1000, pvr: 0x004d0200, timebase: 512_000_000, model: "IBM pSeries (emulated by k42ts)",
};

/** /proc/cpuinfo (show_cpuinfo and show_cpuinfo_summary, the pSeries platform's lines). */
export function cpuinfoText(machine: MachineShape, cpu: CpuModel): string {
  const hex4 = (n: number): string => n.toString(16).padStart(4, "0");
  const ver = cpu.pvr >>> 16, rev = cpu.pvr & 0xffff;
  const mhz = `${Math.floor(cpu.clockMHz)}.${String(Math.round((cpu.clockMHz % 1) * 1e6)).padStart(6, "0")}MHz`;
  let out = "";
  for (let c = 0; c < machine.cpus; c++) {
    out += `processor\t: ${c}\ncpu\t\t: ${cpu.name}, altivec supported\nclock\t\t: ${mhz}\n` +
      `revision\t: ${(rev >> 8) & 0xff}.${rev & 0xff} (pvr ${hex4(ver)} ${hex4(rev)})\n\n`;
  }
  return out + `timebase\t: ${cpu.timebase}\nplatform\t: pSeries\nmodel\t\t: ${cpu.model}\nmachine\t\t: CHRP ${cpu.model}\nMMU\t\t: Hash\n`;
}

/**
 * /proc/meminfo: the lines this machine can fill truthfully. No swap and no block-device
 * buffers exist here, so those are 0 (and no huge pages: their lines are left out); the page cache is what the memory function
 * reports (0 when it does not know). MemAvailable counts free memory and the page cache (a
 * clean file page can be dropped).
 */
export function meminfoText(m: MachineMemory): string {
  const kb = (b: number): number => Math.floor(b / 1024);
  const cached = m.cachedBytes ?? 0;
  return kbLine("MemTotal", kb(m.totalBytes)) + kbLine("MemFree", kb(m.freeBytes)) +
    kbLine("MemAvailable", kb(m.freeBytes + cached)) + kbLine("Buffers", 0) + kbLine("Cached", kb(cached)) +
    kbLine("SwapCached", 0) + kbLine("SwapTotal", 0) + kbLine("SwapFree", 0);
}

const ZERO: CpuTimes = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 };

function cpuLine(name: string, t: CpuTimes): string {
  return `${name} ${[t.user, t.nice, t.system, t.idle, t.iowait, t.irq, t.softirq, t.steal, 0, 0].map(ticks).join(" ")}\n`;
}

/**
 * /proc/stat. Per-processor times come from the accounting function when procfs has one, and
 * are zeros otherwise (nothing counts them yet); interrupts are not counted (this machine takes
 * none from devices), context switches only when the function is given.
 */
export function statText(machine: MachineShape, times: readonly CpuTimes[] | undefined, ctxt: number, btime: number, p: ProcList): string {
  const per = Array.from({ length: machine.cpus }, (_, c) => times?.[c] ?? ZERO);
  const sum = per.reduce<CpuTimes>((a, t) => ({
    user: a.user + t.user, nice: a.nice + t.nice, system: a.system + t.system, idle: a.idle + t.idle,
    iowait: a.iowait + t.iowait, irq: a.irq + t.irq, softirq: a.softirq + t.softirq, steal: a.steal + t.steal,
  }), ZERO);
  return cpuLine("cpu ", sum) + per.map((t, c) => cpuLine(`cpu${c}`, t)).join("") +
    `intr 0\nctxt ${ctxt}\nbtime ${Math.floor(btime)}\nprocesses ${p.forks}\nprocs_running ${p.running}\n` +
    `procs_blocked ${p.blocked}\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n`;
}

/** /proc/uptime: seconds since boot and the processors' idle seconds summed. */
export function uptimeText(nowNs: number, times: readonly CpuTimes[] | undefined): string {
  const idle = (times ?? []).reduce((s, t) => s + t.idle, 0);
  return `${centis(nowNs / 1e9)} ${centis(idle / 1e9)}\n`;
}

/** /proc/loadavg: the three averages (0.00 when nothing computes them), running/total threads, last pid. */
export function loadavgText(load: readonly [number, number, number] | undefined, p: ProcList): string {
  const [a, b, c] = load ?? [0, 0, 0];
  return `${centis(a)} ${centis(b)} ${centis(c)} ${p.running}/${p.threads} ${p.lastPid}\n`;
}

/** /proc/filesystems: "nodev\tproc" for virtual ones, "\text4" for block-device ones. */
export function filesystemsText(types: readonly { name: string; nodev: boolean }[]): string {
  return types.map((t) => `${t.nodev ? "nodev" : ""}\t${t.name}\n`).join("");
}

/** /proc/version (linux_proc_banner). */
export function versionText(release: string, version: string, host: string): string {
  return `Linux version ${release} (k42ts@${host}) (TypeScript, k42ts) ${version}\n`;
}
