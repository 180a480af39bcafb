// The region compiler: a region of guest code (blocks of instructions, each a straight-line run
// ending at a branch, an exit or a page end) becomes one WebAssembly function
//
//   run(area: i32, entry: i32) -> i32     (the exit code, RegionExit)
//
// in a module that imports the machine's shared memory, a shared funcref table (chaining) and
// the JavaScript helpers of runtime.ts (handler calls, memory slow paths). The registers the
// region touches live in locals (regs.ts): two passes run the same instruction emitters (emit.ts
// contract, gen/) over the region: the first records which registers each instruction reads and
// writes and where handlers are called, the second writes the code knowing that. The prologue
// loads every register the region uses. Within a block, the second pass follows which locals
// may be newer than the state ("dirty": at a block's start every register the region writes)
// and which are older ("stale": every cached register after an instruction run by its handler,
// reloaded just before the next instruction that uses it, and before a jump to another block:
// at every block's start the locals hold every register). An exit or a handler call writes back
// the dirty ones; where nothing is stale, an exit shares one write-back of every written
// register in the epilogue instead ($outAll). An emitter's own handler call (a rare path inside
// an instruction) writes back and reloads everything it must at once, so that both paths of
// the emitter's branch agree.
//
// Shape of the function:
//
//   prologue (state address, room, registers)
//   block $out
//     block $outAll
//       loop $top
//         block $b[n-1] ... block $b0  br_table $b0..$b[n-1] (entry)  end
//         block 0: abort check, budget check, its instructions     end
//         block 1 ...
//       end
//     end
//     write back every register the region writes
//   end
//   epilogue: store room and exit code, return the code
//
// A branch to a block of the region is a `br` (forward) or sets `entry` and goes round the loop
// (backward); any other exit stores the PC in the state and leaves through $out.
//
// Budget ("room", instructions the slice has left): each block is a segment (block-codegen.ts):
// at its start the room must cover the whole block, else the region stops with the PC on the
// block's first instruction (RegionExit.Stop) and the dispatcher steps the rest; then the room
// is decremented by the block's length at once, and every exit or handler call in the middle of
// the block adds back the instructions of the block not retired at that point (a constant).

import type { OpDef } from "../decode.js";
import { OpFlag } from "../decode.js";
import { branchKind, BranchKind } from "../block-codegen.js";
import { mayTrap } from "../fpu/trap.js";
import { Area } from "../area.js";
import { type Label, FnBuilder, ModuleBuilder, Op, OpSimd, T } from "./encoder.js";
import type { AccessSize, Emit, Spr, WasmGen, Xer } from "./emit.js";
import { Slot, crSlot, gprSlot, loadSlot, slotType, sprSlot, storeSlot, vsrSlot, xerSlot } from "./regs.js";
import { type AccessCtx, emitLoad, emitLoad128, emitStore, emitStore128 } from "./access.js";

/** What a region's run returns (and leaves in the area's exit word). */
export const enum RegionExit {
  /** Left to the PC in the state (a branch out of the region, the end of its code). */
  Pc = 0,
  /** The budget does not cover the block at the PC: step its instructions (block-codegen.ts). */
  Stop = 1,
  /** An exit is recorded in the Cpu (sc, trap, fault, ...): return to the kernel. */
  Exit = 2,
}

export interface RegionInsn {
  readonly pc: number;
  readonly w: number;
  readonly def: OpDef | undefined;
}

export interface RegionBlock {
  /** Consecutive instructions (pc, pc + 4, ...). */
  readonly insns: readonly RegionInsn[];
}

