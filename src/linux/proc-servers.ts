// Starting the /proc and /sys servers with what the personality and the kernel know: the
// personality's ProcInfo server over its process table, procfs asking it, and sysfs — each
// registered on every processor at boot in this order. The machine's memory comes from the
// physical memory's frame lists (shared memory, so any worker can count them).

import type { Kernel } from "../kernel/kernel.js";
import type { Handle } from "../kernel/ppc/values.js";
import { PAGE_SIZE, type PhysicalMemory } from "../machine/memory.js";
import type { MachineMemory } from "../servers/proc/proc-system.js";
import { startProcFs, startSysFs, type ProcFsOptions } from "../servers/proc/start.js";
import { serveProcInfo, type ProcTable } from "./proc-info.js";

/** Total and free memory of the machine and of each NUMA node, counted now. */
export function machineMemory(mem: PhysicalMemory): () => MachineMemory {
  return () => {
    const nodes = mem.nodes.map((n) => ({ totalBytes: (n.endFrame - n.firstFrame) * PAGE_SIZE, freeBytes: mem.freeFrames(n.id) * PAGE_SIZE }));
    return {
      totalBytes: nodes.reduce((s, n) => s + n.totalBytes, 0),
      freeBytes: nodes.reduce((s, n) => s + n.freeBytes, 0),
      nodes,
    };
  };
}

export interface ProcServersOptions {
  /** This processor's process records (only used where ProcInfo has a dispatcher). */
  readonly table: ProcTable;
  /** Domains of ProcInfo (the personality), procfs and sysfs. */
  readonly domains: { readonly procInfo: number; readonly procfs: number; readonly sysfs: number };
  /** Processors with a ProcInfo dispatcher (default all). */
  readonly procInfoCpus?: readonly number[];
  readonly nameSpace?: Handle;
  readonly bootEpoch: number;
  readonly hostname: string;
  readonly release: string;
  readonly version: string;
  /** Anything else procfs can be told (accounting functions, pid_max, …). */
  readonly procfs?: Partial<Omit<ProcFsOptions, "domain" | "procInfo" | "nameSpace" | "memory" | "bootEpoch" | "hostname" | "release" | "version">>;
}

/** Register ProcInfo, procfs and sysfs on this processor; their root handles. */
export function startProcServers(k: Kernel, o: ProcServersOptions): { procInfo: Handle; proc: Handle; sys: Handle } {
  const memory = machineMemory(k.port.mem);
  const procInfo = serveProcInfo(k.ppc, o.table, {
    domain: o.domains.procInfo, procfsDomain: o.domains.procfs, ...(o.procInfoCpus === undefined ? {} : { cpus: o.procInfoCpus }),
  });
  const proc = startProcFs(k.ppc, {
    ...o.procfs, domain: o.domains.procfs, procInfo: [procInfo], memory, bootEpoch: o.bootEpoch,
    hostname: o.hostname, release: o.release, version: o.version, ...(o.nameSpace === undefined ? {} : { nameSpace: o.nameSpace }),
  });
  const sys = startSysFs(k.ppc, { domain: o.domains.sysfs, memory, bootEpoch: o.bootEpoch });
  return { procInfo, proc, sys };
}
