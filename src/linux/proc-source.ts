// A running process as /proc sees it: the ProcSource (proc-info.ts) over the personality's own
// objects for one process — its Task (ids, credentials, limits, signals, comm, CPU accounts),
// its Vfs (descriptors, cwd, root, umask), its address space (kernel/mem regions and their file
// labels) and what the loader left (the argument area, the segments). Nothing here reads the
// host's /proc: every answer is made from these objects at the time procfs asks.
//
// The record lives where its address space's home processor is: ProcInfo is registered with a
// dispatcher there only (the run's `procInfoCpus`), so procfs on another processor asks across
// processors and these methods always run on the process's own kernel.

import { RegionKind } from "../kernel/mem/region.js";
import { regionName, type MapsName } from "../kernel/mem/maps.js";
import type { RegionView } from "../kernel/mem/process.js";
import type { FileLabel } from "../kernel/mem/pager.js";
import { RegionFlag } from "../kernel/mem/region.js";
import { Pte } from "../machine/pagetable.js";
import type { FdEntry, IdQuad, MmLayout, ProcState } from "../servers/proc/iface.js";
import type { SysContext } from "./process/syscalls.js";
import { effectiveArgv } from "./exec/stack.js";
import { processThreads, threadState } from "./proc-threads.js";
import type { ProcMemory, ProcSignals, ProcSource, ProcTable, ThreadInfo } from "./proc-info.js";

/** SIGCHLD: what a parent is sent when the process ends (exit_signal of a forked task). */
const SIGCHLD = 17;
/** PF_RANDOMIZE: the address-space layout is randomised (task->flags as /proc/PID/stat shows it). */
const PF_RANDOMIZE = 0x00400000;

export interface ProcessSourceOptions {
  /** The protection domain the process's system calls run in. */
  readonly domain: number;
  /** Nanoseconds since boot at which the process started. */
  readonly startNs: number;
  /** The argument and environment strings the loader placed (they give arg_end / env_start). */
  readonly argv: readonly string[];
  readonly env: readonly string[];
  /** The path the loader read the program from (its segments carry it). */
  readonly programPath: string;
  /** /proc/PID/exe's text and the name of the program's segments in maps (an absolute path). */
  readonly exe: string;
  /** The stack pointer the program started with (mm->start_stack). */
  readonly startStack: number;
  /** The processor the process's thread runs on. */
  readonly cpu: () => number;
  /** The machine's NUMA nodes (Mems_allowed). */
  readonly nodes: number;
  /** The address-space layout is randomised (PF_RANDOMIZE). */
  readonly randomized: boolean;
  /** Has the thread finished its program (then the state is a zombie's and there is no exe)? */
  readonly ended: () => boolean;
}

const bytesOf = (s: string): number => new TextEncoder().encode(s).length + 1;

