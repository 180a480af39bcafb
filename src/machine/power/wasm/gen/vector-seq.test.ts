// Straight-line sequences of vector instructions, translated as one region, against the
// handlers run one after the other. The per-instruction check (vector.test.ts) sees one emitter
// at a time; here values flow between emitters through the region's register locals: few
// registers (VR 0-5, VSR 0-3 and 32-35), so most instructions read what an earlier one wrote,
// VSRs below 32 are used both whole and as doubleword 0 (FPR bits: mtvsrd, lxsdx, mfvsrd), and
// CR6 and VSCR are written and read again. Loads and stores use base registers r3-r5 that point
// into mapped pages and index registers r6-r7 that stay small (the moves write r8-r10 only),
// so that no access faults and the whole sequence runs.

import { test } from "node:test";
import assert from "node:assert/strict";
import { PAGE_SIZE } from "../../../memory.js";
import { decoder } from "../../engine.js";
import { type OpDef, OpFlag } from "../../decode.js";
import { ALL_OPS } from "../../ops/index.js";
import { S, STATE_BYTES } from "../../state.js";
import { Rng, seedFromEnv } from "../../difftest/rng.js";
import { compileRegion, type RegionInsn } from "../region.js";
import { RegionRuntime } from "../runtime.js";
import { TEST_MEM_BYTES, testMachine, type TestMachine } from "../testing/machine.js";
import { VECTOR_GENS } from "./vector.js";

const BASE = 0x20000000;
const PAGES = 4;
const LENGTH = 24;

type Machine = TestMachine;

function machine(sf: boolean, le: boolean): Machine {
  return testMachine(sf, le, BASE, PAGES, 0);
}

/** Set the 5-bit field at bit `at` (from the right) of w. */
const field = (w: number, at: number, v: number): number => (w & ~(31 << at)) | (v << at);

/** Whether the field at `at` is an operand of `def` (no bit of it is in the opcode mask). */
const free = (def: OpDef, at: number): boolean => (def.mask & (31 << at)) === 0;

/** A random word of `def` with its register fields drawn from the small sets above. */
function randomWord(rng: Rng, def: OpDef, dec: ReturnType<typeof decoder>): number | undefined {
  const primary = def.match >>> 26;
  const mem = ((def.flags ?? 0) & OpFlag.Mem) !== 0;
  const move = def.mnemonic.startsWith("mfvsr") || def.mnemonic.startsWith("mtvsr");
  for (let tries = 0; tries < 20; tries++) {
    let w = ((def.match & def.mask) | (rng.u32() & ~def.mask)) >>> 0;
    if (primary === 4) {
      // VMX: VRT, VRA, VRB, VRC (only where the mask leaves the field free)
      for (const at of [21, 16, 11, 6]) if (free(def, at)) w = field(w, at, rng.below(6));
    } else if (primary === 60) {
      // VSX XX forms: T, A, B, C fields 0..3 (the extension bits pick 0-3 or 32-35)
      for (const at of [21, 16, 11, 6]) if (free(def, at)) w = field(w, at, rng.below(4));
    } else if (mem) {
      w = field(w, 21, rng.below(4));
      w = field(w, 16, 3 + rng.below(3));
      w = field(w, 11, 6 + rng.below(2));
    } else if (move) {
      w = field(w, 21, rng.below(4));
      w = field(w, 16, 8 + rng.below(3));
    } else return undefined;
    w = ((def.match & def.mask) | (w & ~def.mask)) | 0;
    if (dec.decode(w) === def) return w;
  }
  return undefined;
}

function randomState(rng: Rng, sf: boolean, le: boolean): Int32Array {
  const init = new Int32Array(STATE_BYTES / 4);
  for (let i = 0; i < init.length; i++) init[i] = rng.u32() | 0;
  for (let g = 3; g <= 5; g++) {
    init[g * 2] = BASE + rng.below(PAGES * PAGE_SIZE - 256);
    init[g * 2 + 1] = 0;
  }
  for (let g = 6; g <= 7; g++) {
    init[g * 2] = rng.below(4) === 0 ? 0 : rng.below(64);
    init[g * 2 + 1] = 0;
  }
  for (let f = 0; f < 8; f++) init[S.CR + f] &= 15;
  for (const x of [S.SO, S.OV, S.CA, S.OV32, S.CA32]) init[x] &= 1;
  init[S.XER_BC] &= ~((1 << 31) | (1 << 30) | (1 << 29) | (1 << 19) | (1 << 18));
  init[S.XER_HI] = 0;
  init[S.VSCR] &= 0x10000;
  init[S.MODE] = (sf ? 1 : 0) | (le ? 2 : 0);
  init[S.FE] = 0;
  init[S.RESV_LEN] = 0;
  if (!sf) for (const x of [S.LR, S.CTR, S.TAR]) init[x + 1] = 0;
  return init;
}