export interface RegionSource {
  /** Mode of the code: 64-bit, little-endian, FP enabled-exception traps on. */
  readonly sf: boolean;
  readonly le: boolean;
  readonly fe: boolean;
  /** High word of every address of the region (a region never crosses 4 GiB). */
  readonly hi: number;
  readonly blocks: readonly RegionBlock[];
  /** Pages of shared memory (the imported memory's size). */
  readonly memPages: number;
  /**
   * Block starts (low words, in `hi`) an indirect branch of the region may go to — the return
   * points after its calls, a predicted CTR target (wasm-engine.ts): an indirect branch compares
   * its target with each and jumps there inside the region; any other target leaves.
   */
  readonly targets?: readonly number[];
  /** The address it was formed from (its name in profiles). */
  readonly entry?: number;
  /**
   * Chaining (wasm-engine.ts): the region's mode bits (Cpu.modeBits) and the byte address of
   * the machine's code epoch (PhysicalMemory.codeWords[0]); without them exits always return.
   */
  readonly chain?: { readonly mode: number; readonly epochAddr: number };
}

export interface CompiledRegion {
  readonly bytes: Uint8Array;
  /** Every instruction of the region, in block order (a handler call names its index here). */
  readonly insns: readonly RegionInsn[];
  /** Per instruction: emitted natively (its emitter returned true). */
  readonly native: readonly boolean[];
}

/** Import indices of the helpers (runtime.ts binds them). */
export const enum Helper {
  Fallback = 0,
  Load = 1,
  Store = 2,
}

/** The import names, in Helper order. */
export const HELPER_NAMES = ["fallback", "load", "store"] as const;

const PC_OFF = 0x510;

export function compileRegion(src: RegionSource, gens: ReadonlyMap<string, WasmGen>): CompiledRegion {
  return new RegionCompiler(src, gens).compile();
}

class RegionCompiler implements Emit, AccessCtx {
  f: FnBuilder;
  readonly sf: boolean;
  readonly le: boolean;
  w = 0;
  pc = 0;
  pcHi = 0;

  // ---- region-wide ----
  private readonly insns: RegionInsn[] = [];
  private readonly native: boolean[] = [];
  private readonly blockOf = new Map<number, number>();
  private readonly read = new Uint8Array(Slot.COUNT);
  private readonly written = new Uint8Array(Slot.COUNT);
  /** VSR n (< 32) used only through fpr/fprBits. */
  private readonly vsrWhole = new Uint8Array(64);
  private readonly local = new Int32Array(Slot.COUNT).fill(-1);
  private readonly types: T[] = new Array<T>(Slot.COUNT).fill(T.i32);
  private scanning = true;
  /** Per instruction: the slots its code uses (first pass). */
  private readonly uses: number[][] = [];
  /** Second pass, within a block: locals newer than the state, locals older than it. */
  private readonly dirty = new Uint8Array(Slot.COUNT);
  private readonly stale = new Uint8Array(Slot.COUNT);
  private staleCount = 0;

  // ---- function locals and labels (pass 2) ----
  readonly ctl = 0;
  private readonly entry = 1;
  private st = -1;
  private room = -1;
  private code = -1;
  private out: Label | undefined;
  private outAll: Label | undefined;
  private top: Label | undefined;
  private blockLabels: Label[] = [];
  private runType = 0;

  // ---- the instruction being emitted ----
  insn = 0;
  private def: OpDef | undefined;
  /** Index of the current block, its length and the instruction's position in it. */
  private blk = 0;
  private blkLen = 0;
  private pos = 0;
  private temps = new Map<T, number[]>();
  private tempNext = new Map<T, number>();

  readonly slowLoad = Helper.Load;
  readonly slowStore = Helper.Store;

  constructor(private readonly src: RegionSource, private readonly gens: ReadonlyMap<string, WasmGen>) {
    this.sf = src.sf;
    this.le = src.le;
    this.f = new FnBuilder([T.i32, T.i32], [T.i32]);
    src.blocks.forEach((b, i) => {
      if (b.insns.length === 0) throw new Error("region: empty block");
      this.blockOf.set(b.insns[0].pc, i);
      for (const ins of b.insns) {
        this.insns.push(ins);
        this.native.push(false);
      }
    });
  }

