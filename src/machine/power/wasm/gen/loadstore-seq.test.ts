// The load/store emitters in sequences: one-instruction regions (loadstore.test.ts) do not show
// how emitters behave between each other in one region, where registers stay in locals across
// instructions, a loaded register is the next one's base, stmw/stq may call the handler on one
// path of their own branch, and a fault in the middle must leave exactly the earlier
// instructions' effects. Random blocks of 8 load/store instructions over few registers run as
// one region and through the handlers one by one; state, memory, fault, exit, instruction count
// and TLB fills must agree. Seed: K42_SEED.

import { test } from "node:test";
import assert from "node:assert/strict";
import { PAGE_SIZE } from "../../../memory.js";
import { Exit } from "../../cpu.js";
import { decoder } from "../../engine.js";
import { GuestFault } from "../../mmu.js";
import { ALL_OPS } from "../../ops/index.js";
import { S, STATE_BYTES } from "../../state.js";
import { faulted } from "../../step-engine.js";
import { Rng, seedFromEnv } from "../../difftest/rng.js";
import { compileRegion, type RegionInsn } from "../region.js";
import { RegionRuntime } from "../runtime.js";
import { TEST_MEM_BYTES, testMachine, type TestMachine } from "../testing/machine.js";
import { LOADSTORE_GENS } from "./loadstore.js";

const BASE = 0x20000000;
const RW_PAGES = 3;
const PAGES = RW_PAGES + 1;
const LEN = 8;
const CODE = 0x10000100;

type Machine = TestMachine;

function machine(sf: boolean, le: boolean): Machine {
  return testMachine(sf, le, BASE, RW_PAGES, PAGES - RW_PAGES);
}

/** RT, RA and RB fields. */
const FIELDS = 0x03fff800;
/**
 * Register roles, so that most accesses land in the data pages: r1, r2 small offsets (RB), r3-r5
 * pointers (RA), r6-r9 data (RT/RS). One field in eight takes any of r0-r9 instead, so that a
 * load also overwrites a base or an offset now and then.
 */
const OFFSETS = [1, 2], BASES = [3, 4, 5], DATA = [6, 7, 8, 9];

function reg(rng: Rng, role: readonly number[]): number {
  return rng.below(8) === 0 ? rng.below(10) : rng.pick(role);
}

/** A word of `mnemonic` over registers r0-r9 with a small displacement, or undefined. */
function word(rng: Rng, mnemonic: string): number | undefined {
  const def = rng.pick(ALL_OPS.filter((d) => d.mnemonic === mnemonic));
  let w = (def.match & def.mask) | (rng.u32() & ~def.mask);
  const regs = (reg(rng, DATA) << 21) | (reg(rng, BASES) << 16) | (reg(rng, OFFSETS) << 11);
  w = (w & ~(FIELDS & ~def.mask)) | (regs & ~def.mask);
  if (w >>> 26 !== 31) {
    // D/DS/DQ forms: a displacement within +-64 bytes, keeping the low four bits (opcode bits).
    w = (w & ~0xffff) | ((rng.below(128) - 64) & 0xfff0) | (w & 0xf);
  }
  w |= 0;
  return decoder().decode(w)?.mnemonic === mnemonic ? w : undefined;
}

function randomState(rng: Rng, sf: boolean, le: boolean): Int32Array {
  const init = new Int32Array(STATE_BYTES / 4);
  for (let i = 0; i < init.length; i++) init[i] = rng.u32() | 0;
  for (let g = 0; g < 32; g++) {
    // Pointers mostly well inside the read-write pages, sometimes anywhere around the window
    // (page ends, the read-only page, unmapped neighbours).
    const inside = BASE + 256 + rng.below(RW_PAGES * PAGE_SIZE - 512);
    const around = BASE + rng.below(PAGES * PAGE_SIZE + 64) - 32;
    init[g * 2] = OFFSETS.includes(g) ? rng.below(128) - 64 : rng.below(6) === 0 ? around : inside;
    init[g * 2 + 1] = init[g * 2] >> 31;
  }
  for (let f = 0; f < 8; f++) init[S.CR + f] &= 15;
  for (const x of [S.SO, S.OV, S.CA, S.OV32, S.CA32]) init[x] &= 1;
  init[S.MODE] = (sf ? 1 : 0) | (le ? 2 : 0);
  init[S.FE] = 0;
  init[S.RESV_LEN] = 0;
  if (!sf) for (const x of [S.LR, S.CTR, S.TAR]) init[x + 1] = 0;
  return init;
}

