// The WebAssembly engine beside the step engine on programs written for its hard cases: code
// rewritten (a store and icbi) while a translated loop runs it, and slices of random budgets
// ending anywhere inside regions. (engine-matrix.test.ts runs it on the common programs.)

import { test } from "node:test";
import assert from "node:assert/strict";
import { PhysicalMemory } from "../../memory.js";
import { PageTable, Pte } from "../../pagetable.js";
import { Cpu, Exit } from "../cpu.js";
import type { EngineKind } from "../engine.js";
import { S, STATE_BYTES } from "../state.js";
import { Rng, seedFromEnv } from "../difftest/rng.js";
import { WasmEngine } from "./wasm-engine.js";
import { BRANCH_GENS } from "./gen/branch.js";
import { PROGRAM_GENS } from "./testing/sample-gens.js";
import type { WasmGen } from "./emit.js";

/** The branch emitters and the sample ones: regions mixing native code and handler calls. */
const MIXED = new Map<string, WasmGen>([...BRANCH_GENS, ...PROGRAM_GENS]);

const seed = seedFromEnv();

const D = (op: number, rt: number, ra: number, d: number): number => ((op << 26) | (rt << 21) | (ra << 16) | (d & 0xffff)) | 0;
const addi = (rt: number, ra: number, v: number): number => D(14, rt, ra, v);
const li = (rt: number, v: number): number => D(14, rt, 0, v);
const lis = (rt: number, v: number): number => D(15, rt, 0, v);
const ori = (ra: number, rs: number, v: number): number => D(24, rs, ra, v);
const cmpwi = (ra: number, v: number): number => D(11, 0, ra, v);
const stw = (rs: number, ra: number, d: number): number => D(36, rs, ra, d);
const icbi = (ra: number, rb: number): number => ((31 << 26) | (ra << 16) | (rb << 11) | (982 << 1)) | 0;
const ISYNC = 0x4c00012c;
const SC = 0x44000002;
/** bc BO, BI with a displacement in instructions. */
const bc = (bo: number, bi: number, insns: number): number => ((16 << 26) | (bo << 21) | (bi << 16) | ((insns * 4) & 0xfffc)) | 0;

const CODE = 0x10000;

/**
 * A loop of 200 rounds whose first instruction (r3 += 1) is rewritten in rounds 50 and 120 (to
 * r3 += 100, then r3 += 7) by a store to the code page, icbi and isync.
 */
function program(): number[] {
  const patch = CODE; // address of the rewritten instruction
  const w100 = addi(3, 3, 100), w7 = addi(3, 3, 7);
  const p: number[] = [];
  p.push(addi(3, 3, 1)); // 0: patched
  p.push(addi(4, 4, 1)); // 1
  p.push(cmpwi(4, 50)); // 2
  p.push(bc(4, 2, 7)); // 3: bne +7 -> 10
  p.push(lis(6, w100 >>> 16), ori(6, 6, w100 & 0xffff)); // 4, 5
  p.push(lis(5, patch >>> 16), stw(6, 5, 0)); // 6, 7
  p.push(icbi(0, 5), ISYNC); // 8, 9
  p.push(cmpwi(4, 120)); // 10
  p.push(bc(4, 2, 7)); // 11: bne +7 -> 18
  p.push(lis(6, w7 >>> 16), ori(6, 6, w7 & 0xffff)); // 12, 13
  p.push(lis(5, patch >>> 16), stw(6, 5, 0)); // 14, 15
  p.push(icbi(0, 5), ISYNC); // 16, 17
  p.push(cmpwi(4, 200)); // 18
  p.push(bc(12, 0, -19)); // 19: blt -> 0
  p.push(li(0, 1), SC); // 20, 21
  return p;
}