  compile(): CompiledRegion {
    // Pass 1: which registers, which handler calls.
    this.scanning = true;
    this.eachInsn(() => {
      this.f = new FnBuilder([T.i32, T.i32], [T.i32]);
      this.resetTemps();
      this.uses.push([]);
      this.emitInsn();
    });
    // Pass 2.
    this.scanning = false;
    const m = new ModuleBuilder();
    m.importFunc("k42", HELPER_NAMES[Helper.Fallback], [T.i32, T.i32], [T.i32]);
    m.importFunc("k42", HELPER_NAMES[Helper.Load], [T.i32, T.i32, T.i32, T.i32], [T.i32]);
    m.importFunc("k42", HELPER_NAMES[Helper.Store], [T.i32, T.i32, T.i32, T.i32], [T.i32]);
    m.importSharedMemory("k42", "mem", this.src.memPages);
    m.importTable("k42", "table", 1);
    this.runType = m.type([T.i32, T.i32], [T.i32]);
    const fn = m.func([T.i32, T.i32], [T.i32]);
    this.f = fn.body;
    this.resetTemps();
    this.emitFunction();
    m.exportFunc("run", fn.index);
    // Named by its entry's address (else its first block's; hex), as CPU profiles then show it.
    const first = this.src.entry ?? this.src.blocks[0]?.insns[0]?.pc ?? 0;
    m.nameFunc(fn.index, `region_${(this.src.hi >>> 0).toString(16)}_${(first >>> 0).toString(16)}`);
    return { bytes: m.bytes(), insns: this.insns, native: this.native };
  }

  private eachInsn(body: () => void): void {
    let k = 0;
    this.src.blocks.forEach((b, i) => {
      this.blk = i;
      this.blkLen = b.insns.length;
      b.insns.forEach((ins, j) => {
        this.insn = k++;
        this.pos = j;
        this.w = ins.w;
        this.pc = ins.pc;
        this.pcHi = this.src.hi;
        this.def = ins.def;
        body();
      });
    });
  }

  private emitFunction(): void {
    const f = this.f;
    this.st = f.local(T.i32);
    this.room = f.local(T.i32);
    this.code = f.local(T.i32);
    for (let s = 0; s < Slot.COUNT; s++) {
      if (this.read[s] === 0 && this.written[s] === 0) continue;
      const t = slotType(s, s >= Slot.VSR && s < Slot.VSR + 32 && this.vsrWhole[s - Slot.VSR] === 0);
      this.types[s] = t;
      this.local[s] = f.local(t);
    }
    // Prologue.
    f.get(this.ctl).mem(Op.i32_load, Area.STATE, 2).set(this.st);
    f.get(this.ctl).mem(Op.i32_load, Area.ROOM, 2).set(this.room);
    this.reload();
    this.out = f.block();
    this.outAll = f.block();
    this.top = f.loop();
    const n = this.src.blocks.length;
    const labels: Label[] = new Array<Label>(n);
    for (let i = n - 1; i >= 0; i--) labels[i] = f.block();
    this.blockLabels = labels;
    f.get(this.entry).brTable(labels, labels[0]);
    let k = 0;
    this.src.blocks.forEach((b, i) => {
      f.end(); // $b_i: block i's code follows
      this.blk = i;
      this.blkLen = b.insns.length;
      // At a block's start the locals hold every register; the state may be older.
      for (let s = 0; s < Slot.COUNT; s++) {
        this.dirty[s] = this.written[s];
        this.stale[s] = 0;
      }
      this.staleCount = 0;
      const first = b.insns[0].pc;
      // A store may have invalidated this region's code: leave before running any of it.
      f.get(this.ctl).mem(Op.i32_load, Area.ABORT, 2).if_();
      this.leave(RegionExit.Pc, 0, [first, this.src.hi]);
      f.end();
      f.get(this.room).i32(b.insns.length).op(Op.i32_lt_s).if_();
      f.get(this.ctl).i32((b.insns[b.insns.length - 1].pc + 4) | 0).mem(Op.i32_store, Area.STOP_END, 2);
      this.leave(RegionExit.Stop, 0, [first, this.src.hi]);
      f.end();
      f.get(this.room).i32(b.insns.length).op(Op.i32_sub).set(this.room);
      b.insns.forEach((ins, j) => {
        this.insn = k++;
        this.pos = j;
        this.w = ins.w;
        this.pc = ins.pc;
        this.pcHi = this.src.hi;
        this.def = ins.def;
        this.resetTemps();
        this.refresh(this.uses[this.insn]);
        this.emitInsn();
      });
      // Fall-through after the block's last instruction.
      const last = b.insns[b.insns.length - 1].pc;
      const [nlo, nhi] = this.nextOf(last);
      this.jump(nlo, nhi, true);
    });
    f.end(); // loop
    f.end(); // $outAll
    this.writeBack(this.written);
    f.end(); // $out
    // Epilogue.
    if (this.src.chain !== undefined) this.chainExit(this.src.chain.mode, this.src.chain.epochAddr);
    f.get(this.ctl).get(this.room).mem(Op.i32_store, Area.ROOM, 2);
    f.get(this.ctl).get(this.code).mem(Op.i32_store, Area.EXIT, 2);
    f.get(this.code);
  }

