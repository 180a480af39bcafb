// Every engine ends every slice at the same instruction: the same guest code is run by the
// block engine and the step engine (and by a processor that switches engines between slices)
// in lock-step, slice by slice with seeded random budgets, and after every slice the exit, the
// instruction count, the whole architectural state and the data memory must be identical, and
// a slice that ended without an exit must have retired exactly its budget. The budgets are
// mostly small so that slice ends land everywhere inside blocks: in long superblocks between
// side exits, in blocks that loop on themselves, in traced calls, next to faults and system
// calls. The seed is printed on failure (rerun with K42_SEED=<seed>).
//
// Which differential suites run the step engine as well (harness.ts `engines`; K42_ENGINES=
// block,step runs it on all of them): those whose instructions have code templates (jit.ts),
// where the block engine runs the template and the step engine the handler — fixed-arith,
// fixed-logic, fixed-rotate, loadstore, branch, fp-arith, fp-ls, fp-control, system, atomic,
// smoke — and the in-process exit and fault tests of branch, loadstore, system and atomic. The
// vector and fp-convert suites have no templates (both engines call the same handlers there)
// and run the block engine only, which keeps the step engine's share of `npm test` near 10 s
// of CPU time (the whole matrix: ~25 s).

import { test } from "node:test";
import assert from "node:assert/strict";
import { PhysicalMemory, PAGE_SIZE } from "../memory.js";
import { PageTable, Pte } from "../pagetable.js";
import { Cpu, Exit } from "./cpu.js";
import { ENGINE_KINDS, type EngineKind } from "./engine.js";
import { S, STATE_BYTES } from "./state.js";
import { Rng, seedFromEnv } from "./difftest/rng.js";
import { BareProcess } from "./difftest/bare.js";
import { diffProgram, TARGETS } from "./difftest/harness.js";
import { bcVariants } from "./difftest/branch-variants.js";
import { WasmEngine } from "./wasm/wasm-engine.js";

const seed = seedFromEnv();
const rerun = `seed ${seed}, rerun with K42_SEED=${seed}`;

/** A slice budget: mostly small, sometimes 0 or large. */
function budget(rng: Rng): number {
  const k = rng.below(16);
  if (k === 0) return 0;
  if (k <= 5) return 1 + rng.below(4);
  if (k <= 13) return 1 + rng.below(160);
  return 1 + rng.below(4000);
}

// ---- a tiny assembler for hand-written programs ----

type Item = number | string | ((at: number, label: (name: string) => number) => number);

/** Words at `base`: a string item defines a label, a function item is resolved in pass two. */
function assemble(base: number, items: readonly Item[]): number[] {
  const labels = new Map<string, number>();
  let at = base;
  for (const it of items) {
    if (typeof it === "string") labels.set(it, at);
    else at += 4;
  }
  const label = (name: string): number => {
    const a = labels.get(name);
    if (a === undefined) throw new Error(`no label ${name}`);
    return a;
  };
  const out: number[] = [];
  at = base;
  for (const it of items) {
    if (typeof it === "string") continue;
    out.push((typeof it === "number" ? it : it(at, label)) | 0);
    at += 4;
  }
  return out;
}

