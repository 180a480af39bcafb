// Every family of system-call handlers, in one place. A family file exports its handlers as a
// record keyed by the names of asm/unistd_*.h (and, optionally, a note per name of what its
// handler does not do yet); it gets one line in FAMILIES. A name registered by two families is
// an error when the table is built: replacing a handler means removing the old registration.

import { BRINGUP_CALLS, BRINGUP_PARTIAL } from "../bringup/syscalls.js";
import { MEMORY_CALLS } from "../bringup/sys-mm.js";
import { NUMA_CALLS, NUMA_PARTIAL } from "../bringup/sys-numa.js";
import { buildTable, type Arch, type SyscallFamily, type SyscallTable } from "./status.js";

export const FAMILIES: readonly SyscallFamily[] = [
  { name: "bring-up", handlers: BRINGUP_CALLS, partial: BRINGUP_PARTIAL },
  { name: "mm", handlers: MEMORY_CALLS },
  { name: "numa", handlers: NUMA_CALLS, partial: NUMA_PARTIAL },
];

/** The system-call table of an architecture, with every family's handlers. */
export function syscallTable(arch: Arch): SyscallTable {
  return buildTable(arch, FAMILIES);
}

/** The table a process of this word size runs on. */
export const archOf = (is64: boolean): Arch => (is64 ? "ppc64" : "ppc32");