  /**
   * Leaving to the PC in the state (RegionExit.Pc): if the jump cache names a region for it
   * (same mode), the code epoch is the one the cache was filled in and no store aborted, go on
   * there with a tail call through the table instead of returning to the dispatcher. The
   * registers are written back already; the room goes through the area.
   */
  private chainExit(mode: number, epochAddr: number): void {
    const f = this.f;
    const lo = this.temp(T.i32), slot = this.temp(T.i32), word = this.temp(T.i32);
    f.get(this.code).op(Op.i32_eqz);
    f.get(this.ctl).mem(Op.i32_load, Area.ABORT, 2).op(Op.i32_eqz).op(Op.i32_and);
    f.i32(epochAddr).mem(Op.i32_load, 0, 2).get(this.ctl).mem(Op.i32_load, Area.EPOCH, 2).op(Op.i32_eq).op(Op.i32_and);
    f.if_();
    // slot = area + 16 * ((pc >>> 2) & 1023)
    f.get(this.st).mem(Op.i32_load, PC_OFF, 2).tee(lo).i32(2).op(Op.i32_shl).i32((Area.JUMP_ENTRIES - 1) << 4).op(Op.i32_and).get(this.ctl).op(Op.i32_add).set(slot);
    f.get(slot).mem(Op.i32_load, Area.JUMP, 2).get(lo).op(Op.i32_eq);
    f.get(slot).mem(Op.i32_load, Area.JUMP + 4, 2).get(this.st).mem(Op.i32_load, PC_OFF + 4, 2).op(Op.i32_eq).op(Op.i32_and);
    f.get(slot).mem(Op.i32_load, Area.JUMP + 8, 2).tee(word).i32(0xff).op(Op.i32_and).i32(mode).op(Op.i32_eq).op(Op.i32_and);
    f.if_();
    f.get(this.ctl).get(this.room).mem(Op.i32_store, Area.ROOM, 2);
    f.get(this.ctl).get(word).i32(8).op(Op.i32_shr_u);
    f.get(slot).mem(Op.i32_load, Area.JUMP + 12, 2);
    f.returnCallIndirect(this.runType);
    f.end();
    f.end();
  }

  /** The address after the instruction at (lo) in this region. */
  private nextOf(lo: number): [number, number] {
    const next = (lo + 4) | 0;
    return [next, this.sf && next === 0 ? (this.src.hi + 1) | 0 : this.src.hi];
  }

  private emitInsn(): void {
    const d = this.def;
    const gen = d === undefined || (this.src.fe && mayTrap(d)) ? undefined : this.gens.get(d.mnemonic);
    if (gen !== undefined) {
      const before = this.f.code.length;
      if (gen(this)) {
        if (!this.scanning) this.native[this.insn] = true;
        return;
      }
      if (this.f.code.length !== before) throw new Error(`region: emitter of ${d?.mnemonic} wrote code and returned false`);
    }
    this.handlerCall(false);
  }

  // ---- temps ----

  private resetTemps(): void {
    this.tempNext.clear();
  }

  temp(t: T): number {
    let pool = this.temps.get(t);
    if (pool === undefined || this.scanning) {
      if (this.scanning) return this.f.local(t);
      pool = [];
      this.temps.set(t, pool);
    }
    const i = this.tempNext.get(t) ?? 0;
    this.tempNext.set(t, i + 1);
    if (i === pool.length) pool.push(this.f.local(t));
    return pool[i];
  }