const D = (op: number, rt: number, ra: number, d: number): number => (op << 26) | (rt << 21) | (ra << 16) | (d & 0xffff);
const X = (rs: number, ra: number, rb: number, xo: number, rc = 0): number => (31 << 26) | (rs << 21) | (ra << 16) | (rb << 11) | (xo << 1) | rc;
const li = (rt: number, v: number): number => D(14, rt, 0, v);
const addi = (rt: number, ra: number, v: number): number => D(14, rt, ra, v);
const lis = (rt: number, v: number): number => D(15, rt, 0, v);
const andiDot = (ra: number, rs: number, v: number): number => D(28, rs, ra, v);
const cmpwi = (ra: number, v: number): number => D(11, 0, ra, v);
const lwz = (rt: number, ra: number, d: number): number => D(32, rt, ra, d);
const stw = (rs: number, ra: number, d: number): number => D(36, rs, ra, d);
const add = (rt: number, ra: number, rb: number): number => X(rt, ra, rb, 266);
const xor = (ra: number, rs: number, rb: number): number => X(rs, ra, rb, 316);
const rotlwi = (ra: number, rs: number, n: number): number => (21 << 26) | (rs << 21) | (ra << 16) | (n << 11) | (0 << 6) | (31 << 1);
const mtctr = (rs: number): number => X(rs, 9, 0, 467);
const SC = 0x44000002;
const BLR = 0x4e800020;
/** bc BO, BI to a label. */
const bc = (bo: number, bi: number, to: string): Item => (at, l) => (16 << 26) | (bo << 21) | (bi << 16) | ((l(to) - at) & 0xfffc);
const bl = (to: string): Item => (at, l) => (18 << 26) | ((l(to) - at) & 0x03fffffc) | 1;
const beq = (to: string): Item => bc(12, 2, to);
const bne = (to: string): Item => bc(4, 2, to);
const blt = (to: string): Item => bc(12, 0, to);
const bgt = (to: string): Item => bc(12, 1, to);
const bdnz = (to: string): Item => bc(16, 0, to);

const CODE = 0x10000;
const DATA = 0x40000;
/** A page the "kernel" maps on the first fault and unmaps at every system call 20. */
const LAZY = 0x50000;

/**
 * The program: an outer loop of 3 rounds, each with a superblock loop (side exits, a traced
 * call), a straight run longer than a block, a block looping on itself, a store and a load
 * that fault in the middle of a block, and a system call that the kernel answers.
 */
const PROGRAM: readonly Item[] = [
  li(20, 3),
  "outer",
  li(3, 0), li(4, 0), lis(5, DATA >>> 16), li(6, 150), mtctr(6),
  "loop",
  addi(4, 4, 1), andiDot(7, 4, 3), beq("skip1"), add(3, 3, 4), xor(3, 3, 7),
  "skip1",
  cmpwi(4, 75), blt("skip2"), bl("func"),
  "skip2",
  stw(3, 5, 0), lwz(8, 5, 0), add(3, 3, 8), rotlwi(3, 3, 3), bdnz("loop"),
  ...Array.from({ length: 150 }, (_, k) => (k % 2 === 0 ? addi(9, 9, k) : xor(10, 10, 9))),
  li(11, 300), mtctr(11),
  "tight",
  addi(12, 12, 3), bdnz("tight"),
  lis(13, LAZY >>> 16), addi(14, 14, 1), stw(3, 13, 8), addi(14, 14, 1), lwz(15, 13, 8), add(3, 3, 15),
  li(0, 20), SC,
  add(3, 3, 3), addi(20, 20, -1), cmpwi(20, 0), bne("outer"),
  li(0, 1), SC,
  "func",
  addi(16, 16, 1), cmpwi(4, 100), bgt("f1"), addi(17, 17, 2),
  "f1",
  BLR,
];

/** One processor running PROGRAM, with the kernel's side (system calls, the lazy page). */
class Hand {
  readonly cpu: Cpu;
  readonly pt: PageTable;
  readonly mem: PhysicalMemory;
  private lazyFrame = -1;
  done = false;

  constructor(sf: boolean, le: boolean, engine: EngineKind) {
    this.mem = new PhysicalMemory({ bytes: 8 << 20, nodes: 1 });
    this.pt = new PageTable(this.mem);
    this.cpu = new Cpu(this.mem, undefined, engine);
    this.cpu.pt = this.pt;
    this.cpu.setMode(sf, le);
    const words = assemble(CODE, PROGRAM);
    for (let off = 0; off < words.length * 4; off += PAGE_SIZE) this.pt.map(CODE + off, 0, this.mem.allocFrame(), Pte.Read | Pte.Exec);
    this.pt.map(DATA, 0, this.mem.allocFrame(), Pte.Read | Pte.Write);
    words.forEach((w, i) => {
      const va = CODE + 4 * i;
      this.mem.view.setInt32((this.pt.lookup(va, 0) & ~(PAGE_SIZE - 1)) + (va & (PAGE_SIZE - 1)), w, le);
    });
    this.cpu.setPc(CODE, 0);
  }

