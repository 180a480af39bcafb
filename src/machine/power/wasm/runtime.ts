// The JavaScript side of compiled regions on one processor: instantiating a region's module with
// the processor's helpers, running it, and the helpers themselves:
//   fallback(insn, room)        run instruction `insn` of the region through its handler (room:
//                               the exact room before it, stored in the area here)
//   load(kind, lo, hi, insn)    a memory read the inline TLB probe could not do (access.ts)
//   store(kind, lo, hi, insn)   a memory write likewise
// Each returns 0 to go on, or 1 when the region must leave because an exit is recorded in the
// Cpu (a fault, sc, a trap...). The region stored the exact room in the area before the call,
// so the instruction count is exact here (the time base reads it); a helper whose instruction
// retired and exited takes it off the room, a fault leaves it (the instruction did not retire).

import { type Cpu, Exit } from "../cpu.js";
import type { Handler } from "../decode.js";
import { Access, GuestFault } from "../mmu.js";
import { faulted, illegal } from "../step-engine.js";
import { FpEnabledTrap, mayTrap, trapping } from "../fpu/trap.js";
import { Area } from "../area.js";
import { S } from "../state.js";
import { AccessKind } from "./access.js";
import type { CompiledRegion, RegionExit } from "./region.js";

type RunFn = (area: number, entry: number) => number;

/** A region instantiated for one processor. */
export interface LiveRegion {
  readonly compiled: CompiledRegion;
  readonly run: RunFn;
  /** Index of `run` in the processor's table (chaining), or -1. */
  readonly tableIndex: number;
}

export class RegionRuntime {
  readonly area: number;
  readonly table: WebAssembly.Table;
  /** Handler calls made by regions (statistics; the check harness counts native cases). */
  fallbacks = 0;
  /** Region runs started by the dispatcher (chained ones not counted: statistics). */
  runs = 0;
  /** The running slice's instruction limit (icount = limit - room). */
  private limit = 0;
  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;

  constructor(private readonly c: Cpu) {
    this.area = c.area;
    this.i32 = c.mem.i32;
    this.u8 = c.mem.bytes;
    this.table = new WebAssembly.Table({ initial: 1, element: "anyfunc" });
    this.flushJumps();
  }

  /** Next free index in the table (0 stays empty). */
  private nextIndex = 1;

  /** Empty the jump cache (area.ts) and note the code epoch it is valid in. */
  flushJumps(): void {
    const base = (this.area + Area.JUMP) >> 2;
    for (let k = 0; k < Area.JUMP_ENTRIES; k++) this.i32[base + 4 * k + 2] = -1;
    this.i32[(this.area + Area.EPOCH) >> 2] = this.c.mem.codeWords[0];
  }

  /** Forget every region's table index (all regions dropped): indices are reused. */
  resetTable(): void {
    this.flushJumps();
    this.nextIndex = 1;
  }

  /** Name (lo, hi) in `mode` as entry `entry` of `region` in the jump cache. */
  fillJump(lo: number, hi: number, mode: number, region: LiveRegion, entry: number): void {
    if (region.tableIndex < 0) return;
    const at = (this.area + Area.JUMP + 16 * ((lo >>> 2) & (Area.JUMP_ENTRIES - 1))) >> 2;
    this.i32[at] = lo;
    this.i32[at + 1] = hi;
    this.i32[at + 2] = mode | (entry << 8);
    this.i32[at + 3] = region.tableIndex;
  }