class Machine {
  readonly cpu: Cpu;
  constructor(engine: EngineKind, sf: boolean, le: boolean, gens?: ReadonlyMap<string, WasmGen>) {
    const mem = new PhysicalMemory({ bytes: 4 << 20, nodes: 1 });
    const pt = new PageTable(mem);
    const frame = mem.allocFrame();
    pt.map(CODE, 0, frame, Pte.Read | Pte.Write | Pte.Exec);
    program().forEach((w, i) => mem.view.setInt32(frame + 4 * i, w, le));
    this.cpu = new Cpu(mem, undefined, engine);
    this.cpu.pt = pt;
    this.cpu.setMode(sf, le);
    this.cpu.setPc(CODE, 0);
    const e = this.cpu.engine;
    if (e instanceof WasmEngine) {
      e.hotThreshold = 1;
      if (gens !== undefined) e.gens = gens;
    }
  }
}

function budget(rng: Rng): number {
  const k = rng.below(8);
  return k === 0 ? 1 + rng.below(3) : k < 6 ? 1 + rng.below(60) : 1 + rng.below(3000);
}

test("self-modifying loop: the wasm engine matches the step engine slice by slice", () => {
  const rng = new Rng(seed);
  for (const [sf, le, gens] of [[true, false, undefined], [true, true, MIXED], [false, false, MIXED], [false, true, undefined]] as const) {
    const ms = [new Machine("step", sf, le), new Machine("wasm", sf, le, gens)];
    let slices = 0;
    for (;;) {
      const n = budget(rng);
      const exits = ms.map((m) => m.cpu.run(n));
      const at = `${sf ? 64 : 32}-bit ${le ? "LE" : "BE"} slice ${slices} budget ${n} (seed ${seed}, K42_SEED=${seed})`;
      assert.equal(exits[1], exits[0], `${at}: exit`);
      assert.equal(ms[1].cpu.icount, ms[0].cpu.icount, `${at}: instruction count`);
      for (let i = 0; i < STATE_BYTES / 4; i++) assert.equal(ms[1].cpu.r[i], ms[0].cpu.r[i], `${at}: state word ${i}`);
      slices++;
      if (exits[0] === Exit.Syscall) break;
      assert.equal(exits[0], Exit.None, `${at}: ${ms[0].cpu.describeExit()}`);
    }
    // Rounds 1-50 add 1, 51-120 add 100, 121-200 add 7 (patched at the end of rounds 50 and 120).
    assert.equal(ms[0].cpu.r[S.GPR + 3 * 2], 50 + 70 * 100 + 80 * 7);
    const e = ms[1].cpu.engine;
    assert.ok(e instanceof WasmEngine && e.regions >= 3, "the loop was translated again after each rewrite");
  }
});

const DATA = 0x40000;
const add = (rt: number, ra: number, rb: number): number => ((31 << 26) | (rt << 21) | (ra << 16) | (rb << 11) | (266 << 1)) | 0;
const lwz = (rt: number, ra: number, d: number): number => D(32, rt, ra, d);
const mtctr = (rs: number): number => ((31 << 26) | (rs << 21) | (9 << 16) | (467 << 1)) | 0;

/**
 * A loop walking r5 over three data pages (8 bytes a round: a load, a sum, a store); the third
 * page is mapped by the "kernel" on the first fault, in the middle of a translated block.
 */
function walker(): number[] {
  return [
    lis(5, DATA >>> 16), li(9, 0), li(6, 1536), mtctr(6),
    addi(3, 3, 1), lwz(8, 5, 0), add(9, 9, 8), addi(9, 9, 3), stw(9, 5, 4), addi(5, 5, 8),
    bc(16, 0, -6), // bdnz
    li(0, 1), SC,
  ];
}