  /** One slice, then the kernel's answer to its exit. */
  slice(n: number): Exit {
    const c = this.cpu;
    const exit = c.run(n);
    if (exit === Exit.Syscall) {
      if (c.r[0] === 1) this.done = true;
      else if (c.r[0] === 20) {
        c.setGpr(3, (c.r[6] + 7) | 0, c.r[7]);
        if (this.pt.lookup(LAZY, 0) !== 0) {
          this.pt.unmap(LAZY, 0);
          c.flushTlb();
        }
      } else throw new Error(`unexpected system call ${c.r[0]}`);
    } else if (exit === Exit.Fault && c.fault !== undefined && c.fault.eaLo >>> 12 === LAZY >>> 12) {
      if (this.lazyFrame < 0) this.lazyFrame = this.mem.allocFrame();
      this.pt.map(LAZY, 0, this.lazyFrame, Pte.Read | Pte.Write);
    } else if (exit !== Exit.None) throw new Error(`unexpected exit: ${c.describeExit()}`);
    return exit;
  }

  data(): Uint8Array {
    const p = this.pt.lookup(DATA, 0) & ~(PAGE_SIZE - 1);
    const lazy = this.lazyFrame < 0 ? new Uint8Array(0) : this.mem.bytes.subarray(this.lazyFrame, this.lazyFrame + 64);
    return Uint8Array.from([...this.mem.bytes.subarray(p, p + 64), ...lazy]);
  }
}

/** Name of state word i (for messages). */
function wordName(i: number): string {
  if (i < 64) return `r${i >> 1}${i & 1 ? ".hi" : ".lo"}`;
  for (const [k, v] of Object.entries(S)) if (v === i || v + 1 === i) return k + (v === i ? "" : ".hi");
  return `word ${i}`;
}

/** Everything an engine must agree on after a slice. */
function assertSame(ref: Cpu, other: Cpu, what: string): void {
  assert.equal(other.icount, ref.icount, `${what}: instruction count`);
  assert.equal(other.exit, ref.exit, `${what}: exit (${ref.describeExit()} / ${other.describeExit()})`);
  if (ref.exit !== Exit.None) {
    assert.equal(other.exitPc, ref.exitPc, `${what}: exit PC`);
    assert.equal(other.exitPcHi, ref.exitPcHi, `${what}: exit PC high word`);
    if (ref.exit !== Exit.Fault) assert.equal(other.exitWord, ref.exitWord, `${what}: exit word`);
  }
  for (let i = 0; i < STATE_BYTES / 4; i++) {
    if (other.r[i] !== ref.r[i]) {
      assert.fail(`${what}: ${wordName(i)} is 0x${(ref.r[i] >>> 0).toString(16)} in the first engine, 0x${(other.r[i] >>> 0).toString(16)} in the other`);
    }
  }
}

/** A processor whose WebAssembly engine translates everything at first sight. */
function eager<P extends { cpu: Cpu }>(p: P): P {
  const e = p.cpu.engine;
  if (e instanceof WasmEngine) e.hotThreshold = 1;
  return p;
}

/**
 * Run processors in lock-step slices until `done()`: the first is the block engine, the second
 * the step engine, the third switches engines at random between slices, the fourth is the
 * WebAssembly engine translating every entry at first sight.
 */
