// TEMPORARY (until wasm/testing/check.ts exists): a minimal Emit whose registers are the
// state block itself, to check the FP emitters against their handlers.

import { test } from "node:test";
import assert from "node:assert/strict";
import { PhysicalMemory } from "../../../memory.js";
import { Cpu } from "../../cpu.js";
import { ALL_OPS } from "../../ops/index.js";
import { decoder } from "../../engine.js";
import { S, STATE_BYTES } from "../../state.js";
import { Rng, seedFromEnv } from "../../difftest/rng.js";
import { type Emit, type WasmGen, T, type Xer, type Spr } from "../emit.js";
import { ModuleBuilder, Op, OpSimd } from "../encoder.js";
import { FP_GENS } from "./fp.js";

function build(mem: PhysicalMemory, cpu: Cpu, w: number, gen: WasmGen, fb: () => void): (() => void) | undefined {
  const mb = new ModuleBuilder();
  const fbIdx = mb.importFunc("k", "fb", [], []);
  mb.importSharedMemory("k", "mem", mem.wasm.buffer.byteLength / 65536);
  const { index, body: f } = mb.func([], []);
  const sa = cpu.stateAddr;
  const ld = (o: Op, off: number, al: number): void => {
    f.i32(0).mem(o, sa + off, al);
  };
  const st = (o: Op, t: T, off: number, al: number): void => {
    const l = f.local(t);
    f.set(l).i32(0).get(l).mem(o, sa + off, al);
  };
  const fail = (): never => {
    throw new Error("not for FP");
  };
  const e: Emit = {
    f, sf: true, le: true, w, pc: 0x1000, pcHi: 0,
    gpr: (n) => ld(Op.i64_load, 8 * n, 3),
    setGpr: (n) => st(Op.i64_store, T.i64, 8 * n, 3),
    cr: (n) => ld(Op.i32_load, 0x520 + 4 * n, 2),
    setCr: (n) => st(Op.i32_store, T.i32, 0x520 + 4 * n, 2),
    xer: (_b: Xer) => fail(),
    setXer: (_b: Xer) => fail(),
    xerBc: fail,
    setXerBc: fail,
    spr: (_s: Spr) => fail(),
    setSpr: (_s: Spr) => fail(),
    fpscr: () => ld(Op.i32_load, 0x558, 2),
    setFpscr: () => st(Op.i32_store, T.i32, 0x558, 2),
    fpscrHi: () => ld(Op.i32_load, 0x55c, 2),
    setFpscrHi: () => st(Op.i32_store, T.i32, 0x55c, 2),
    fpr: (n) => ld(Op.f64_load, 0x100 + 16 * n, 3),
    setFpr: (n) => st(Op.f64_store, T.f64, 0x100 + 16 * n, 3),
    fprBits: (n) => ld(Op.i64_load, 0x100 + 16 * n, 3),
    setFprBits: (n) => st(Op.i64_store, T.i64, 0x100 + 16 * n, 3),
    vsr: (n) => {
      f.i32(0).simdMem(OpSimd.v128_load, sa + 0x100 + 16 * n, 4);
    },
    setVsr: (n) => {
      const l = f.local(T.v128);
      f.set(l).i32(0).get(l).simdMem(OpSimd.v128_store, sa + 0x100 + 16 * n, 4);
    },
    vscr: fail,
    setVscr: fail,
    crLive: () => true,
    xerLive: () => true,
    fpscrLive: () => true,
    temp: (t) => f.local(t),
    ea32: fail,
    load: fail,
    store: fail,
    load128: fail,
    store128: fail,
    branch: fail,
    branchIf: fail,
    branchIndirect: fail,
    fallback: () => {
      f.call(fbIdx);
    },
  };
  if (!gen(e)) return undefined;
  mb.exportFunc("run", index);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(mb.bytes())), { k: { fb, mem: mem.wasm } });
  return inst.exports.run as () => void;
}

const d = new Float64Array(1);
const dw = new Int32Array(d.buffer);