  // ---- registers ----

  private get(s: number): void {
    if (this.scanning) {
      this.read[s] = 1;
      this.uses[this.insn].push(s);
      return;
    }
    if (this.stale[s] !== 0) throw new Error(`region: slot ${s} used stale (not among the instruction's uses)`);
    const l = this.local[s];
    if (l < 0) throw new Error(`region: slot ${s} not seen by the first pass`);
    this.f.get(l);
  }

  private put(s: number): void {
    if (this.scanning) {
      this.written[s] = 1;
      this.uses[this.insn].push(s);
      this.f.op(Op.drop);
      return;
    }
    const l = this.local[s];
    if (l < 0) throw new Error(`region: slot ${s} not seen by the first pass`);
    if (this.stale[s] !== 0) throw new Error(`region: slot ${s} written stale`);
    this.f.set(l);
    this.dirty[s] = 1;
  }

  gpr(n: number): void {
    this.get(gprSlot(n));
  }
  setGpr(n: number): void {
    this.put(gprSlot(n));
  }
  cr(n: number): void {
    this.get(crSlot(n));
  }
  setCr(n: number): void {
    this.put(crSlot(n));
  }
  xer(b: Xer): void {
    this.get(xerSlot(b));
  }
  setXer(b: Xer): void {
    this.put(xerSlot(b));
  }
  xerBc(): void {
    this.get(Slot.XER_BC);
  }
  setXerBc(): void {
    this.put(Slot.XER_BC);
  }
  spr(s: Spr): void {
    this.get(sprSlot(s));
  }
  setSpr(s: Spr): void {
    this.put(sprSlot(s));
  }
  fpscr(): void {
    this.get(Slot.FPSCR);
  }
  setFpscr(): void {
    this.put(Slot.FPSCR);
  }
  fpscrHi(): void {
    this.get(Slot.FPSCR_HI);
  }
  setFpscrHi(): void {
    this.put(Slot.FPSCR_HI);
  }
  vscr(): void {
    this.get(Slot.VSCR);
  }
  setVscr(): void {
    this.put(Slot.VSCR);
  }

  fpr(n: number): void {
    const s = vsrSlot(n);
    if (this.scanning) this.read[s] = 1;
    this.get(s);
    if (!this.scanning && this.types[s] === T.v128) this.f.simdLane(OpSimd.f64x2_extract_lane, 0);
  }
  setFpr(n: number): void {
    const s = vsrSlot(n);
    if (this.scanning) {
      // A partial write of a v128 local reads it: load it at entry in any case.
      this.read[s] = 1;
    }
    if (!this.scanning && this.types[s] === T.v128) {
      const t = this.temp(T.f64);
      if (this.stale[s] !== 0) throw new Error(`region: slot ${s} written stale`);
      this.f.set(t).get(this.local[s]).get(t).simdLane(OpSimd.f64x2_replace_lane, 0).set(this.local[s]);
      this.dirty[s] = 1;
      return;
    }
    this.put(s);
  }
  fprBits(n: number): void {
    this.fpr(n);
    this.f.op(Op.i64_reinterpret_f64);
  }
  setFprBits(n: number): void {
    this.f.op(Op.f64_reinterpret_i64);
    this.setFpr(n);
  }
  vsr(n: number): void {
    if (n < 32) this.vsrWhole[n] = 1;
    this.get(vsrSlot(n));
  }
  setVsr(n: number): void {
    if (n < 32) this.vsrWhole[n] = 1;
    this.put(vsrSlot(n));
  }

  // Liveness: not analysed yet; every flag is live.
  crLive(): boolean {
    return true;
  }
  xerLive(): boolean {
    return true;
  }
  fpscrLive(): boolean {
    return true;
  }

  /** Write back the registers of `set` (a flag per slot). */
  private writeBack(set: Uint8Array): void {
    for (let s = 0; s < Slot.COUNT; s++) if (set[s] !== 0) storeSlot(this.f, this.st, s, this.types[s], this.local[s]);
  }

