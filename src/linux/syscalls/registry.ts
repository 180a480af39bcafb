// Every family of system-call handlers, in one place. A family file exports its handlers as a
// record keyed by the names of asm/unistd_*.h (and, optionally, a note per name of what its
// handler does not do yet); it gets one line in FAMILIES. A name registered by two families is
// an error when the table is built: replacing a handler means removing the old registration.

import { PROCESS_CALLS, PROCESS_PARTIAL } from "../process/syscalls.js";
import { MEMORY_CALLS } from "../process/sys-mm.js";
import { NUMA_CALLS, NUMA_PARTIAL } from "../process/sys-numa.js";
import { VFS_FAMILIES } from "../sys/vfs-calls.js";
import { TIME_CALLS } from "../sys/time.js";
import { TIMEX_CALLS, TIMEX_PARTIAL } from "../sys/timex.js";
import { IDENTITY_CALLS, ID_CALLS, ID_PARTIAL } from "../sys/identity.js";
import { RESOURCE_CALLS, RESOURCE_PARTIAL } from "../sys/resources.js";
import { SCHED_CALLS, SCHED_PARTIAL } from "../sys/sched.js";
import { SYSTEM_CALLS, SYSTEM_PARTIAL } from "../sys/system.js";
import { PRCTL_CALLS, PRCTL_PARTIAL } from "../sys/prctl.js";
import { SIGNAL_CALLS, SIGNAL_PARTIAL } from "../sys/signals.js";
import { FUTEX_CALLS, FUTEX_PARTIAL } from "../sys/futex.js";
import { PROC_CALLS, PROC_PARTIAL } from "../process/sys-proc.js";
import { EXEC_CALLS, EXEC_PARTIAL } from "../process/sys-exec.js";
import { DELIVERY_CALLS, DELIVERY_PARTIAL } from "../signals/calls.js";
import { IPC_CALLS, IPC_PARTIAL } from "../ipc/calls.js";
import { PIPE_CALLS, PIPE_PARTIAL } from "../sys/pipe.js";
import { POLL_CALLS, POLL_PARTIAL } from "../sys/poll.js";
import { EVENTFD_CALLS } from "../sys/eventfd.js";
import { SOCKET_CALLS, SOCKET_PARTIAL } from "../net/family.js";
import { EPOLL_CALLS, EPOLL_PARTIAL } from "../sys/epoll.js";
import { TIMER_CALLS, TIMER_PARTIAL } from "../timers/calls.js";
import { buildTable, type Arch, type SyscallFamily, type SyscallTable } from "./status.js";

export const FAMILIES: readonly SyscallFamily[] = [
  { name: "process", handlers: PROCESS_CALLS, partial: PROCESS_PARTIAL },
  { name: "mm", handlers: MEMORY_CALLS },
  { name: "numa", handlers: NUMA_CALLS, partial: NUMA_PARTIAL },
  ...VFS_FAMILIES,
  { name: "time", handlers: TIME_CALLS },
  { name: "timex", handlers: TIMEX_CALLS, partial: TIMEX_PARTIAL },
  { name: "identity", handlers: IDENTITY_CALLS },
  { name: "ids", handlers: ID_CALLS, partial: ID_PARTIAL },
  { name: "resources", handlers: RESOURCE_CALLS, partial: RESOURCE_PARTIAL },
  { name: "sched", handlers: SCHED_CALLS, partial: SCHED_PARTIAL },
  { name: "system", handlers: SYSTEM_CALLS, partial: SYSTEM_PARTIAL },
  { name: "prctl", handlers: PRCTL_CALLS, partial: PRCTL_PARTIAL },
  { name: "signals", handlers: SIGNAL_CALLS, partial: SIGNAL_PARTIAL },
  { name: "futex", handlers: FUTEX_CALLS, partial: FUTEX_PARTIAL },
  { name: "processes", handlers: PROC_CALLS, partial: PROC_PARTIAL },
  { name: "exec", handlers: EXEC_CALLS, partial: EXEC_PARTIAL },
  { name: "signal-delivery", handlers: DELIVERY_CALLS, partial: DELIVERY_PARTIAL },
  { name: "sysvipc", handlers: IPC_CALLS, partial: IPC_PARTIAL },
  { name: "pipe", handlers: PIPE_CALLS, partial: PIPE_PARTIAL },
  { name: "poll", handlers: POLL_CALLS, partial: POLL_PARTIAL },
  { name: "eventfd", handlers: EVENTFD_CALLS },
  { name: "socket", handlers: SOCKET_CALLS, partial: SOCKET_PARTIAL },
  { name: "epoll", handlers: EPOLL_CALLS, partial: EPOLL_PARTIAL },
  { name: "timers", handlers: TIMER_CALLS, partial: TIMER_PARTIAL },
];

/** The system-call table of an architecture, with every family's handlers. */
export function syscallTable(arch: Arch): SyscallTable {
  return buildTable(arch, FAMILIES);
}

/** The table a process of this word size runs on. */
export const archOf = (is64: boolean): Arch => (is64 ? "ppc64" : "ppc32");
