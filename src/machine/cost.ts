// The deterministic mode's cost model: what work costs in virtual cycles. The parallel mode
// ignores it (real time is measured instead). The figures are those of a 2006-era
// cache-coherent NUMA machine at 1 GHz (K42's POWER4/5 class hardware), rounded; they are
// parameters of the model, not measurements, and every scalability figure the deterministic
// mode produces is relative to them (docs/ARCHITECTURE.md "Cost model").

export interface CostModel {
  /** Cycles per guest instruction retired. */
  instruction: number;
  /** Cycles between sending a message and its arrival, by distance (same cpu, same node, remote). */
  messageLatency: readonly [number, number, number];
  /** Cycles the receiving processor spends taking one message off its ring. */
  messageService: number;
  /** Cycles to access a shared-memory line the processor already holds. */
  lineHit: number;
  /** Cycles to move a line to this processor from its holder, by distance (0: from memory). */
  lineTransfer: readonly [number, number, number];
  /** Cycles of kernel work charged for one clustered-object call (translation-table load + call). */
  objectCall: number;
  /** Cycles charged for a clustered-object miss (root lookup, rep creation, install). */
  objectMiss: number;
  /** Cycles charged for a same-processor PPC round trip (handoff there and back). */
  ppcLocal: number;
  /** Cycles charged for one kernel-thread dispatch (context switch). */
  dispatch: number;
  /** Cycles a kernel thread may run before the scheduler preempts it at its next safe point. */
  kernelQuantum: number;
  /** Guest instructions per guest-thread time slice. */
  guestQuantum: number;
  /** Cycles of kernel work for entering and leaving one system call (exception + dispatch). */
  syscall: number;
  /** Cycles of kernel work for one page fault resolved by the kernel (before zeroing). */
  pageFault: number;
  /** Cycles to zero one 4 KiB frame (32 lines written at ~8 bytes/cycle, write-allocate). */
  pageZero: number;
  /** Cycles to refill one TLB entry by walking the page table, by the frame's node (local, remote). */
  tlbFill: readonly [number, number];
  /** Cycles to copy one 4 KiB frame (copy-on-write break, page migration). */
  pageCopy: number;
  /** Zeroing or copying a frame on another NUMA node than the processor's costs this many times more. */
  remoteMemoryFactor: number;
  /** Cycles of kernel work per remote processor in a TLB shootdown (request, flush, reply), beyond the messages' own latency. */
  shootdown: number;
}

export const DEFAULT_COST: CostModel = {
  instruction: 1,
  messageLatency: [40, 400, 1000],
  messageService: 100,
  lineHit: 2,
  lineTransfer: [100, 150, 400],
  objectCall: 8,
  objectMiss: 300,
  ppcLocal: 120,
  dispatch: 60,
  kernelQuantum: 400,
  guestQuantum: 20_000,
  syscall: 150,
  pageFault: 400,
  pageZero: 512,
  tlbFill: [100, 400],
  pageCopy: 1024,
  remoteMemoryFactor: 2,
  shootdown: 200,
};