test("a translated loop faulting in the middle of a block: the wasm engine matches the step engine", () => {
  const rng = new Rng(seed ^ 0x77);
  for (const [sf, le] of [[true, false], [true, true], [false, false]] as const) {
    const ms = [0, 1].map((k) => {
      const mem = new PhysicalMemory({ bytes: 4 << 20, nodes: 1 });
      const pt = new PageTable(mem);
      const code = mem.allocFrame();
      pt.map(CODE, 0, code, Pte.Read | Pte.Exec);
      walker().forEach((w, i) => mem.view.setInt32(code + 4 * i, w, le));
      for (let p = 0; p < 2; p++) {
        const f = mem.allocFrame();
        for (let j = 0; j < 4096; j += 4) mem.view.setInt32(f + j, j * 7 + p, le);
        pt.map(DATA + p * 4096, 0, f, Pte.Read | Pte.Write);
      }
      const cpu = new Cpu(mem, undefined, k === 0 ? "step" : "wasm");
      cpu.pt = pt;
      cpu.setMode(sf, le);
      cpu.setPc(CODE, 0);
      const e = cpu.engine;
      if (e instanceof WasmEngine) {
        e.hotThreshold = 1;
        e.gens = MIXED;
      }
      return { cpu, pt, mem };
    });
    let faults = 0;
    for (let slices = 0; ; slices++) {
      const n = budget(rng);
      const exits = ms.map((m) => m.cpu.run(n));
      const at = `${sf ? 64 : 32}-bit ${le ? "LE" : "BE"} slice ${slices} budget ${n} (K42_SEED=${seed})`;
      assert.equal(exits[1], exits[0], `${at}: exit`);
      assert.equal(ms[1].cpu.icount, ms[0].cpu.icount, `${at}: instruction count`);
      for (let i = 0; i < STATE_BYTES / 4; i++) assert.equal(ms[1].cpu.r[i], ms[0].cpu.r[i], `${at}: state word ${i}`);
      if (exits[0] === Exit.Syscall) break;
      if (exits[0] === Exit.Fault) {
        faults++;
        for (const m of ms) {
          m.pt.map(DATA + 2 * 4096, 0, m.mem.allocFrame(), Pte.Read | Pte.Write);
          m.cpu.flushTlb();
        }
        continue;
      }
      assert.equal(exits[0], Exit.None, `${at}: ${ms[0].cpu.describeExit()}`);
    }
    assert.equal(faults, 1);
    const e = ms[1].cpu.engine;
    assert.ok(e instanceof WasmEngine && e.regions >= 1);
  }
});

/**
 * A step-engine and a wasm-engine processor (translating at first sight) over the same two code
 * pages at CODE: `main`, then `func` in the next page (`perm`: the pages' permissions).
 */
function twoPages(main: readonly number[], func: readonly number[], sf: boolean, le: boolean, perm: number, setup?: (c: Cpu) => void): Cpu[] {
  return [0, 1].map((k) => {
    const mem = new PhysicalMemory({ bytes: 4 << 20, nodes: 1 });
    const pt = new PageTable(mem);
    for (const [page, words] of [[0, main], [1, func]] as const) {
      const f = mem.allocFrame();
      pt.map(CODE + page * 4096, 0, f, perm);
      words.forEach((w, i) => mem.view.setInt32(f + 4 * i, w, le));
    }
    const cpu = new Cpu(mem, undefined, k === 0 ? "step" : "wasm");
    cpu.pt = pt;
    cpu.setMode(sf, le);
    cpu.setPc(CODE, 0);
    setup?.(cpu);
    const e = cpu.engine;
    if (e instanceof WasmEngine) {
      e.hotThreshold = 1;
      e.gens = MIXED;
    }
    return cpu;
  });
}

/** Run both processors in slices of random budgets to the program's sc, comparing them after each. */
function lockStep(ms: Cpu[], rng: Rng, sf: boolean, le: boolean): void {
  for (let slices = 0; ; slices++) {
    const n = budget(rng);
    const exits = ms.map((c) => c.run(n));
    const at = `${sf ? 64 : 32}-bit ${le ? "LE" : "BE"} slice ${slices} budget ${n} (K42_SEED=${seed})`;
    assert.equal(exits[1], exits[0], `${at}: exit`);
    assert.equal(ms[1].icount, ms[0].icount, `${at}: instruction count`);
    for (let i = 0; i < STATE_BYTES / 4; i++) assert.equal(ms[1].r[i], ms[0].r[i], `${at}: state word ${i}`);
    if (exits[0] === Exit.Syscall) return;
    assert.equal(exits[0], Exit.None, `${at}: ${ms[0].describeExit()}`);
  }
}

