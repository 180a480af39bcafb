// The kernel's structures in shared memory, allocated once at boot on the machine's main
// thread and described by plain numbers so that every worker can attach to them.

import type { PhysicalMemory } from "../machine/memory.js";
import { PAGE_SIZE } from "../machine/memory.js";
import type { Topology } from "../machine/topology.js";
import { Gtt, PARTITION } from "./cos/gtt.js";
import { CTL_TOKEN_PARKED } from "./cos/quiesce.js";
import { TraceArea } from "./trace/area.js";

export interface KernelLayout {
  /**
   * Kernel control block: one page of int32 words, changed only with Atomics. Words 0–2:
   * quiescence (global generation, token demand, token parked; cos/quiesce.ts); word 32: the
   * PPC handle directory's address (ppc/handles.ts).
   */
  control: number;
  gtt: number;
  gttEntries: number;
  trace: { addr: number; wordsPerCpu: number };
}

export function allocateKernel(mem: PhysicalMemory, topo: Topology, traceWordsPerCpu = 1 << 16): KernelLayout {
  const control = mem.allocContiguous(1);
  const gtt = mem.allocContiguous(Math.ceil(Gtt.bytesFor(topo.cpus) / PAGE_SIZE));
  const traceBytes = TraceArea.bytesFor(topo.cpus, traceWordsPerCpu);
  const traceAddr = mem.allocContiguous(Math.ceil(traceBytes / PAGE_SIZE));
  const area = new TraceArea(mem.buffer, traceAddr, topo.cpus, traceWordsPerCpu);
  area.init();
  Atomics.store(new Int32Array(mem.buffer, control, 16), CTL_TOKEN_PARKED, 1);
  return { control, gtt, gttEntries: topo.cpus * PARTITION, trace: { addr: traceAddr, wordsPerCpu: traceWordsPerCpu } };
}
