// The machine's own structures in physical memory, allocated once at boot and described by
// plain numbers so any worker can attach to them: one inbound message ring per processor and
// the control block of the parallel mode.

import type { PhysicalMemory } from "./memory.js";
import { PAGE_SIZE } from "./memory.js";
import { Ring } from "./ring.js";
import type { Topology } from "./topology.js";

/**
 * Control block (one page of int32 words), changed only with Atomics:
 *   0 halt flag: 0 running; HALT_STOP (1) a processor halted the machine (or a worker
 *     failed); HALT_IDLE (2) every processor went idle with no message in flight and no
 *     thread waiting for live host input — nothing can happen any more (a deadlock if
 *     threads are still blocked)
 *   1 activity: (processors idle) << 20 | (messages in flight), one word so that the last
 *     processor to go idle sees both counts at the same instant (termination detection)
 *   3 processors finished
 *   16 + w  doorbell of parallel-mode worker w (incremented to wake it)
 */
export const CTL_HALT = 0, CTL_ACTIVITY = 1, CTL_DONE = 3, CTL_DOORBELL = 16;
export const CTL_WORDS = 1024;
export const HALT_STOP = 1, HALT_IDLE = 2;
/** One idle processor in the activity word. */
export const IDLE_UNIT = 1 << 20;

export interface MachineLayout {
  ringCapacity: number;
  /** Byte address of each processor's inbound ring. */
  rings: number[];
  /** Byte address of the control block (one page). */
  control: number;
}

export function allocateLayout(mem: PhysicalMemory, topo: Topology, ringCapacity = 1 << 16): MachineLayout {
  const rings: number[] = [];
  const pages = Math.ceil(Ring.bytesFor(ringCapacity) / PAGE_SIZE);
  for (let c = 0; c < topo.cpus; c++) {
    const addr = mem.allocContiguous(pages, mem.nodes.length > 1 ? Math.min(topo.nodeOf(c), mem.nodes.length - 1) : 0);
    new Ring(mem.buffer, addr, ringCapacity).init();
    rings.push(addr);
  }
  const control = mem.allocContiguous(1);
  return { ringCapacity, rings, control };
}
