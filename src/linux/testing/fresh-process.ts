// A fresh address space and processor state on a one-processor deterministic machine, for tests
// that call the loader directly and look at what it built (mappings, stack, registers) without
// running the program.

import { deterministicKernels, prepare } from "../../kernel/boot.js";
import type { Kernel } from "../../kernel/kernel.js";
import { MemorySystem } from "../../kernel/mem/system.js";
import { Space } from "../../kernel/mem/space.js";
import type { Cpu } from "../../machine/power/cpu.js";
import { S } from "../../machine/power/state.js";

export interface FreshProcess {
  k: Kernel;
  space: Space;
  cpu: Cpu;
  /**
   * A further empty space on the same machine, and the same processor state (the loader resets
   * it: read the previous program's registers first). `release` reclaims a space.
   */
  another(): { space: Space; cpu: Cpu };
}

export function freshProcess(memBytes = 128 << 20): FreshProcess {
  const booted = prepare({ mode: "deterministic", cpus: 1, nodes: 1, memBytes, traceMask: 0 });
  booted.input.close();
  const k = deterministicKernels(booted).kernels[0];
  const ms = MemorySystem.install(k);
  const cpu = ms.engine;
  cpu.attachState(ms.allocFrame());
  const another = (): { space: Space; cpu: Cpu } => ({ space: new Space(k, ms.newSpace()), cpu });
  return { k, ...another(), another };
}

/** General-purpose register n of `cpu` as a number (addresses fit in 53 bits). */
export function gpr(cpu: Cpu, n: number): number {
  return (cpu.r[n * 2 + 1] >>> 0) * 4294967296 + (cpu.r[n * 2] >>> 0);
}

/** The program counter of `cpu`. */
export function pc(cpu: Cpu): number {
  return (cpu.r[S.PC + 1] >>> 0) * 4294967296 + (cpu.r[S.PC] >>> 0);
}

/**
 * Tear a space down at once (a one-processor machine needs no waiting shootdown); throws if the
 * teardown would have to wait, which a test should not hide.
 */
export function release(space: Space): void {
  const g = space.teardown();
  for (let r = g.next(); r.done !== true; r = g.next()) throw new Error(`teardown waits (${JSON.stringify(r.value)})`);
}