  /** Load every register the region caches (the prologue, after an emitter's handler call). */
  private reload(): void {
    for (let s = 0; s < Slot.COUNT; s++) {
      if (this.local[s] < 0) continue;
      loadSlot(this.f, this.st, s, this.types[s]);
      this.f.set(this.local[s]);
    }
  }

  /** Reload the stale registers among `slots` (all stale ones when undefined). */
  private refresh(slots?: readonly number[]): void {
    if (this.staleCount === 0) return;
    const one = (s: number): void => {
      if (this.stale[s] === 0) return;
      loadSlot(this.f, this.st, s, this.types[s]);
      this.f.set(this.local[s]);
      this.stale[s] = 0;
      this.staleCount--;
    };
    if (slots !== undefined) for (const s of slots) one(s);
    else for (let s = 0; s < Slot.COUNT; s++) one(s);
  }

  /** Go to the epilogue, writing back what this point needs. */
  private toEpilogue(): void {
    const f = this.f;
    if (this.out === undefined || this.outAll === undefined) throw new Error("region: exit outside the function");
    if (this.staleCount === 0) {
      // Every local holds its register: the shared write-back of all written ones is right.
      f.br(this.outAll);
      return;
    }
    this.writeBack(this.dirty);
    f.br(this.out);
  }

  // ---- memory ----

  ea32(ea: number): void {
    if (this.sf) return;
    this.f.get(ea).i64(0xffffffff).op(Op.i64_and).set(ea);
  }

  load(size: AccessSize, ea: number, signed = false): void {
    if (this.scanning) {
      this.f.i64(0);
      return;
    }
    emitLoad(this, size, ea, signed);
  }

  store(size: AccessSize, ea: number, value: number): void {
    if (this.scanning) return;
    emitStore(this, size, ea, value);
  }

  load128(ea: number, aligned: boolean): void {
    if (this.scanning) {
      this.f.v128Const(new Array<number>(16).fill(0));
      return;
    }
    emitLoad128(this, ea, aligned);
  }

  store128(ea: number, value: number, aligned: boolean): void {
    if (this.scanning) return;
    emitStore128(this, ea, value, aligned);
  }

  /** Instructions of the current block not retired when the current one has not. */
  private pending(retired: boolean): number {
    return this.blkLen - this.pos - (retired ? 1 : 0);
  }

  faultExit(): void {
    this.leave(RegionExit.Exit, this.pending(false));
  }

  // ---- control ----

  /**
   * Leave the region: add `pending` back to the room, store the PC (when given) and the exit
   * code, go to the epilogue.
   */
  private leave(code: RegionExit, pending: number, pc?: [number, number]): void {
    const f = this.f;
    if (pending !== 0) f.get(this.room).i32(pending).op(Op.i32_add).set(this.room);
    if (pc !== undefined) f.get(this.st).i64Halves(pc[1], pc[0]).mem(Op.i64_store, PC_OFF, 3);
    f.i32(code).set(this.code);
    this.toEpilogue();
  }

  /** Go to (lo, hi) after the current instruction retired: a block of the region, or out. */
  private jump(lo: number, hi: number, fallThrough = false): void {
    const b = hi === this.src.hi ? this.blockOf.get(lo) : undefined;
    const pending = fallThrough ? 0 : this.pending(true);
    if (b === undefined) {
      this.leave(RegionExit.Pc, pending, [lo, hi]);
      return;
    }
    // The rest of this block did not run: its instructions go back to the room.
    if (pending !== 0) this.f.get(this.room).i32(pending).op(Op.i32_add).set(this.room);
    // Every block starts with every register in its local.
    if (this.staleCount !== 0) {
      if (this.scanning) throw new Error("region: jump while scanning");
      this.refreshAllKeepingState();
    }
    if (b > this.blk) {
      if (!(fallThrough && b === this.blk + 1 && pending === 0)) this.f.br(this.blockLabels[b]);
      return;
    }
    if (this.top === undefined) throw new Error("region: jump outside the function");
    this.f.i32(b).set(this.entry).br(this.top);
  }

