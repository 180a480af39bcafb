// The Linux personality's ProcInfo server (src/servers/proc/iface.ts): what procfs may know of
// the processes, answered from the personality's own process records (K42's ProcessLinux server
// held the pid space the same way). A record is seen through ProcSource, a plain interface the
// process record implements; ProcTable is the set of them one processor keeps.
//
// Registered on every processor at boot (same order as every server), with dispatchers where
// process records live (`cpus`): each dispatcher answers from the table it was given, and a pid
// it does not know is ESRCH, so procfs can ask several ProcInfo servers in turn. In the
// deterministic mode one table may serve every processor; in the parallel mode a processor's
// table is only the processes its worker holds.

import { ServerErrno } from "../kernel/ppc/errors.js";
import { Rights, type Impl, type ServerRegistry } from "../kernel/ppc/iface.js";
import type { Handle, Json } from "../kernel/ppc/values.js";
import { kindName, mapsText, type MapsName } from "../kernel/mem/maps.js";
import type { RegionView } from "../kernel/mem/process.js";
import { RegionFlag, RegionKind } from "../kernel/mem/region.js";
import { Pte } from "../machine/pagetable.js";
import { PAGE_SIZE } from "../machine/memory.js";
import {
  ProcInfoIface, type FdEntry, type IdQuad, type Limit, type MmLayout, type ProcIdent, type ProcList, type ProcState, type ProcStatus, type VmSizes,
} from "../servers/proc/iface.js";
import { E } from "./errno.js";

const RLIMIT_SIGPENDING = 11;

/** RLIM_INFINITY. */
export const RLIM_INFINITY = (1n << 64n) - 1n;

/** One thread of a process, as /proc counts it. */
export interface ThreadInfo {
  readonly tid: number;
  readonly state: ProcState;
  /** The processor it last ran on. */
  readonly cpu: number;
  readonly utimeNs: number;
  readonly stimeNs: number;
  readonly minflt: number;
  readonly majflt: number;
  readonly voluntarySwitches: number;
  readonly involuntarySwitches: number;
}

/** A process's memory as procfs shows it: the address space's regions and what is resident. */
export interface ProcMemory {
  /** The address space's regions in address order (Space.regions()). */
  readonly regions: readonly RegionView[];
  readonly pointerBytes: 4 | 8;
  /** A region's name and file position in maps (a file's path, "[heap]", …); default kindName(r). */
  readonly name?: (r: RegionView) => MapsName;
  /** Resident pages: private anonymous, file-backed, shared memory. */
  readonly residentAnon: number;
  readonly residentFile: number;
  readonly residentShmem: number;
  /** Highest mapped and resident sizes so far in pages (VmPeak, VmHWM); default the current ones. */
  readonly peakPages?: number;
  readonly hwmPages?: number;
  readonly lockedPages?: number;
  readonly pageTableBytes?: number;
  readonly layout: MmLayout;
}

/** Signal sets (bit n-1 = signal n). */
export interface ProcSignals {
  readonly pending: bigint;
  readonly sharedPending: bigint;
  readonly blocked: bigint;
  readonly ignored: bigint;
  readonly caught: bigint;
  readonly queued: number;
}

/**
 * What the personality's process record gives procfs. Every method answers now, from the
 * record's own state; none blocks. Paths are guest paths as the process sees them.
 */
export interface ProcSource {
  readonly pid: number;
  /** The protection domain the process's system calls run in (the caller servers see). */
  readonly domain: number;
  /** Nanoseconds since boot at which the process started. */
  readonly startNs: number;
  comm(): string;
  /** The process's state: its main thread's. */
  state(): ProcState;
  ids(): { ppid: number; pgrp: number; sid: number; tty: number; tpgid: number };
  creds(): { uid: IdQuad; gid: IdQuad; groups: readonly number[] };
  umask(): number;
  /** The argument and environment areas as the program's memory holds them (NUL-terminated strings). */
  cmdline(): Uint8Array;
  environ(): Uint8Array;
  /** undefined for no executable (a zombie). */
  exe(): string | undefined;
  cwd(): string;
  root(): string;
  fds(): readonly FdEntry[];
  fdTableSize(): number;
  /** The main thread first. */
  threads(): readonly ThreadInfo[];
  /** CPU times and faults of waited-for children. */
  childTimes(): { utimeNs: number; stimeNs: number; minflt: number; majflt: number };
  memory(): ProcMemory;
  signals(): ProcSignals;
  /** [soft, hard] per RLIMIT_* (16 entries), RLIM_INFINITY for none. */
  rlimits(): readonly (readonly [bigint, bigint])[];
  sched(): { nice: number; policy: number; rtPriority: number; cpusAllowed: readonly number[]; memsAllowed: readonly number[] };
  exitSignal(): number;
  exitCode(): number;
  /** PF_* flags. */
  flags(): number;
  noNewPrivs(): boolean;
}

