// One PowerPC processor executing user-mode code for a guest thread. It runs until the thread
// traps (sc, a trap instruction, an illegal instruction, a storage fault) or its instruction
// budget is used; then control returns to the kernel on the same processor with `exit` set.
// An execution engine (engine.ts: the block engine by default, or the step engine) does the
// executing; the state, the TLBs, the count and the exit record are the processor's.

import type { PhysicalMemory } from "../memory.js";
import { assertNever } from "../assert.js";
import { hex, type PageTable } from "../pagetable.js";
import { describeWord } from "./decode.js";
import type { EngineKind, ExecutionEngine } from "./engine.js";
import { BlockEngine } from "./block-engine.js";
import { StepEngine } from "./step-engine.js";
import { WasmEngine } from "./wasm/wasm-engine.js";
import { CodeCache } from "./codecache.js";
import { Access, GuestFault, GuestMemory } from "./mmu.js";
import { Mode, S, STATE_BYTES } from "./state.js";
import { MODE_FE } from "./fpu/trap.js";
import { AREA_FRAMES, Area } from "./area.js";

export const enum Exit {
  /** Still running (or the budget ran out: check exit === None after run()). */
  None = 0,
  /** `sc`: a system call; PC is the next instruction. */
  Syscall = 1,
  /** A trap instruction fired; exitPc is its address. */
  Trap = 2,
  /** An instruction the core does not implement; exitPc/exitWord say which. */
  Illegal = 3,
  /** A storage fault; `fault` has the details, exitPc the instruction. */
  Fault = 4,
  /** A privileged instruction or SPR in problem state; exitPc/exitWord say which. */
  Privileged = 5,
  /**
   * A floating-point enabled exception (program interrupt, fpu/trap.ts): as a fault, the
   * instruction did not retire and the PC is on it (exitPc); the FPSCR says which exception.
   */
  FpEnabled = 6,
}

/** Source of the time base (mftb): a 64-bit tick count as a JS number. */
export type TimeBase = (c: Cpu) => number;

/** Virtual time base: one tick per two instructions retired (the machine's virtual clock). */
export const virtualTimeBase: TimeBase = (c) => Math.floor(c.icount / 2);

export class Cpu extends GuestMemory {
  /** The architectural state as int32 words (indices in state.ts `S`). */
  r: Int32Array;
  /** The same bytes as doubles (FPR n at fprIndex(n)). */
  f: Float64Array;
  /** The state block's physical address (the guest thread this processor runs). */
  stateAddr: number;
  /**
   * Mode of the state: bit 0 64-bit, bit 1 little-endian, bit 2 (MODE_FE) FP enabled-exception
   * traps on, i.e. MSR[FE0 FE1] != 0 (the code cache's mode key).
   */
  modeBits = 0;
  /** The state's MSR[FE0 FE1] word when the mode was last read (S.FE). */
  private feSeen = 0;
  /** Set where an FP instruction sets FEX for an exception occurring now (fpu/trap.ts). */
  fpNow = 0;
  /** Address space whose translations the TLBs hold (0: none). */
  space = 0;
  /** The engine executing this processor's code (engine.ts); switch with `engineKind`. */
  private eng: ExecutionEngine;
  /** Guest instructions retired (all exits included). */
  icount = 0;
  /**
   * The current run's instruction limit, for code that loops inside one call (a block looping
   * on itself) and must return in time; -1 asks such code to return at once (code written).
   */
  limit = 0;
  exit: Exit = Exit.None;
  exitPc = 0;
  exitPcHi = 0;
  exitWord = 0;
  fault: GuestFault | undefined;
  /** High word of the last effective address computed by ops/ea.ts. */
  eah = 0;
  /** PC of the memory instruction being executed (set by generated code; for fault reports). */
  fpc = 0;
  timeBase: TimeBase = virtualTimeBase;
  /** Physical address of this processor's area (area.ts), 0 until first asked for. */
  private areaAddr = 0;

