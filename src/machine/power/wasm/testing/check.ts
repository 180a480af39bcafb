// The check of instruction emitters against their handlers (the translator's counterpart of
// jit.test.ts): for each mnemonic of a map of emitters, random words of its definitions (the
// decoder must map the word back to that definition), random states and memory, both modes
// (64/32-bit) and both byte orders. Each case runs twice on two identical machines: once
// through the handler (as the step engine runs it), once as a one-instruction region compiled
// with the emitter (region.ts) and run (runtime.ts). Everything must agree: the whole state
// block (registers, flags, FPSCR, reservation, PC), the mapped pages, the exit (kind, PC,
// word), the fault (access, address), the instruction count and the TLB fill counts.
//
// Seeds: K42_SEED fixes the seed (difftest/rng.ts seedFromEnv), else it is random; a failure
// names it. K42_DIFF_CASES overrides the rounds per mnemonic, mode and byte order.

import { AssertionError } from "node:assert";
import { PAGE_SIZE } from "../../../memory.js";
import { Exit } from "../../cpu.js";
import type { OpDef } from "../../decode.js";
import { decoder } from "../../engine.js";
import { Access, GuestFault } from "../../mmu.js";
import { ALL_OPS } from "../../ops/index.js";
import { S, STATE_BYTES } from "../../state.js";
import { faulted } from "../../step-engine.js";
import { FpEnabledTrap } from "../../fpu/trap.js";
import { Rng, seedFromEnv } from "../../difftest/rng.js";
import type { WasmGen } from "../emit.js";
import { compileRegion } from "../region.js";
import { RegionRuntime } from "../runtime.js";
import { TEST_MEM_BYTES, testMachine, type TestMachine } from "./machine.js";

export interface CheckOptions {
  /** Cases per definition, mode and byte order (default 100, or K42_DIFF_CASES). */
  readonly rounds?: number;
  /** Check only these mnemonics of the map. */
  readonly only?: readonly string[];
  readonly seed?: number;
  /**
   * Shape the random state for the word about to be checked (a family's hook: the load/store
   * check points base registers at page boundaries, DATA_BASE/DATA_PAGES). Called after the
   * state is drawn; what it leaves is the case's starting state on both machines.
   */
  readonly adjust?: (state: Int32Array, w: number, rng: Rng) => void;
}

export interface CheckCount {
  /** Cases compared. */
  checked: number;
  /** Cases the emitter handled without calling the handler. */
  native: number;
  /** Cases where the handler faulted (so a family test can see both outcomes exercised). */
  faulted: number;
}

const BASE = 0x20000000;
/** The data window of the checked machines, for `adjust` hooks: RW_PAGES read-write pages, then one read-only. */
export const DATA_BASE = BASE;
/** Read-write data pages at BASE; one read-only page follows, then nothing (faults). */
const RW_PAGES = 4;
const PAGES = RW_PAGES + 1;
export const DATA_PAGES = PAGES;

type Machine = TestMachine;

function machine(sf: boolean, le: boolean): Machine {
  return testMachine(sf, le, BASE, RW_PAGES, PAGES - RW_PAGES);
}