  /** Instantiate a compiled region; `fe`, `hi`: the region's FP-trap mode and high word. */
  instantiate(compiled: CompiledRegion, fe: boolean, hi: number, chained = false): LiveRegion {
    const c = this.c;
    const insns = compiled.insns;
    const handlers: Handler[] = insns.map((ins) => (ins.def === undefined ? illegal : fe && mayTrap(ins.def) ? trapping(ins.def) : ins.def.exec));
    const roomAt = (this.area + Area.ROOM) >> 2;
    const scratch = (this.area + Area.SCRATCH) >> 2;
    const i32 = this.i32;
    const nextLo = insns.map((ins) => (ins.pc + 4) | 0);
    const nextHi = nextLo.map((n) => (c.sf && n === 0 ? (hi + 1) | 0 : hi));
    const fallback = (k: number, room: number): number => {
      const ins = insns[k];
      this.fallbacks++;
      i32[roomAt] = room;
      c.icount = this.limit - room;
      c.fpc = ins.pc;
      // The fall-through PC is in place before a handler (handler contract, decode.ts).
      const r = c.r; // the running thread's state (attachState moves it)
      r[S.PC] = nextLo[k];
      r[S.PC + 1] = nextHi[k];
      try {
        handlers[k](c, ins.w, ins.pc);
      } catch (e) {
        if (e instanceof GuestFault || e instanceof FpEnabledTrap) {
          faulted(c, e, ins.pc, hi);
          return 1;
        }
        throw e;
      }
      if (c.exit !== Exit.None) {
        i32[roomAt]--;
        return 1;
      }
      return 0;
    };
    const load = (kind: number, lo: number, ahi: number, k: number): number => {
      const pc = insns[k].pc;
      c.fpc = pc;
      try {
        const size = kind & 0x1f;
        const signed = (kind & AccessKind.SIGNED) !== 0;
        let v = 0, h = 0;
        if (size === 1) v = c.ld8(lo, ahi);
        else if (size === 2) {
          v = c.ld16(lo, ahi);
          if (signed) v = (v << 16) >> 16;
        } else if (size === 4) v = c.ld32(lo, ahi);
        else if (size === 8) {
          v = c.ld64(lo, ahi);
          h = c.hi64;
        } else {
          this.read16(lo, ahi);
          return 0;
        }
        if (size !== 8) h = signed ? v >> 31 : 0;
        i32[scratch] = v;
        i32[scratch + 1] = h;
        return 0;
      } catch (e) {
        if (e instanceof GuestFault) {
          faulted(c, e, pc, hi);
          return 1;
        }
        throw e;
      }
    };
    const store = (kind: number, lo: number, ahi: number, k: number): number => {
      const pc = insns[k].pc;
      c.fpc = pc;
      try {
        const size = kind & 0x1f;
        const v = i32[scratch];
        if (size === 1) c.st8(lo, ahi, v);
        else if (size === 2) c.st16(lo, ahi, v);
        else if (size === 4) c.st32(lo, ahi, v);
        else if (size === 8) c.st64(lo, ahi, v, i32[scratch + 1]);
        else this.write16(lo, ahi);
        return 0;
      } catch (e) {
        if (e instanceof GuestFault) {
          faulted(c, e, pc, hi);
          return 1;
        }
        throw e;
      }
    };
    const mod = new WebAssembly.Module(compiled.bytes as Uint8Array<ArrayBuffer>);
    const inst = new WebAssembly.Instance(mod, { k42: { fallback, load, store, mem: c.mem.wasm, table: this.table } });
    const run = inst.exports.run as RunFn;
    let tableIndex = -1;
    if (chained) {
      tableIndex = this.nextIndex++;
      if (tableIndex >= this.table.length) this.table.grow(Math.max(16, this.table.length));
      this.table.set(tableIndex, run);
    }
    return { compiled, run, tableIndex };
  }

  /**
   * Run `region` from its block `entry` with the slice ending at icount `limit`; the count is
   * exact afterwards. Returns the region's exit code.
   */
  run(region: LiveRegion, entry: number, limit: number): RegionExit {
    const c = this.c;
    const a = this.area;
    this.limit = limit;
    this.runs++;
    this.i32[(a + Area.ROOM) >> 2] = limit - c.icount;
    this.i32[(a + Area.ABORT) >> 2] = 0;
    const code = region.run(a, entry) as RegionExit;
    c.icount = limit - this.i32[(a + Area.ROOM) >> 2];
    return code;
  }

  /** Physical addresses of the 16 bytes at (lo, hi), translated in address order (faults throw). */
  private phys16(lo: number, hi: number, access: Access): number[] {
    const c = this.c;
    const ps: number[] = [];
    for (let k = 0; k < 16; k++) {
      const a = (lo + k) | 0;
      const h = c.sf && (a >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi;
      ps.push(c.translate(a, c.sf ? h : 0, access));
    }
    return ps;
  }

  private read16(lo: number, hi: number): void {
    const ps = this.phys16(lo, hi, Access.Read);
    const s = this.area + Area.SCRATCH;
    for (let k = 0; k < 16; k++) this.u8[s + k] = this.u8[ps[k]];
  }

  private write16(lo: number, hi: number): void {
    const ps = this.phys16(lo, hi, Access.Write);
    const s = this.area + Area.SCRATCH;
    for (let k = 0; k < 16; k++) this.u8[ps[k]] = this.u8[s + k];
  }
}