test("regions chain to each other (a call and its return across pages) without the dispatcher", () => {
  const bl = (disp: number): number => ((18 << 26) | (disp & 0x03fffffc) | 1) | 0;
  const BLR = 0x4e800020 | 0;
  const main = [li(6, 500), mtctr(6), addi(3, 3, 1), bl(0x1000 - 12), bc(16, 0, -2), li(0, 1), SC];
  const func = [addi(4, 4, 2), BLR];
  const rng = new Rng(seed ^ 0xc4a1);
  for (const [sf, le] of [[true, false], [false, true]] as const) {
    const ms = twoPages(main, func, sf, le, Pte.Read | Pte.Exec);
    // In slices of random budgets the two engines agree...
    lockStep(ms, rng, sf, le);
    assert.equal(ms[0].r[3 * 2], 500);
    assert.equal(ms[0].r[4 * 2], 1000);
    // ...and in one slice, 500 calls and returns need the dispatcher only while the jump cache fills.
    const again = ms[1];
    again.setPc(CODE, 0);
    const e = again.engine;
    assert.ok(e instanceof WasmEngine);
    const before = e.stats()["wasm runs from the dispatcher"];
    assert.equal(again.run(1 << 20), Exit.Syscall);
    const runs = e.stats()["wasm runs from the dispatcher"] - before;
    assert.ok(runs <= 4, `${runs} region runs from the dispatcher for 500 calls`);
  }
});

test("a callee in another page called through CTR runs inside its caller's region, and rewriting it takes effect", () => {
  // main (page 0): 200 rounds of a call through CTR; in round 50 it rewrites the callee's first
  // instruction (r3 += 1 -> r3 += 100) with a store, icbi and isync. func (page 1): r3 += 1; blr.
  const BCTRL = 0x4e800421 | 0;
  const FUNC = CODE + 0x1000;
  const w100 = addi(3, 3, 100);
  const main = [
    lis(9, FUNC >>> 16), ori(9, 9, FUNC & 0xffff), // 0, 1
    mtctr(9), BCTRL, // 2, 3
    addi(4, 4, 1), cmpwi(4, 50), bc(4, 2, 7), // 4, 5, 6: bne +7 -> 13
    lis(6, w100 >>> 16), ori(6, 6, w100 & 0xffff), stw(6, 9, 0), // 7, 8, 9
    icbi(0, 9), ISYNC, addi(7, 7, 1), // 10, 11, 12
    cmpwi(4, 200), bc(12, 0, -12), // 13, 14: blt -> 2
    li(0, 1), SC, // 15, 16
  ];
  const func = [addi(3, 3, 1), 0x4e800020 | 0];
  const rng = new Rng(seed ^ 0x5c7e);
  for (const [sf, le] of [[true, false], [true, true], [false, false]] as const) {
    // The CTR the translator predicts from: already the callee when the region is formed.
    const ms = twoPages(main, func, sf, le, Pte.Read | Pte.Write | Pte.Exec, (c) => {
      c.r[S.CTR] = FUNC;
    });
    lockStep(ms, rng, sf, le);
    // Rounds 1-50 call the old callee, 51-200 the rewritten one.
    assert.equal(ms[0].r[3 * 2], 50 + 150 * 100);
    const e = ms[1].engine;
    assert.ok(e instanceof WasmEngine);
    assert.ok(e.callees >= 2, `the callee compiled into the caller's region, before and after the rewrite (${e.callees})`);
    // In one slice the 200 calls and returns stay inside the region: the dispatcher runs it
    // only at the start, after the rewrite and where the jump cache fills.
    const again = ms[1];
    again.setPc(CODE, 0);
    again.r[4 * 2] = 60; // past the rewrite: 140 calls
    const before = e.stats()["wasm runs from the dispatcher"];
    assert.equal(again.run(1 << 20), Exit.Syscall);
    const runs = e.stats()["wasm runs from the dispatcher"] - before;
    assert.ok(runs <= 3, `${runs} region runs from the dispatcher for 140 calls`);
  }
});