  branch(lo: number, hi: number): void {
    if (this.scanning) return;
    this.jump(lo, hi);
  }

  branchIf(lo: number, hi: number): void {
    if (this.scanning) {
      this.f.op(Op.drop);
      return;
    }
    this.f.if_();
    this.jump(lo, hi);
    this.f.end();
  }

  branchIndirect(): void {
    if (this.scanning) {
      this.f.op(Op.drop);
      return;
    }
    const t = this.temp(T.i64);
    this.f.set(t);
    // A target that is a block of the region (a return into it, a predicted call) is a jump.
    for (const lo of this.src.targets ?? []) {
      if (!this.blockOf.has(lo)) continue;
      this.f.get(t).i64Halves(this.src.hi, lo).op(Op.i64_eq);
      this.branchIf(lo, this.src.hi);
    }
    this.f.get(this.st).get(t).mem(Op.i64_store, PC_OFF, 3);
    this.leave(RegionExit.Pc, this.pending(true));
  }

  /** An emitter's handler call (a rare path inside its instruction). */
  fallback(): void {
    this.handlerCall(true);
  }

  /**
   * Run the current instruction through its handler. `nested`: called by an emitter, maybe on
   * one path of its own branch: the dirty registers are written back and every cached one
   * reloaded at once, the tracking left as it was (true of both paths). Else (the whole instruction): the dirty registers
   * are written back and every cached one becomes stale, reloaded when next used.
   */
  private handlerCall(nested: boolean): void {
    if (this.scanning) return;
    const f = this.f;
    this.writeBack(this.dirty);
    // The helper stores the exact room (this instruction not retired) and the fall-through PC.
    const [nlo, nhi] = this.nextOf(this.pc);
    const status = this.temp(T.i32);
    const p = this.pending(false);
    f.i32(this.insn).get(this.room);
    if (p !== 0) f.i32(p).op(Op.i32_add);
    f.call(Helper.Fallback).set(status);
    if (nested) {
      // Only this path of the emitter's branch runs the handler: the tracking must stay true of
      // the other path too, so it is left as it was (a stale register reloaded here is
      // reloaded again when next used: harmless).
      this.reload();
    } else {
      this.dirty.fill(0);
      this.staleCount = 0;
      for (let s = 0; s < Slot.COUNT; s++) {
        this.stale[s] = this.local[s] >= 0 ? 1 : 0;
        this.staleCount += this.stale[s];
      }
    }
    const saved = this.saveTracking();
    f.get(status).if_();
    // The helper left the exact room in the area (the instruction retired or not).
    f.get(this.ctl).mem(Op.i32_load, Area.ROOM, 2).set(this.room);
    f.i32(RegionExit.Exit).set(this.code);
    this.toEpilogue();
    f.end();
    this.restoreTracking(saved);
    const d = this.def;
    const mayBranch = d === undefined || branchKind(this.w) !== BranchKind.None || ((d.flags ?? 0) & OpFlag.EndsBlock) !== 0;
    if (mayBranch) {
      // A handler that may branch: leave if the PC is not the fall-through.
      f.get(this.st).mem(Op.i64_load, PC_OFF, 3).i64Halves(nhi, nlo).op(Op.i64_ne).if_();
      const saved2 = this.saveTracking();
      this.leave(RegionExit.Pc, this.pending(true));
      this.restoreTracking(saved2);
      f.end();
    }
  }

  /** Reload every stale register (before a jump), leaving the tracking as it was for the code after it. */
  private refreshAllKeepingState(): void {
    const saved = this.saveTracking();
    this.refresh();
    this.restoreTracking(saved);
  }

  private saveTracking(): { dirty: Uint8Array; stale: Uint8Array; staleCount: number } {
    return { dirty: this.dirty.slice(), stale: this.stale.slice(), staleCount: this.staleCount };
  }

  private restoreTracking(t: { dirty: Uint8Array; stale: Uint8Array; staleCount: number }): void {
    this.dirty.set(t.dirty);
    this.stale.set(t.stale);
    this.staleCount = t.staleCount;
  }
}
