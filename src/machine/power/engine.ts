// The execution engine interface: what a processor (Cpu) needs from whatever executes its
// guest code. The Cpu owns the architectural state, the TLBs and the exit record; an engine
// only moves the state forward. Three implementations exist, so the interface is kept to what
// every one of them can provide:
//
//   BlockEngine (block-engine.ts)  guest code cut into blocks, each compiled to one JavaScript
//                                  function calling the instruction handlers (the fast one).
//   StepEngine (step-engine.ts)    one instruction at a time: fetch, decode, call the handler.
//                                  The reference the others are tested against.
//   WasmEngine (wasm/wasm-engine.ts)  the block engine for cold and warm code, hot regions of
//                                  guest code compiled to WebAssembly functions.
//
// Every engine executes the same handlers (decode.ts, ops/) or code proved equal to them
// (jit.ts), so they differ only in speed. In particular an engine never changes where a time
// slice ends: `run(limit)` retires exactly up to `limit` instructions unless an exit comes
// first, so that the kernel's deterministic mode makes the same decisions whatever engine runs
// the guest (engine-matrix.test.ts checks it).

import type { CodeWatcher } from "./mmu.js";
import { Decoder } from "./decode.js";
import { ALL_OPS } from "./ops/index.js";

/** The implementations a Cpu can be built with (see the file comment). */
export type EngineKind = "block" | "step" | "wasm";
export const ENGINE_KINDS: readonly EngineKind[] = ["block", "step", "wasm"];

/**
 * An engine is created for one Cpu and is its CodeWatcher (mmu.ts): a store to a frame that
 * holds translated code (`isCode`) reports `codeWritten` before it lands, and the engine drops
 * every translation of that frame machine-wide (the frame-code table in PhysicalMemory), whether
 * or not it translates code itself: other processors may.
 *
 * Exits are recorded in the Cpu (`c.stop`, `c.exit`, `c.fault`) with the same semantics in
 * every engine: an instruction that stops the processor (sc, a trap that fires, an illegal or
 * privileged form) has retired and the PC is past it; a storage fault has not retired, the PC
 * is the faulting instruction's address, and every instruction before it has retired.
 */
export interface ExecutionEngine extends CodeWatcher {
  readonly kind: EngineKind;
  /**
   * Execute from the state's PC until an exit or until `c.icount === limit`, exactly: never an
   * instruction past `limit` (so `Cpu.run(budget)` ends where the budget says, in every engine).
   * Returns at once if `c.icount >= limit`.
   */
  run(limit: number): void;
  /** Execute exactly one instruction (debuggers, tests); exits are recorded as in `run`. */
  step(): void;
  /**
   * Forget this processor's recently-run table (address-space switch, TLB shootdown): the next
   * instruction is looked up through the current translations again.
   */
  flushSlots(): void;
  /**
   * Forget every translation this engine may run from (code was written behind the
   * processors' backs, e.g. by a test or a loader, without going through a store).
   */
  flush(): void;
  /** Counters of the engine's work (translations, their size and cost), if it keeps any. */
  stats?(): EngineStats;
}

/** An engine's own counters (names and values), shown by `k42 run --stats`. */
export type EngineStats = Readonly<Record<string, number>>;

/** The shared decoder for all processors and engines (immutable after creation). */
let sharedDecoder: Decoder | undefined;
export function decoder(): Decoder {
  if (sharedDecoder === undefined) sharedDecoder = new Decoder(ALL_OPS);
  return sharedDecoder;
}
