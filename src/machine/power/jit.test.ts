// Each code template (jit.ts) must compute exactly what its instruction's handler computes:
// random words of the instruction, random states (registers pointing into mapped memory or
// not), both modes and byte orders; the whole state and the memory must end up identical, and
// a fault must happen on both paths or on neither.

import { test } from "node:test";
import assert from "node:assert/strict";
import { PhysicalMemory, PAGE_SIZE } from "../memory.js";
import { PageTable, Pte } from "../pagetable.js";
import { Cpu } from "./cpu.js";
import { GuestFault } from "./mmu.js";
import { ALL_OPS } from "./ops/index.js";
import { JIT, type GenCtx } from "./jit.js";
import { decoder } from "./engine.js";
import { S, STATE_BYTES } from "./state.js";
import { Rng, seedFromEnv } from "./difftest/rng.js";

const BASE = 0x20000000;
const PAGES = 4;

function machine(sf: boolean, le: boolean): { cpu: Cpu; mem: PhysicalMemory } {
  const mem = new PhysicalMemory({ bytes: 4 << 20, nodes: 1 });
  const pt = new PageTable(mem);
  for (let i = 0; i < PAGES; i++) pt.map(BASE + i * PAGE_SIZE, 0, mem.allocFrame(), Pte.Read | Pte.Write);
  const cpu = new Cpu(mem);
  cpu.pt = pt;
  cpu.setMode(sf, le);
  return { cpu, mem };
}

type Outcome = { state: Uint8Array; mem: Uint8Array; fault: boolean };

function snapshot(cpu: Cpu, mem: PhysicalMemory, fault: boolean): Outcome {
  const state = mem.bytes.slice(cpu.stateAddr, cpu.stateAddr + STATE_BYTES);
  const pages: number[] = [];
  for (let i = 0; i < PAGES; i++) pages.push(cpu.pt!.lookup(BASE + i * PAGE_SIZE, 0) & ~(PAGE_SIZE - 1));
  const m = new Uint8Array(PAGES * PAGE_SIZE);
  pages.forEach((pa, i) => m.set(mem.bytes.subarray(pa, pa + PAGE_SIZE), i * PAGE_SIZE));
  return { state, mem: m, fault };
}

test("every code template matches its handler on random words and states", () => {
  const seed = seedFromEnv();
  const rng = new Rng(seed);
  const rounds = Number(process.env.K42_DIFF_CASES ?? "") || 150;
  const dec = decoder();
  let checked = 0;
  for (const [mnemonic, gen] of JIT) {
    const defs = ALL_OPS.filter((o) => o.mnemonic === mnemonic);
    assert.equal(defs.length, 1, `template ${mnemonic} must name exactly one instruction definition`);
    const def = defs[0];
    for (const sf of [true, false]) {
      for (const le of [false, true]) {
        const a = machine(sf, le), b = machine(sf, le);
        for (let k = 0; k < rounds; k++) {
          const w = ((def.match & def.mask) | (rng.u32() & ~def.mask)) >>> 0;
          if (dec.decode(w) !== def) continue;
          const pc = 0x10000100 + 4 * rng.below(64);
          // Random registers, most of them pointing into the mapped window.
          const init = new Int32Array(STATE_BYTES / 4);
          for (let i = 0; i < init.length; i++) init[i] = rng.u32() | 0;
          for (let g = 0; g < 32; g++) {
            if (rng.below(4) !== 0) {
              init[g * 2] = BASE + rng.below(PAGES * PAGE_SIZE - 64);
              init[g * 2 + 1] = 0;
            } else if (rng.below(2) === 0) init[g * 2] = rng.below(200) - 100;
          }
          for (let f = 0; f < 8; f++) init[S.CR + f] &= 15;
          for (const x of [S.SO, S.OV, S.CA, S.OV32, S.CA32]) init[x] &= 1;
          init[S.MODE] = (sf ? 1 : 0) | (le ? 2 : 0);
          init[S.RESV_LEN] = 0;
          // FP enabled-exception traps off: the templates are the untrapped code (a trapping mode
          // runs FP instructions through their wrappers, never a template).
          init[S.FE] = 0;
          if (!sf) for (const x of [S.LR, S.CTR]) init[x + 1] = 0;
          const fill = rng.u32();
          const outcomes: Outcome[] = [];
          for (const [m, which] of [[a, "handler"], [b, "template"]] as const) {
            m.cpu.r.set(init);
            m.cpu.syncMode();
            m.cpu.flushTlb();
            for (let i = 0; i < PAGES; i++) {
              const pa = m.cpu.pt!.lookup(BASE + i * PAGE_SIZE, 0) & ~(PAGE_SIZE - 1);
              const r2 = new Rng(fill + i);
              for (let j = 0; j < PAGE_SIZE; j++) m.mem.bytes[pa + j] = r2.u32() & 0xff;
            }
            m.cpu.r[S.PC] = (pc + 4) | 0;
            m.cpu.r[S.PC + 1] = 0;
            let fault = false;
            try {
              if (which === "handler") def.exec(m.cpu, w | 0, pc);
              else {
                const g: GenCtx = {
                  sf, le, pc, pcHi: 0,
                  jump: (tl, th) => `r[${S.PC}] = ${tl}; r[${S.PC + 1}] = ${th}; return;`,
                  leave: "return;",
                  handler: () => `h(c, ${w | 0}, ${pc});`,
                };
                const code = gen(w | 0, g);
                if (code === undefined) {
                  def.exec(m.cpu, w | 0, pc); // not covered by the template: same path
                } else {
                  const fn = new Function("c", "h", `"use strict"; const r = c.r, dv = c.dv, u8 = c.u8, f = c.f;
                    const rtl = c.rtlb.tagLo, rth = c.rtlb.tagHi, rtp = c.rtlb.phys;
                    const wtl = c.wtlb.tagLo, wth = c.wtlb.tagHi, wtp = c.wtlb.phys;
                    ${code}`) as (c: Cpu, h: typeof def.exec) => void;
                  fn(m.cpu, def.exec);
                }
              }
            } catch (e) {
              if (!(e instanceof GuestFault)) throw e;
              fault = true;
            }
            outcomes.push(snapshot(m.cpu, m.mem, fault));
          }
          const [h, t] = outcomes;
          const where = `${mnemonic} word 0x${w.toString(16)} ${sf ? "64" : "32"}-bit ${le ? "LE" : "BE"} (seed ${seed})`;
          assert.equal(t.fault, h.fault, `${where}: fault on one path only`);
          {
            // A faulting instruction has no effect: the states must agree in that case too.
            for (let i = 0; i < STATE_BYTES; i += 4) {
              const hv = new DataView(h.state.buffer).getInt32(i, true), tv = new DataView(t.state.buffer).getInt32(i, true);
              assert.equal(tv, hv, `${where}: state word at 0x${i.toString(16)} handler 0x${(hv >>> 0).toString(16)} template 0x${(tv >>> 0).toString(16)}`);
            }
            assert.deepEqual(t.mem, h.mem, `${where}: memory differs`);
          }
          checked++;
        }
      }
    }
  }
  assert.ok(checked > JIT.size * 100, `only ${checked} cases checked`);
});