  constructor(mem: PhysicalMemory, stateAddr?: number, kind: EngineKind = "block") {
    super(mem);
    this.stateAddr = stateAddr ?? mem.allocContiguous(1);
    this.r = new Int32Array(mem.buffer, this.stateAddr, STATE_BYTES >> 2);
    this.f = new Float64Array(mem.buffer, this.stateAddr, STATE_BYTES >> 3);
    // Whatever the engine, this processor's stores must see frames that any processor of the
    // host thread translated as code (its write TLB then drops them), so it registers here.
    CodeCache.of(mem).register(this);
    this.eng = makeEngine(this, kind);
    this.codeWatcher = this.eng;
    this.syncMode();
  }

  /**
   * This processor's area in physical memory (area.ts: TLBs and the translator's control
   * block), allocated on first use; the TLBs move there with their contents.
   */
  get area(): number {
    if (this.areaAddr === 0) {
      const a = this.mem.allocContiguous(AREA_FRAMES, this.node);
      const buf = this.mem.buffer;
      this.rtlb.place(buf, a + Area.RTLB_TAGLO, a + Area.RTLB_TAGHI, a + Area.RTLB_PHYS);
      this.wtlb.place(buf, a + Area.WTLB_TAGLO, a + Area.WTLB_TAGHI, a + Area.WTLB_PHYS);
      this.mem.i32[(a + Area.STATE) >> 2] = this.stateAddr;
      this.areaAddr = a;
    }
    return this.areaAddr;
  }

  get engine(): ExecutionEngine {
    return this.eng;
  }

  get engineKind(): EngineKind {
    return this.eng.kind;
  }

  /**
   * Execute with another engine from now on (between runs). Nothing but speed changes: the
   * state, the TLBs and the instruction count are the processor's, not the engine's.
   */
  set engineKind(kind: EngineKind) {
    if (kind === this.eng.kind) return;
    this.eng = makeEngine(this, kind);
    this.codeWatcher = this.eng;
  }

  /** Re-read the mode word of the state (after loading or migrating a state). */
  syncMode(): void {
    const m = this.r[S.MODE];
    this.sf = (m & Mode.SF) !== 0;
    this.le = (m & Mode.LE) !== 0;
    this.feSeen = this.r[S.FE];
    this.modeBits = (this.sf ? 1 : 0) | (this.le ? 2 : 0) | (this.feSeen !== 0 ? MODE_FE : 0);
  }

  /**
   * Set MSR[FE0 FE1] (PR_SET_FPEXC): `fe` is the 2-bit mode, FE0 in bit 1 and FE1 in bit 0
   * (Linux's PR_FP_EXC_* values). Nonzero: FP enabled exceptions interrupt (precise).
   */
  setFpExceptionMode(fe: number): void {
    this.r[S.FE] = fe & 3;
    this.syncMode();
  }

  /** Set the 64-bit and byte-order modes (MSR[SF], MSR[LE]); FE0/FE1 stay as they are. */
  setMode(sixtyFour: boolean, littleEndian: boolean): void {
    this.r[S.MODE] = (sixtyFour ? Mode.SF : 0) | (littleEndian ? Mode.LE : 0);
    this.syncMode();
  }

  /**
   * Point this processor at another guest thread's state block (a context switch or a
   * migration is nothing more). The load reservation is the thread's and goes with it.
   */
  attachState(stateAddr: number): void {
    if (stateAddr === this.stateAddr) return;
    this.stateAddr = stateAddr;
    this.r = new Int32Array(this.mem.buffer, stateAddr, STATE_BYTES >> 2);
    this.f = new Float64Array(this.mem.buffer, stateAddr, STATE_BYTES >> 3);
    if (this.areaAddr !== 0) this.mem.i32[(this.areaAddr + Area.STATE) >> 2] = stateAddr;
    this.syncMode();
  }