function lockStep<P extends { cpu: Cpu; slice(n: number): Exit }>(
  make: (engine: EngineKind) => P, done: (p: P) => boolean, rng: Rng, what: string, memory?: (p: P) => Uint8Array,
): { slices: number; exits: number } {
  const ps = [make("block"), make("step"), make("block"), eager(make("wasm"))];
  const names = ["block engine", "step engine", "switching engines", "wasm engine"];
  let slices = 0, exits = 0;
  while (!done(ps[0])) {
    if (slices > 200_000) assert.fail(`${what}: does not finish`);
    const n = budget(rng);
    ps[2].cpu.engineKind = rng.pick(ENGINE_KINDS);
    const before = ps[0].cpu.icount;
    const results = ps.map((p) => p.slice(n));
    const at = `${what}, slice ${slices} (budget ${n}, from instruction ${before}; ${rerun})`;
    if (results[0] === Exit.None) assert.equal(ps[0].cpu.icount - before, n, `${at}: a slice without an exit must retire its budget`);
    else exits++;
    for (const p of ps.slice(1)) {
      assertSame(ps[0].cpu, p.cpu, `${at} ${names[ps.indexOf(p)]}`);
      if (memory !== undefined) assert.deepEqual(memory(p), memory(ps[0]), `${at}: memory`);
    }
    assert.equal(done(ps[1]), done(ps[0]), at);
    slices++;
  }
  return { slices, exits };
}

test("hand-written program: every engine ends every slice at the same instruction (seeded random budgets)", () => {
  const rng = new Rng(seed);
  let slices = 0, exits = 0;
  for (const [sf, le] of [[true, false], [true, true], [false, false]] as const) {
    for (let round = 0; round < 6; round++) {
      const r = lockStep((e) => new Hand(sf, le, e), (p) => p.done, rng, `${sf ? 64 : 32}-bit ${le ? "LE" : "BE"} round ${round}`, (p) => p.data());
      slices += r.slices;
      exits += r.exits;
    }
    // One long slice gives the same end state as many short ones.
    const whole = new Hand(sf, le, "block");
    while (!whole.done) whole.slice(1 << 30);
    const wasm = eager(new Hand(sf, le, "wasm"));
    while (!wasm.done) wasm.slice(1 << 30);
    assertSame(whole.cpu, wasm.cpu, `one slice, block and wasm engines (${rerun})`);
    const sliced = new Hand(sf, le, "step");
    while (!sliced.done) sliced.slice(1 + rng.below(50));
    assertSame(whole.cpu, sliced.cpu, `one slice against many (${rerun})`);
  }
  // The program must really have exercised exits (faults, system calls) at many slice ends.
  assert.ok(slices > 500 && exits > 50, `only ${slices} slices with ${exits} exits`);
});

test("the branch suite's bc program through every engine, in slices of random budgets", () => {
  const rng = new Rng(seed ^ 0x5eed);
  for (const t of TARGETS) {
    const exe = diffProgram(t, bcVariants(new Rng(seed ^ 0x1234), 1), { seed });
    const done = (p: BareProcess): boolean => p.result !== undefined;
    lockStep((engine) => new BareProcess(exe, { engine }), done, rng, `bc program (${t})`);
    // The dumps (the program's output) agree too.
    const outs = ENGINE_KINDS.map((engine) => {
      const p = eager(new BareProcess(exe, { engine }));
      while (!done(p)) p.slice(1 + rng.below(300));
      assert.equal(p.result?.error, undefined, `${t} ${engine}: ${p.result?.error}`);
      return p.result?.stdout;
    });
    assert.deepEqual(outs[1], outs[0], `${t}: the step engine's dump differs from the block engine's (${rerun})`);
  }
});

test("a budget of n retires exactly n instructions, in every engine, wherever the slice starts", () => {
  for (const engine of ENGINE_KINDS) {
    const h = eager(new Hand(true, false, engine));
    const rng = new Rng(seed ^ 0xb0d9e7);
    while (!h.done) {
      const n = budget(rng);
      const before = h.cpu.icount;
      if (h.slice(n) === Exit.None) assert.equal(h.cpu.icount - before, n, `${engine} engine, budget ${n} at instruction ${before} (${rerun})`);
      else assert.ok(h.cpu.icount - before <= n, `${engine} engine: past the budget before an exit (${rerun})`);
    }
  }
});