/** The processes one processor's ProcInfo dispatcher knows. */
export interface ProcTable {
  pids(): readonly number[];
  get(pid: number): ProcSource | undefined;
  /** The process whose system calls run in `domain`. */
  byDomain(domain: number): ProcSource | undefined;
  /** The pid handed out last, and processes created since boot. */
  lastPid(): number;
  forks(): number;
}

const hex64 = (v: bigint): string => BigInt.asUintN(64, v).toString(16).padStart(16, "0");
const limit = (v: bigint): string => (BigInt.asUintN(64, v) === RLIM_INFINITY ? "unlimited" : BigInt.asUintN(64, v).toString());
const kb = (bytes: number): number => Math.floor(bytes / 1024);

/** The Vm* sizes of status (task_mem): sizes by kind of region, resident sizes from the record. */
export function vmSizes(m: ProcMemory): VmSizes {
  let size = 0, data = 0, stack = 0, exec = 0;
  for (const r of m.regions) {
    const len = r.end - r.start;
    size += len;
    const writable = (r.prot & Pte.Write) !== 0, shared = (r.flags & RegionFlag.Shared) !== 0;
    if (r.kind === RegionKind.Stack) stack += len;
    else if (writable && !shared) data += len;
    else if ((r.prot & Pte.Exec) !== 0 && !writable) exec += len;
  }
  const l = m.layout;
  const text = l.endCode > l.startCode
    ? Math.ceil(l.endCode / PAGE_SIZE) * PAGE_SIZE - Math.floor(l.startCode / PAGE_SIZE) * PAGE_SIZE : 0;
  const rss = (m.residentAnon + m.residentFile + m.residentShmem) * PAGE_SIZE;
  return {
    VmPeak: kb(Math.max(size, (m.peakPages ?? 0) * PAGE_SIZE)), VmSize: kb(size), VmLck: kb((m.lockedPages ?? 0) * PAGE_SIZE), VmPin: 0,
    VmHWM: kb(Math.max(rss, (m.hwmPages ?? 0) * PAGE_SIZE)), VmRSS: kb(rss),
    RssAnon: kb(m.residentAnon * PAGE_SIZE), RssFile: kb(m.residentFile * PAGE_SIZE), RssShmem: kb(m.residentShmem * PAGE_SIZE),
    VmData: kb(data), VmStk: kb(stack), VmExe: kb(text), VmLib: kb(Math.max(0, exec - text)),
    VmPTE: kb(m.pageTableBytes ?? 0), VmSwap: 0,
  };
}

/** The ProcStatus record of a process. */
export function procStatus(p: ProcSource): ProcStatus {
  const threads = p.threads();
  const main = threads[0];
  const ids = p.ids(), creds = p.creds(), sig = p.signals(), sch = p.sched(), mem = p.memory(), ch = p.childTimes();
  const sum = (f: (t: ThreadInfo) => number): number => threads.reduce((s, t) => s + f(t), 0);
  const limits = p.rlimits();
  return {
    pid: p.pid, comm: p.comm(), state: p.state(), ...ids, flags: p.flags(),
    uid: creds.uid, gid: creds.gid, groups: [...creds.groups], umask: p.umask(), fdSize: p.fdTableSize(),
    exe: p.exe() ?? null, cwd: p.cwd(), root: p.root(), tids: threads.map((t) => t.tid),
    utimeNs: sum((t) => t.utimeNs), stimeNs: sum((t) => t.stimeNs), cutimeNs: ch.utimeNs, cstimeNs: ch.stimeNs,
    minflt: sum((t) => t.minflt), majflt: sum((t) => t.majflt), cminflt: ch.minflt, cmajflt: ch.majflt,
    startNs: p.startNs, nice: sch.nice, policy: sch.policy, rtPriority: sch.rtPriority, processor: main?.cpu ?? 0,
    exitSignal: p.exitSignal(), exitCode: p.exitCode(), vm: vmSizes(mem), layout: mem.layout,
    sharedPages: mem.residentFile + mem.residentShmem,
    sigPnd: hex64(sig.pending), shdPnd: hex64(sig.sharedPending), sigBlk: hex64(sig.blocked), sigIgn: hex64(sig.ignored), sigCgt: hex64(sig.caught),
    sigQueued: sig.queued, sigQueueLimit: BigInt.asUintN(64, limits[RLIMIT_SIGPENDING]?.[0] ?? 0n).toString(),
    cpusAllowed: [...sch.cpusAllowed], memsAllowed: [...sch.memsAllowed],
    voluntaryCtxtSwitches: sum((t) => t.voluntarySwitches), nonvoluntaryCtxtSwitches: sum((t) => t.involuntarySwitches),
    noNewPrivs: p.noNewPrivs(), pointerBytes: mem.pointerBytes,
  };
}