/** A random state: GPRs mostly pointing into the data pages, flags normalised, FP specials. */
function randomState(rng: Rng, sf: boolean, le: boolean): Int32Array {
  const init = new Int32Array(STATE_BYTES / 4);
  for (let i = 0; i < init.length; i++) init[i] = rng.u32() | 0;
  for (let g = 0; g < 32; g++) {
    const k = rng.below(8);
    if (k < 5) {
      init[g * 2] = BASE + rng.below(PAGES * PAGE_SIZE + 64) - 32;
      init[g * 2 + 1] = 0;
    } else if (k === 5) {
      init[g * 2] = rng.below(200) - 100;
      init[g * 2 + 1] = init[g * 2] >> 31;
    } else if (k === 6) {
      const v = rng.u64();
      init[g * 2] = Number(v & 0xffffffffn) | 0;
      init[g * 2 + 1] = Number(v >> 32n) | 0;
    }
  }
  for (let n = 0; n < 64; n++) {
    for (let dw = 0; dw < 2; dw++) {
      if (rng.below(2) === 0) continue;
      const v = rng.double();
      init[S.VSR + n * 4 + dw * 2] = Number(v & 0xffffffffn) | 0;
      init[S.VSR + n * 4 + dw * 2 + 1] = Number(v >> 32n) | 0;
    }
  }
  for (let f = 0; f < 8; f++) init[S.CR + f] &= 15;
  for (const x of [S.SO, S.OV, S.CA, S.OV32, S.CA32]) init[x] &= 1;
  init[S.XER_BC] &= ~((1 << 31) | (1 << 30) | (1 << 29) | (1 << 19) | (1 << 18));
  init[S.XER_HI] = 0;
  init[S.FPSCR] &= ~(1 << 11); // reserved bit 52
  init[S.FPSCR_HI] = rng.below(4) === 0 ? rng.below(8) : 0;
  init[S.VSCR] &= 0x10001;
  // CTR near zero often (the decrementing branches' edge).
  const ctr = rng.below(4);
  if (ctr === 0) init[S.CTR] = rng.below(3);
  if (ctr <= 1) init[S.CTR + 1] = rng.below(2) === 0 ? 0 : rng.below(2);
  init[S.MODE] = (sf ? 1 : 0) | (le ? 2 : 0);
  init[S.FE] = 0;
  if (rng.below(4) === 0) {
    init[S.RESV_ADDR] = BASE + 8 * rng.below((RW_PAGES * PAGE_SIZE) / 8);
    init[S.RESV_ADDR + 1] = 0;
    init[S.RESV_LEN] = rng.pick([4, 8, 16]);
  } else init[S.RESV_LEN] = 0;
  if (!sf) for (const x of [S.LR, S.CTR, S.TAR]) init[x + 1] = 0;
  return init;
}

interface Outcome {
  readonly state: Int32Array;
  readonly mem: Uint8Array;
  readonly exit: Exit;
  readonly exitPc: number;
  readonly exitPcHi: number;
  readonly exitWord: number;
  readonly fault: string;
  readonly icount: number;
  readonly fills: readonly number[];
}

function outcome(m: Machine): Outcome {
  const c = m.cpu;
  const mem = new Uint8Array(PAGES * PAGE_SIZE);
  m.pages.forEach((pa, i) => mem.set(m.mem.bytes.subarray(pa, pa + PAGE_SIZE), i * PAGE_SIZE));
  const f = c.fault;
  return {
    state: c.r.slice(), mem, exit: c.exit, exitPc: c.exitPc, exitPcHi: c.exitPcHi, exitWord: c.exitWord,
    fault: f === undefined ? "none" : `${f.access}@${f.eaHi}:${f.eaLo}`, icount: c.icount, fills: [...c.fills],
  };
}

/** Put a machine in the case's starting state. */
function prepare(m: Machine, init: Int32Array, fillSeed: number, warm: boolean, pc: number, pcHi: number): void {
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
  if (warm) {
    // Half the cases start with the TLBs holding the data pages (the inline fast paths).
    for (let i = 0; i < PAGES; i++) {
      c.translate(BASE + i * PAGE_SIZE, 0, Access.Read);
      if (i < RW_PAGES) c.translate(BASE + i * PAGE_SIZE, 0, Access.Write);
    }
  }
  c.fills[0] = c.fills[1] = 0;
  c.r[S.PC] = pc;
  c.r[S.PC + 1] = pcHi;
}

/** The handler's run of the instruction (what the step engine does once fetched). */
function runHandler(m: Machine, def: OpDef, w: number, pc: number, pcHi: number): void {
  const c = m.cpu;
  const next = (pc + 4) | 0;
  c.r[S.PC] = next;
  c.r[S.PC + 1] = c.sf && next === 0 ? (pcHi + 1) | 0 : pcHi;
  c.fpc = pc;
  try {
    def.exec(c, w, pc);
  } catch (e) {
    if (e instanceof GuestFault || e instanceof FpEnabledTrap) {
      faulted(c, e, pc, pcHi);
      return;
    }
    throw e;
  }
  c.icount++;
}

const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