/** A random double for FP-heavy states. */
function randDouble(rng: Rng): number {
  const k = rng.below(100);
  const sign = rng.below(2) === 0 ? 1 : -1;
  if (k < 55) return sign * (1 + rng.u32() / 4294967296 + rng.u32() / 2 ** 64) * 2 ** (rng.below(40) - 20);
  if (k < 62) return sign * rng.below(1000);
  if (k < 68) return sign * Math.fround((1 + rng.u32() / 4294967296) * 2 ** (rng.below(40) - 20));
  if (k < 72) return sign * (1 + rng.u32() / 4294967296) * 2 ** (rng.below(60) + 990);
  if (k < 76) return sign * (1 + rng.u32() / 4294967296) * 2 ** (-rng.below(80) - 960);
  if (k < 79) return sign * (1 + rng.u32() / 4294967296) * 2 ** (rng.below(20) + 118);
  if (k < 82) return sign * (1 + rng.u32() / 4294967296) * 2 ** (-rng.below(40) - 110);
  if (k < 85) return sign * 0;
  if (k < 87) return sign * Infinity;
  if (k < 89) return sign * rng.u32() * 2 ** -1074;
  if (k < 91) return sign * 2 ** (rng.below(128) - 64);
  if (k < 95) {
    // a single-precision midpoint (half a single ulp above a single)
    const e = rng.below(40) - 20;
    const s = Math.fround((1 + rng.u32() / 4294967296) * 2 ** e);
    return sign * (s + 2 ** (e - 24));
  }
  dw[0] = rng.u32() | 0;
  dw[1] = rng.u32() | 0;
  return d[0];
}

test("FP emitters match their handlers (scratch harness)", () => {
  const seed = seedFromEnv();
  const rng = new Rng(seed);
  const rounds = Number(process.env.K42_DIFF_CASES ?? "") || 300;
  const dec = decoder();
  const only = process.env.FP_ONLY?.split(",");
  const mem = new PhysicalMemory({ bytes: 4 << 20, nodes: 1 });
  const a = new Cpu(mem), b = new Cpu(mem);
  const report: string[] = [];
  for (const [mnemonic, gen] of FP_GENS) {
    process.stdout.write(`# ${mnemonic}\n`);
    if (only !== undefined && !only.includes(mnemonic)) continue;
    const def = ALL_OPS.find((o) => o.mnemonic === mnemonic)!;
    let checked = 0, native = 0;
    for (let k = 0; k < rounds; k++) {
      const w = ((def.match & def.mask) | (rng.u32() & ~def.mask)) >>> 0;
      if (dec.decode(w) !== def) continue;
      const init = new Int32Array(STATE_BYTES / 4);
      for (let i = 0; i < init.length; i++) init[i] = rng.u32() | 0;
      const fv = new Float64Array(init.buffer);
      for (let v = 0; v < 64; v++) {
        fv[(0x100 >> 3) + 2 * v] = randDouble(rng);
        if (rng.below(4) === 0) {
          // integers for the conversions
          init[0x40 + 4 * v] = rng.u32() | 0;
          init[0x40 + 4 * v + 1] = rng.below(2) === 0 ? rng.below(5) - 2 : rng.u32() | 0;
        }
      }
      for (let c = 0; c < 8; c++) init[S.CR + c] &= 15;
      for (const x of [S.SO, S.OV, S.CA, S.OV32, S.CA32]) init[x] &= 1;
      let fs = rng.u32() | 0;
      if (rng.below(4) !== 0) fs &= ~3;
      if (rng.below(2) !== 0) fs &= ~0xf8;
      init[S.FPSCR] = fs;
      init[S.FPSCR_HI] &= 7;
      init[S.MODE] = 3;
      init[S.RESV_LEN] = 0;
      init[S.FE] = 0;
      let fell = false;
      b.r.set(init);
      b.syncMode();
      const run = build(mem, b, w, gen, () => {
        fell = true;
        def.exec(b, w, 0x1000);
      });
      a.r.set(init);
      a.syncMode();
      def.exec(a, w, 0x1000);
      checked++;
      if (run === undefined) continue;
      run();
      if (!fell) native++;
      for (let i = 0; i < STATE_BYTES / 4; i++) {
        if (a.r[i] !== b.r[i]) {
          const fa = new Float64Array(init.buffer);
          const fr = (n: number): string => `${fa[(0x100 >> 3) + 2 * n]}`;
          console.log(`A=${fr((w >>> 16) & 31)} B=${fr((w >>> 11) & 31)} C=${fr((w >>> 6) & 31)} T=${a.f[(0x100 >> 3) + 2 * ((w >>> 21) & 31)]} / ${b.f[(0x100 >> 3) + 2 * ((w >>> 21) & 31)]} fpscr ${(init[S.FPSCR] >>> 0).toString(16)}`);
          assert.fail(`${mnemonic} w=${w.toString(16)} seed=${seed} k=${k} word 0x${(i * 4).toString(16)}: handler ${(a.r[i] >>> 0).toString(16)} emitter ${(b.r[i] >>> 0).toString(16)} (init ${(init[i] >>> 0).toString(16)}) native=${!fell}`);
        }
      }
    }
    report.push(`${mnemonic} ${native}/${checked}`);
  }
  console.log(report.join("  "));
});