function prepare(m: Machine, init: Int32Array, fillSeed: number): void {
  const c = m.cpu;
  c.r.set(init);
  c.syncMode();
  c.flushTlb();
  c.exit = Exit.None;
  c.fault = undefined;
  c.icount = 1000;
  m.pages.forEach((pa, i) => {
    const r2 = new Rng(fillSeed + i);
    for (let j = 0; j < PAGE_SIZE; j++) m.mem.bytes[pa + j] = r2.u32() & 0xff;
  });
  c.fills[0] = c.fills[1] = 0;
  c.r[S.PC] = CODE;
  c.r[S.PC + 1] = 0;
}

/** The handlers one by one, stopping at a fault or an exit (as step-engine.ts stepInstruction). */
function runHandlers(m: Machine, insns: readonly RegionInsn[]): void {
  const c = m.cpu;
  for (const { pc, w, def } of insns) {
    if (def === undefined) throw new Error("undecoded word");
    c.r[S.PC] = pc + 4;
    c.fpc = pc;
    try {
      def.exec(c, w, pc);
    } catch (e) {
      if (e instanceof GuestFault) {
        faulted(c, e, pc, 0);
        return;
      }
      throw e;
    }
    // An exit (an illegal form) retires the instruction and ends the run (step-engine.ts).
    c.icount++;
    if (c.exit !== Exit.None) return;
  }
}

function outcome(m: Machine): string[] {
  const c = m.cpu;
  const out = [...c.r].map((v, i) => `state 0x${(i * 4).toString(16)}: ${v}`);
  m.pages.forEach((pa, i) => {
    for (let j = 0; j < PAGE_SIZE; j++) out.push(`byte 0x${(BASE + i * PAGE_SIZE + j).toString(16)}: ${m.mem.bytes[pa + j]}`);
  });
  const f = c.fault;
  out.push(`exit ${c.exit} at ${c.exitPcHi}:${c.exitPc} word ${c.exitWord}`, `fault ${f === undefined ? "none" : `${f.access}@${f.eaHi}:${f.eaLo}`}`, `icount ${c.icount}`, `fills ${c.fills.join("/")}`);
  return out;
}

test("sequences of load/store instructions in one region match the handlers run one by one", () => {
  const seed = seedFromEnv();
  const rng = new Rng(seed);
  const names = [...LOADSTORE_GENS.keys()];
  const memPages = TEST_MEM_BYTES / 65536;
  const rounds = Number(process.env.K42_DIFF_CASES ?? "") || 60;
  let completed = 0, faults = 0;
  for (const sf of [true, false]) {
    for (const le of [false, true]) {
      const a = machine(sf, le), b = machine(sf, le);
      const rt = new RegionRuntime(b.cpu);
      for (let k = 0; k < rounds; k++) {
        const insns: RegionInsn[] = [];
        while (insns.length < LEN) {
          const w = word(rng, rng.pick(names));
          if (w === undefined) continue;
          insns.push({ pc: CODE + 4 * insns.length, w, def: decoder().decode(w) });
        }
        const init = randomState(rng, sf, le);
        const fillSeed = rng.u32();
        const words = insns.map((i) => `${i.def?.mnemonic ?? "?"} 0x${(i.w >>> 0).toString(16)}`).join("; ");
        const where = `${sf ? 64 : 32}-bit ${le ? "LE" : "BE"} [${words}] (K42_SEED=${seed})`;
        prepare(a, init, fillSeed);
        runHandlers(a, insns);
        prepare(b, init, fillSeed);
        const region = compileRegion({ sf, le, fe: false, hi: 0, memPages, blocks: [{ insns }] }, LOADSTORE_GENS);
        rt.run(rt.instantiate(region, false, 0), 0, b.cpu.icount + LEN);
        const h = outcome(a), t = outcome(b);
        const i = h.findIndex((x, j) => x !== t[j]);
        assert.ok(i < 0, `${where}: handler ${h[i]}, translated ${t[i]}`);
        if (a.cpu.fault === undefined) completed++;
        else faults++;
      }
    }
  }
  if (process.env.K42_VERBOSE !== undefined) console.log(`completed ${completed}, faulted ${faults}`);
  // Both kinds of sequence occurred: ones that ran to the end, ones stopped by a fault.
  assert.ok(completed > rounds / 4 && faults > rounds / 4, `completed ${completed}, faulted ${faults}`);
});