function compare(where: string, h: Outcome, t: Outcome): void {
  const fail = (what: string, expected: unknown, actual: unknown): never => {
    throw new AssertionError({ message: `${where}: ${what}: handler ${String(expected)}, translated ${String(actual)}`, expected, actual, operator: "strictEqual" });
  };
  for (let i = 0; i < h.state.length; i++) {
    if (h.state[i] !== t.state[i]) fail(`state word at 0x${(i * 4).toString(16)}`, hex(h.state[i]), hex(t.state[i]));
  }
  for (let i = 0; i < h.mem.length; i++) {
    if (h.mem[i] !== t.mem[i]) fail(`memory byte at ${hex(BASE + i)}`, hex(h.mem[i]), hex(t.mem[i]));
  }
  if (h.exit !== t.exit) fail("exit", h.exit, t.exit);
  if (h.exit !== Exit.None) {
    if (h.exitPc !== t.exitPc || h.exitPcHi !== t.exitPcHi) fail("exit PC", `${hex(h.exitPcHi)}:${hex(h.exitPc)}`, `${hex(t.exitPcHi)}:${hex(t.exitPc)}`);
    if (h.exitWord !== t.exitWord) fail("exit word", hex(h.exitWord), hex(t.exitWord));
  }
  if (h.fault !== t.fault) fail("fault", h.fault, t.fault);
  if (h.icount !== t.icount) fail("instruction count", h.icount, t.icount);
  if (h.fills[0] !== t.fills[0] || h.fills[1] !== t.fills[1]) fail("TLB fills", h.fills.join("/"), t.fills.join("/"));
}

/**
 * Check each emitter of `gens` against its handler(s); returns cases checked and handled
 * natively per mnemonic. Throws an AssertionError naming mnemonic, word, mode, byte order, seed
 * and the first difference.
 */
export function checkEmitters(gens: ReadonlyMap<string, WasmGen>, opts: CheckOptions = {}): Map<string, CheckCount> {
  const seed = opts.seed ?? seedFromEnv();
  const rounds = opts.rounds ?? (Number(process.env.K42_DIFF_CASES ?? "") || 100);
  const rng = new Rng(seed);
  const dec = decoder();
  const counts = new Map<string, CheckCount>();
  const memPages = TEST_MEM_BYTES / 65536;
  for (const sf of [true, false]) {
    for (const le of [false, true]) {
      const a = machine(sf, le), b = machine(sf, le);
      const rt = new RegionRuntime(b.cpu);
      for (const [mnemonic, gen] of gens) {
        if (opts.only !== undefined && !opts.only.includes(mnemonic)) continue;
        const defs = ALL_OPS.filter((d) => d.mnemonic === mnemonic);
        if (defs.length === 0) throw new Error(`check: no instruction definition named ${mnemonic}`);
        const count = counts.get(mnemonic) ?? { checked: 0, native: 0, faulted: 0 };
        counts.set(mnemonic, count);
        const single = new Map([[mnemonic, gen]]);
        for (const def of defs) {
          for (let k = 0; k < rounds; k++) {
            let w = 0;
            let found = false;
            for (let tries = 0; tries < 20 && !found; tries++) {
              w = ((def.match & def.mask) | (rng.u32() & ~def.mask)) | 0;
              found = dec.decode(w) === def;
            }
            if (!found) continue;
            let pc = 0x10000100 + 4 * rng.below(64);
            let pcHi = 0;
            if (sf) {
              const p = rng.below(16);
              if (p === 0) pc = -4; // the last word below a 4 GiB boundary
              if (p <= 2) pcHi = rng.below(3);
            }
            const init = randomState(rng, sf, le);
            opts.adjust?.(init, w, rng);
            const fillSeed = rng.u32();
            const warm = rng.below(2) === 0;
            const where = `${mnemonic} word ${hex(w)} ${sf ? "64" : "32"}-bit ${le ? "LE" : "BE"} pc ${hex(pcHi)}:${hex(pc)} (seed ${seed}, K42_SEED=${seed})`;
            prepare(a, init, fillSeed, warm, pc, pcHi);
            runHandler(a, def, w, pc, pcHi);
            const h = outcome(a);
            prepare(b, init, fillSeed, warm, pc, pcHi);
            let native: boolean;
            try {
              const region = compileRegion({ sf, le, fe: false, hi: pcHi, memPages, blocks: [{ insns: [{ pc, w, def }] }] }, single);
              const live = rt.instantiate(region, false, pcHi);
              const before = rt.fallbacks;
              rt.run(live, 0, b.cpu.icount + 1);
              native = region.native[0] && rt.fallbacks === before;
            } catch (e) {
              throw new AssertionError({ message: `${where}: translation failed: ${e instanceof Error ? e.message : String(e)}` });
            }
            compare(where, h, outcome(b));
            count.checked++;
            if (h.fault !== "none") count.faulted++;
            if (native) count.native++;
          }
        }
      }
    }
  }
  return counts;
}
