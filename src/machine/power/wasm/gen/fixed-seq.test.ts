// Straight-line sequences of fixed-point instructions, translated as one region, against the
// handlers run one after the other. The per-instruction check (fixed.test.ts) sees one
// emitter at a time; here the values flow from one emitter to the next through the region's
// register locals (few registers, so most instructions read what an earlier one wrote), and CR
// fields and XER bits are written and read again within the region, as in real code.

import { test } from "node:test";
import assert from "node:assert/strict";
import { PhysicalMemory } from "../../../memory.js";
import { Cpu, Exit } from "../../cpu.js";
import { decoder } from "../../engine.js";
import { type OpDef, OpFlag } from "../../decode.js";
import { ALL_OPS } from "../../ops/index.js";
import { S, STATE_BYTES } from "../../state.js";
import { Rng, seedFromEnv } from "../../difftest/rng.js";
import { compileRegion, type RegionInsn } from "../region.js";
import { RegionRuntime } from "../runtime.js";
import { FIXED_GENS } from "./fixed.js";

const MEM_BYTES = 4 << 20;
const LENGTH = 32;

/** A random word of `def` whose register-like fields mostly name r3..r8 (CR fields/bits alike). */
function randomWord(rng: Rng, def: OpDef, dec: ReturnType<typeof decoder>): number | undefined {
  for (let tries = 0; tries < 20; tries++) {
    let w = (def.match & def.mask) | (rng.u32() & ~def.mask);
    for (const at of [21, 16, 11]) {
      if (rng.below(4) === 0) continue;
      w = (w & ~(31 << at)) | ((3 + rng.below(6)) << at);
    }
    w = ((def.match & def.mask) | (w & ~def.mask)) | 0;
    if (dec.decode(w) === def) return w;
  }
  return undefined;
}

function randomState(rng: Rng, sf: boolean, le: boolean): Int32Array {
  const init = new Int32Array(STATE_BYTES / 4);
  for (let i = 0; i < init.length; i++) init[i] = rng.u32() | 0;
  for (let g = 0; g < 32; g++) {
    const v = rng.u64();
    init[g * 2] = Number(v & 0xffffffffn) | 0;
    init[g * 2 + 1] = Number(v >> 32n) | 0;
  }
  for (let f = 0; f < 8; f++) init[S.CR + f] &= 15;
  for (const x of [S.SO, S.OV, S.CA, S.OV32, S.CA32]) init[x] &= 1;
  init[S.XER_BC] &= ~((1 << 31) | (1 << 30) | (1 << 29) | (1 << 19) | (1 << 18));
  init[S.XER_HI] = 0;
  init[S.MODE] = (sf ? 1 : 0) | (le ? 2 : 0);
  init[S.FE] = 0;
  init[S.RESV_LEN] = 0;
  if (!sf) for (const x of [S.LR, S.CTR, S.TAR]) init[x + 1] = 0;
  return init;
}

/**
 * Random sequences through one region against the handlers in order. With `traps`, the trap
 * instructions are in the mix too: each ends a block (the next block starts after it, in the
 * same region), most fire (the region leaves through the handler's exit, the handlers' run
 * stops there) and the others must leave every register as the straight path would.
 */
function sequences(traps: boolean): void {
  const seed = seedFromEnv();
  const rng = new Rng(seed);
  const dec = decoder();
  const defs = [...FIXED_GENS.keys()].map((m) => {
    const d = ALL_OPS.find((o) => o.mnemonic === m);
    assert.ok(d !== undefined, m);
    return d;
  }).filter((d) => traps || ((d.flags ?? 0) & OpFlag.EndsBlock) === 0);
  const rounds = Number(process.env.K42_DIFF_CASES ?? "") || 40;
  let checked = 0;
  for (const sf of [true, false]) {
    for (const le of [false, true]) {
      const mem = new PhysicalMemory({ bytes: MEM_BYTES, nodes: 1 });
      const a = new Cpu(mem, undefined, "step"), b = new Cpu(mem, undefined, "step");
      a.setMode(sf, le);
      b.setMode(sf, le);
      const rt = new RegionRuntime(b);
      for (let k = 0; k < rounds; k++) {
        const pc0 = 0x10000100 + 4 * rng.below(256);
        const insns: RegionInsn[] = [];
        while (insns.length < LENGTH) {
          const def = rng.pick(defs);
          const w = randomWord(rng, def, dec);
          if (w !== undefined) insns.push({ pc: pc0 + 4 * insns.length, w, def });
        }
        // Blocks end after each block-ending instruction (the traps).
        const blocks: { insns: RegionInsn[] }[] = [{ insns: [] }];
        for (const ins of insns) {
          blocks[blocks.length - 1].insns.push(ins);
          if (((ins.def?.flags ?? 0) & OpFlag.EndsBlock) !== 0) blocks.push({ insns: [] });
        }
        if (blocks[blocks.length - 1].insns.length === 0) blocks.pop();
        const init = randomState(rng, sf, le);
        for (const c of [a, b]) {
          c.r.set(init);
          c.syncMode();
          c.icount = 1000;
          c.exit = Exit.None;
          c.r[S.PC] = pc0;
          c.r[S.PC + 1] = 0;
        }
        for (const ins of insns) {
          a.r[S.PC] = ins.pc + 4;
          a.fpc = ins.pc;
          ins.def?.exec(a, ins.w, ins.pc);
          a.icount++;
          if (a.exit !== Exit.None) break;
        }
        const region = compileRegion({ sf, le, fe: false, hi: 0, memPages: MEM_BYTES / 65536, blocks }, FIXED_GENS);
        rt.run(rt.instantiate(region, false, 0), 0, b.icount + LENGTH + 1);
        const where = (): string => `${sf ? "64" : "32"}-bit ${le ? "LE" : "BE"} (seed ${seed}): ` +
          insns.map((i) => `${i.def?.mnemonic} 0x${(i.w >>> 0).toString(16)}`).join("; ");
        for (let i = 0; i < STATE_BYTES / 4; i++) {
          if (a.r[i] !== b.r[i]) {
            assert.fail(`state word at 0x${(i * 4).toString(16)}: handlers 0x${(a.r[i] >>> 0).toString(16)}, ` +
              `region 0x${(b.r[i] >>> 0).toString(16)} after ${where()}`);
          }
        }
        assert.equal(b.icount, a.icount, `instruction count after ${where()}`);
        assert.equal(b.exit, a.exit, `exit after ${where()}`);
        if (a.exit !== Exit.None) assert.equal(b.exitPc, a.exitPc, `exit PC after ${where()}`);
        checked++;
      }
    }
  }
  assert.ok(checked >= 100, `only ${checked} sequences`);
}

test("sequences of fixed-point instructions in one region match the handlers run in order", () => {
  sequences(false);
});

test("sequences with traps ending blocks (firing or not) match the handlers run in order", () => {
  sequences(true);
});