function reset(m: Machine, init: Int32Array, fill: number, pc0: number): void {
  const c = m.cpu;
  c.r.set(init);
  c.syncMode();
  c.flushTlb();
  c.icount = 1000;
  c.r[S.PC] = pc0;
  c.r[S.PC + 1] = 0;
  m.pages.forEach((pa, i) => {
    const r = new Rng(fill + i);
    for (let j = 0; j < PAGE_SIZE; j++) m.mem.bytes[pa + j] = r.u32() & 0xff;
  });
}

test("sequences of vector instructions in one region match the handlers run in order", () => {
  const seed = seedFromEnv();
  const rng = new Rng(seed);
  const dec = decoder();
  const defs = [...VECTOR_GENS.keys()].map((m) => {
    const d = ALL_OPS.find((o) => o.mnemonic === m);
    assert.ok(d !== undefined, m);
    return d;
  });
  const rounds = Number(process.env.K42_DIFF_CASES ?? "") || 40;
  let checked = 0;
  for (const sf of [true, false]) {
    for (const le of [false, true]) {
      const a = machine(sf, le), b = machine(sf, le);
      const rt = new RegionRuntime(b.cpu);
      for (let k = 0; k < rounds; k++) {
        const pc0 = 0x10000100 + 4 * rng.below(256);
        const insns: RegionInsn[] = [];
        while (insns.length < LENGTH) {
          const def = rng.pick(defs);
          const w = randomWord(rng, def, dec);
          if (w !== undefined) insns.push({ pc: pc0 + 4 * insns.length, w, def });
        }
        const init = randomState(rng, sf, le);
        const fill = rng.u32();
        reset(a, init, fill, pc0);
        reset(b, init, fill, pc0);
        for (const ins of insns) {
          a.cpu.r[S.PC] = ins.pc + 4;
          a.cpu.fpc = ins.pc;
          ins.def?.exec(a.cpu, ins.w, ins.pc);
          a.cpu.icount++;
        }
        const region = compileRegion({ sf, le, fe: false, hi: 0, memPages: TEST_MEM_BYTES / 65536, blocks: [{ insns }] }, VECTOR_GENS);
        assert.ok(region.native.every((n) => n), "every vector emitter is native");
        rt.run(rt.instantiate(region, false, 0), 0, b.cpu.icount + LENGTH + 1);
        const where = (): string => `${sf ? "64" : "32"}-bit ${le ? "LE" : "BE"} (seed ${seed}): ` +
          insns.map((i) => `${i.def?.mnemonic} 0x${(i.w >>> 0).toString(16)}`).join("; ");
        for (let i = 0; i < STATE_BYTES / 4; i++) {
          if (a.cpu.r[i] !== b.cpu.r[i]) {
            assert.fail(`state word at 0x${(i * 4).toString(16)}: handlers 0x${(a.cpu.r[i] >>> 0).toString(16)}, ` +
              `region 0x${(b.cpu.r[i] >>> 0).toString(16)} after ${where()}`);
          }
        }
        for (let p = 0; p < PAGES; p++) {
          for (let j = 0; j < PAGE_SIZE; j++) {
            const x = a.mem.bytes[a.pages[p] + j], y = b.mem.bytes[b.pages[p] + j];
            if (x !== y) assert.fail(`memory byte at 0x${(BASE + p * PAGE_SIZE + j).toString(16)}: handlers ${x}, region ${y} after ${where()}`);
          }
        }
        assert.equal(b.cpu.icount, a.cpu.icount, `instruction count after ${where()}`);
        checked++;
      }
    }
  }
  assert.ok(checked >= 100, `only ${checked} sequences`);
});
