// What software running on one processor sees of the machine: its id and topology, physical
// memory, a clock, the interconnect, and the cost hooks of the deterministic mode. The two run
// modes (deterministic.ts, parallel.ts) implement it; code above the machine cannot tell them
// apart except through the clock's unit and what messages cost.

import type { PhysicalMemory } from "./memory.js";
import type { CostModel } from "./cost.js";
import type { Topology } from "./topology.js";
import type { RingMessage } from "./ring.js";
import type { HostInput } from "./host-input.js";

export type RunMode = "deterministic" | "parallel";

export interface ProcessorPort {
  readonly cpu: number;
  readonly topology: Topology;
  readonly mem: PhysicalMemory;
  readonly cost: CostModel;
  /** Unit of now(): virtual cycles (deterministic) or nanoseconds since boot (parallel). */
  readonly clockUnit: "cycles" | "ns";
  now(): number;
  /** Account `cycles` of work done by this processor (advances the virtual clock; free in parallel mode). */
  charge(cycles: number): void;
  /**
   * Account an access to shared machine memory at byte address `addr` (coherence cost in the
   * deterministic mode). Returns the cycles spent waiting for a contended line (0 if none).
   */
  touch(addr: number, write: boolean): number;
  /**
   * Send a one-way message to processor `to`'s ring. False when the ring is full (nothing
   * sent; retry later). The receiver is woken only if its ring was empty.
   */
  send(to: number, kind: number, payload?: Uint8Array): boolean;
  /** The next message that has arrived (in the deterministic mode: whose arrival time has come). */
  receive(): RingMessage | undefined;
  /**
   * Whether a message a processor sends itself can be received at once (parallel mode: it is
   * in the ring) rather than after the interconnect's latency (deterministic mode). A handler
   * that answers a message to itself with another would then never let its poll end.
   */
  readonly selfSendImmediate: boolean;
  /** True when a message has arrived and waits (a soft interrupt: preempt at the next safe point). */
  pending(): boolean;
  /**
   * The time (now()'s unit) before which nothing from outside can need this processor: in the
   * deterministic mode the earliest next event of every other processor (a thread ready, a
   * message arriving, a timer) and the earliest message on its way here — the driver would run
   * this processor on until then anyway, so a thread alone on it may run that far in one go; in
   * the parallel mode now() (no run-ahead: messages come at any time, and the slices stay as
   * they were).
   */
  quietUntil(): number;
  /** The machine's host input device (k42's stdin), the same device on every processor. */
  readonly input: HostInput;
  /** Ask the whole machine to stop after the current slices. */
  halt(): void;
  halted(): boolean;
}

/** The software of one processor, as the run modes drive it. */
export interface ProcessorSoftware {
  /** Handle arrived messages, then run one time slice of one thread. */
  slice(): void;
  /** True if a thread is ready to run now. */
  runnable(): boolean;
  /** Earliest time (same unit as now()) at which a timer wants this processor, or Infinity. */
  nextTimer(): number;
  /**
   * True if a thread of this processor waits for host input: while the input is live, the
   * machine waits for the host instead of stopping (pending host input counts as work).
   */
  waitsForHost(): boolean;
  /**
   * One line per thread of this processor that is blocked and not a daemon, for the deadlock
   * report when the machine stops with nothing left that could wake them, e.g.
   * `thread "a" on cpu 0 waits for event "b done"`. Empty when there is none.
   */
  blocked(): string[];
}

/**
 * The one-line report of a machine that stopped because nothing could happen any more (nothing
 * runnable, no message in flight, no timer, no live host input) while threads were blocked:
 * `deadlock: ` and their descriptions (ProcessorSoftware.blocked), processor by processor.
 */
export function deadlockReport(blocked: readonly string[]): string | undefined {
  return blocked.length === 0 ? undefined : `deadlock: ${blocked.join("; ")}`;
}

/** Exit status of `k42 run` when the machine deadlocks. */
export const DEADLOCK_EXIT_STATUS = 125;
