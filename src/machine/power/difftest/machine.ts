// A bare processor for unit tests: one Cpu over a small physical memory, code placed at any
// virtual address (pages mapped on demand), run from a PC until an exit; and `eachEngine`,
// which registers a test once per execution engine.

import { test } from "node:test";
import { PhysicalMemory, PAGE_SIZE } from "../../memory.js";
import { PageTable, Pte } from "../../pagetable.js";
import { Cpu, type Exit } from "../cpu.js";
import { ENGINE_KINDS, type EngineKind } from "../engine.js";

export interface Machine {
  c: Cpu;
  /** Write instruction words at virtual address (lo, hi), mapping pages as needed. */
  code(lo: number, hi: number, words: readonly number[]): void;
  /** Set the PC and run until an exit (at most `budget` instructions). */
  runAt(lo: number, hi: number, budget?: number): Exit;
}

export function machine(sf: boolean, le = false, engine: EngineKind = "block"): Machine {
  const mem = new PhysicalMemory({ bytes: 8 << 20, nodes: 1 });
  const pt = new PageTable(mem);
  const c = new Cpu(mem, undefined, engine);
  c.pt = pt;
  c.setMode(sf, le);
  return {
    c,
    code(lo, hi, words) {
      words.forEach((w, i) => {
        const a = (lo >>> 0) + 4 * i;
        const alo = a | 0, ahi = (hi + Math.floor(a / 4294967296)) | 0;
        let e = pt.lookup(alo & ~(PAGE_SIZE - 1), ahi);
        if (e === 0) {
          pt.map(alo & ~(PAGE_SIZE - 1), ahi, mem.allocFrame(), Pte.Read | Pte.Write | Pte.Exec);
          e = pt.lookup(alo & ~(PAGE_SIZE - 1), ahi);
        }
        mem.view.setUint32((e & ~(PAGE_SIZE - 1)) + (alo & (PAGE_SIZE - 1)), w, le);
      });
      c.engine.flush();
    },
    runAt(lo, hi, budget = 1000) {
      c.setPc(lo, hi);
      return c.run(budget);
    },
  };
}

/**
 * A test for every engine (named "<name> (<engine> engine)"): exits, faults and their reports
 * must be the same whichever engine runs the code.
 */
export function eachEngine(name: string, body: (engine: EngineKind) => void): void {
  for (const engine of ENGINE_KINDS) test(`${name} (${engine} engine)`, () => body(engine));
}
