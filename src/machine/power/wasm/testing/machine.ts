// A small machine for the translator's tests: one processor (step engine, so nothing but the
// code under test translates), `rw` read-write data pages at `base` and then `ro` read-only
// ones, nothing mapped after them (an access there faults). Two machines built alike place
// their state, TLB area and pages alike, so their states and pages compare byte for byte.

import { PhysicalMemory, PAGE_SIZE } from "../../../memory.js";
import { PageTable, Pte } from "../../../pagetable.js";
import { Cpu } from "../../cpu.js";

export interface TestMachine {
  readonly cpu: Cpu;
  readonly mem: PhysicalMemory;
  /** Physical address of each data page, in virtual order. */
  readonly pages: readonly number[];
}

/** Bytes of a test machine's physical memory (a region module imports all of it). */
export const TEST_MEM_BYTES = 4 << 20;

export function testMachine(sf: boolean, le: boolean, base: number, rw: number, ro: number): TestMachine {
  const mem = new PhysicalMemory({ bytes: TEST_MEM_BYTES, nodes: 1 });
  const pt = new PageTable(mem);
  const pages: number[] = [];
  for (let i = 0; i < rw + ro; i++) {
    const pa = mem.allocFrame();
    pages.push(pa);
    pt.map(base + i * PAGE_SIZE, 0, pa, i < rw ? Pte.Read | Pte.Write : Pte.Read);
  }
  const cpu = new Cpu(mem, undefined, "step");
  cpu.pt = pt;
  cpu.setMode(sf, le);
  void cpu.area; // the TLB area, allocated now so that both machines place it alike
  return { cpu, mem, pages };
}