/** The ProcSource of the process whose system calls run with `ctx`. */
export function processSource(ctx: SysContext, o: ProcessSourceOptions): ProcSource {
  const task = ctx.task, img = ctx.image;
  const argEnd = img.argStart + effectiveArgv(o.argv).reduce((n, s) => n + bytesOf(s), 0);
  // The program's own segments (not the interpreter's): the code and data bounds of mm.
  const own = img.regions.filter((r) => r.path === o.programPath);
  const code = own.filter((r) => (r.prot & Pte.Exec) !== 0), data = own.filter((r) => (r.prot & Pte.Write) !== 0);
  const layout: MmLayout = {
    startCode: code.length > 0 ? Math.min(...code.map((r) => r.start)) : 0,
    endCode: code.length > 0 ? Math.max(...code.map((r) => r.end)) : 0,
    startData: data.length > 0 ? Math.min(...data.map((r) => r.start)) : 0,
    endData: data.length > 0 ? Math.max(...data.map((r) => r.end)) : 0,
    startBrk: img.brkStart, startStack: o.startStack,
    argStart: img.argStart, argEnd, envStart: argEnd, envEnd: img.envEnd,
  };
  /** Bytes of the process's memory as it holds them now (the program may have rewritten its arguments). */
  const area = (from: number, to: number): Uint8Array => {
    if (to <= from || o.ended() || !ctx.space.covered(from, to)) return new Uint8Array(0);
    return ctx.space.peek(from, to - from);
  };
  /** A region's name in maps: the loader's file for image segments, a mapped file's label, else by kind. */
  const name = (r: RegionView & { label?: FileLabel }): MapsName => {
    if (r.kind === RegionKind.Image) {
      const seg = img.regions.find((s) => s.start <= r.start && r.start < s.end);
      if (seg?.path !== undefined) return { name: seg.path === o.programPath ? o.exe : seg.path, offset: seg.offset + (r.start - seg.start) };
    }
    return regionName(r);
  };
  const proc = ctx.thread.proc;
  /** The process's state: its leader's (a zombie once every thread ended). */
  const state = (): ProcState => {
    if (o.ended()) return "Z";
    const leader = proc.leader() ?? [...proc.threads.values()][0];
    return leader === undefined ? "Z" : threadState(leader);
  };
  return {
    pid: task.pid, domain: o.domain, startNs: o.startNs,
    comm: () => new TextDecoder().decode(task.attrs.comm),
    state,
    ids: () => ({ ppid: task.ppid, pgrp: task.pgid, sid: task.sid, tty: 0, tpgid: -1 }),
    creds: () => ({ uid: task.creds.uids() as IdQuad, gid: task.creds.gids() as IdQuad, groups: [...task.creds.groups] }),
    umask: () => ctx.vfs.procView().umask,
    cmdline: () => area(layout.argStart, layout.argEnd),
    environ: () => area(layout.envStart, layout.envEnd),
    exe: () => (o.ended() ? undefined : o.exe),
    cwd: () => ctx.vfs.procView().cwd,
    root: () => ctx.vfs.procView().root,
    fds: (): FdEntry[] => ctx.vfs.procView().fds,
    fdTableSize: () => ctx.vfs.procView().fdTableSize,
    threads: (): ThreadInfo[] => processThreads(proc, ctx.k.port.cost.instruction, task.voluntarySwitches),
    childTimes: () => ({ utimeNs: 0, stimeNs: 0, minflt: 0, majflt: 0 }),
    memory: (): ProcMemory => {
      const regions = o.ended() ? [] : ctx.space.labelledNow();
      // Resident pages by kind: each memory object counted once (regions split by mprotect share one).
      const seen = new Set<number>();
      let anon = 0, file = 0, shmem = 0;
      for (const r of regions) {
        if (seen.has(r.fcm)) continue;
        seen.add(r.fcm);
        const pages = ctx.k.cos.callNow(r.fcm, (f) => f.info().pages);
        if (r.cache !== 0) file += pages;
        else if ((r.flags & RegionFlag.Shared) !== 0) shmem += pages;
        else anon += pages;
      }
      task.hiwaterRss = Math.max(task.hiwaterRss, anon + file + shmem);
      return {
        regions, pointerBytes: img.is64 ? 8 : 4, name: (r) => name(r),
        residentAnon: anon, residentFile: file, residentShmem: shmem, hwmPages: task.hiwaterRss, layout,
      };
    },
    signals: (): ProcSignals => ({
      pending: ctx.sig.pending.set, sharedPending: task.signals.shared.set, blocked: ctx.sig.blocked,
      ignored: task.signals.ignoredMask(), caught: task.signals.caughtMask(), queued: ctx.sig.pending.queued + task.signals.shared.queued,
    }),
    rlimits: () => task.limits.pairs(),
    sched: () => {
      const cpus: number[] = [];
      for (let c = 0; c < 64; c++) if (((task.sched.affinity >> BigInt(c)) & 1n) !== 0n) cpus.push(c);
      return {
        nice: task.sched.nice, policy: task.sched.policy, rtPriority: task.sched.priority,
        cpusAllowed: cpus, memsAllowed: Array.from({ length: o.nodes }, (_, i) => i),
      };
    },
    exitSignal: () => SIGCHLD,
    exitCode: () => (ctx.exitCode ?? 0) << 8,
    flags: () => (o.randomized ? PF_RANDOMIZE : 0),
    noNewPrivs: () => task.attrs.noNewPrivs,
  };
}

/** The processes of one processor's worker: ProcInfo's table (the runner adds its process). */
export class ProcessTable implements ProcTable {
  private readonly procs = new Map<number, ProcSource>();
  private last = 0;
  private created = 0;

  add(p: ProcSource): void {
    this.procs.set(p.pid, p);
    this.last = p.pid;
    this.created++;
  }

  /** A reaped process leaves /proc. */
  remove(pid: number): void {
    this.procs.delete(pid);
  }

  pids(): readonly number[] {
    return [...this.procs.keys()];
  }

  get(pid: number): ProcSource | undefined {
    return this.procs.get(pid);
  }

  byDomain(domain: number): ProcSource | undefined {
    for (const p of this.procs.values()) if (p.domain === domain) return p;
    return undefined;
  }

  lastPid(): number {
    return this.last;
  }

  forks(): number {
    return this.created;
  }
}