  /** Run in address space `id` with page table `pt`: a different space flushes the TLBs. */
  attachSpace(id: number, pt: PageTable | undefined): void {
    if (id === this.space && pt === this.pt) return;
    this.space = id;
    this.pt = pt;
    this.flushTlb();
  }

  /** Forget every translation (TLBs and the engine's recently-run table). */
  override flushTlb(): void {
    super.flushTlb();
    this.eng.flushSlots();
  }

  /**
   * Run until an exit or until exactly `budget` more instructions have retired (in every
   * engine: where a slice ends is the program's and the budget's, never the engine's).
   */
  run(budget: number): Exit {
    this.exit = Exit.None;
    // FE0/FE1 may have been changed in the state by another processor (a system call shipped
    // to the process's home): one comparison per run, none per instruction.
    if (this.r[S.FE] !== this.feSeen) this.syncMode();
    this.eng.run(this.icount + budget);
    return this.exit;
  }

  /** icbi: drop the translations of the page holding (lo, hi), if any (the ld32 before checked access). */
  invalidateCodeAt(lo: number, hi: number): void {
    let p: number;
    try {
      p = this.translate(lo, hi, Access.Read);
    } catch (e) {
      if (e instanceof GuestFault) return;
      throw e;
    }
    this.eng.codeWritten(p >>> 12);
  }

  // ---- helpers shared by handlers ----

  /** CR0 from a result (signed compare with 0 in the current mode) and XER.SO. */
  setCR0(lo: number, hi: number): void {
    let v: number;
    if (this.sf) v = hi < 0 ? 8 : hi > 0 || lo !== 0 ? 4 : 2;
    else v = lo < 0 ? 8 : lo > 0 ? 4 : 2;
    this.r[S.CR] = v | this.r[S.SO];
  }

  /** Set XER.OV and OV32 to `ov` (0/1) and SO if set. */
  setOV(ov: number, ov32: number): void {
    this.r[S.OV] = ov;
    this.r[S.OV32] = ov32;
    if (ov !== 0) this.r[S.SO] = 1;
  }

  setGpr(n: number, lo: number, hi: number): void {
    this.r[n * 2] = lo;
    this.r[n * 2 + 1] = hi;
  }

  setPc(lo: number, hi: number): void {
    this.r[S.PC] = lo;
    this.r[S.PC + 1] = this.sf ? hi : 0;
  }

  /** Record an exit at instruction `pc` (used by handlers; the PC already holds pc + 4). */
  stop(kind: Exit, pc: number, w: number): void {
    this.exit = kind;
    this.exitPc = pc;
    // The PC holds pc + 4 here; its high word is pc's except when pc + 4 crossed 4 GiB.
    const nhi = this.r[S.PC + 1];
    this.exitPcHi = pc === -4 && this.sf ? (nhi - 1) | 0 : nhi;
    this.exitWord = w;
  }

  /** One-line description of the last exit. */
  describeExit(): string {
    const at = hex(this.exitPcHi, this.exitPc);
    switch (this.exit) {
      case Exit.None:
        return "running";
      case Exit.Syscall:
        return `system call ${this.r[0]} at ${at}`;
      case Exit.Trap:
        return `trap at ${at}`;
      case Exit.Illegal:
        return `illegal instruction at ${at}: ${describeWord(this.exitWord)}`;
      case Exit.Privileged:
        return `privileged instruction at ${at}: ${describeWord(this.exitWord)}`;
      case Exit.Fault:
        return `storage fault at ${at}: ${this.fault?.message ?? "?"}`;
      case Exit.FpEnabled:
        return `floating-point enabled exception at ${at} (FPSCR 0x${(this.r[S.FPSCR] >>> 0).toString(16).padStart(8, "0")})`;
    }
  }
}

function makeEngine(c: Cpu, kind: EngineKind): ExecutionEngine {
  switch (kind) {
    case "block":
      return new BlockEngine(c);
    case "step":
      return new StepEngine(c);
    case "wasm":
      return new WasmEngine(c);
    default:
      return assertNever(kind);
  }
}