/** One processor's ProcInfo implementation over its table. */
export class ProcInfo implements Impl<typeof ProcInfoIface> {
  constructor(private readonly table: ProcTable) {}

  private get(pid: number): ProcSource {
    const p = this.table.get(pid);
    if (p === undefined) throw new ServerErrno(E.ESRCH, `no process ${pid}`);
    return p;
  }

  pidOf(domain: number): number {
    return this.table.byDomain(domain)?.pid ?? 0;
  }

  list(): Json {
    const pids = [...this.table.pids()].sort((a, b) => a - b);
    let running = 0, blocked = 0, threads = 0;
    for (const pid of pids) {
      for (const t of this.table.get(pid)?.threads() ?? []) {
        threads++;
        if (t.state === "R") running++;
        else if (t.state === "D") blocked++;
      }
    }
    return { pids, running, blocked, threads, lastPid: this.table.lastPid(), forks: this.table.forks() } satisfies ProcList;
  }

  ident(pid: number): Json {
    const p = this.get(pid), c = p.creds();
    return {
      pid, uid: c.uid, gid: c.gid, groups: [...c.groups], startNs: p.startNs, exe: p.exe() ?? null, cwd: p.cwd(), root: p.root(),
    } satisfies ProcIdent;
  }

  status(pid: number): Json {
    return procStatus(this.get(pid)) as unknown as Json;
  }

  thread(pid: number, tid: number): Json {
    const p = this.get(pid);
    const t = p.threads().find((x) => x.tid === tid);
    if (t === undefined) throw new ServerErrno(E.ESRCH, `no thread ${tid} in process ${pid}`);
    return {
      ...procStatus(p), tid, state: t.state, utimeNs: t.utimeNs, stimeNs: t.stimeNs, minflt: t.minflt, majflt: t.majflt,
      processor: t.cpu, voluntaryCtxtSwitches: t.voluntarySwitches, nonvoluntaryCtxtSwitches: t.involuntarySwitches,
    } satisfies ProcStatus as unknown as Json;
  }

  cmdline(pid: number): Uint8Array {
    return this.get(pid).cmdline();
  }

  environ(pid: number): Uint8Array {
    return this.get(pid).environ();
  }

  fds(pid: number): Json {
    return this.get(pid).fds().map((e) => ({ ...e })) as unknown as Json;
  }

  maps(pid: number): string {
    const m = this.get(pid).memory();
    const name = m.name ?? ((r: RegionView): MapsName => ({ name: kindName(r) }));
    return mapsText(m.regions, m.pointerBytes, name);
  }

  limits(pid: number): Json {
    return this.get(pid).rlimits().map(([soft, hard]): Limit => [limit(soft), limit(hard)]);
  }
}

export interface ProcInfoOptions {
  /** The personality's domain (ProcInfo's). */
  readonly domain: number;
  /** procfs's domain: the only one the root handle lets read. */
  readonly procfsDomain: number;
  /** Processors with a ProcInfo dispatcher (default all): where process records live. */
  readonly cpus?: readonly number[];
}

/**
 * Register ProcInfo on this processor (call on every processor at boot, in the same order);
 * `table` is this processor's (used only where it has a dispatcher). Returns the root handle,
 * the same on every processor: give it to procfs's start options.
 */
export function serveProcInfo(reg: ServerRegistry, table: ProcTable, opts: ProcInfoOptions): Handle {
  const s = reg.serve(ProcInfoIface, opts.domain, () => new ProcInfo(table), {
    ...(opts.cpus === undefined ? {} : { cpus: opts.cpus }),
    restartOnFault: true,
    root: { owner: opts.procfsDomain, ownerRights: Rights.Read, otherRights: Rights.None },
  });
  return s.root as Handle;
}
