// A bare-metal runner for the instruction harness: maps a static, libc-free ELF into a fresh
// address space of one processor and runs it with a two-call system interface (write to
// stdout, exit). It exists so that the processor can be tested differentially without the
// OS layers above the machine; real programs run through the Linux personality.

import { parseElf, segmentImage, PType, PFlag, EM_PPC, EM_PPC64 } from "../../elf.js";
import { PhysicalMemory, PAGE_SIZE } from "../../memory.js";
import { PageTable, Pte } from "../../pagetable.js";
import { Cpu, Exit } from "../cpu.js";
import type { EngineKind } from "../engine.js";
import { WasmEngine } from "../wasm/wasm-engine.js";
import { BlockEngine } from "../block-engine.js";
import { S } from "../state.js";

export interface BareResult {
  stdout: Uint8Array;
  exitCode: number | undefined;
  /** Set when the program stopped on anything but exit (a description of the exit). */
  error: string | undefined;
  instructions: number;
}

export interface BareOptions {
  /** Stop after this many instructions (default 2e8). */
  maxInstructions?: number;
  /** Physical memory size (default 64 MiB). */
  memBytes?: number;
  /** The execution engine (default the Cpu's default, "block"). */
  engine?: EngineKind;
  /**
   * The wasm engine's translation threshold (wasm-engine.ts hotThreshold); default 1, every
   * entry translated at first sight: bare programs are tests of the translated code.
   */
  hotThreshold?: number;
  /**
   * The block engine's translation count (block-engine.ts hotEntries); default 500, the count
   * the suites were written against: their loops run translated JavaScript blocks, not only the
   * interpreter (the engine's own default, 20,000, suits real programs' start-up).
   */
  hotEntries?: number;
}

/** A loaded bare-metal program: run it slice by slice (tests compare engines this way). */
export class BareProcess {
  readonly cpu: Cpu;
  readonly is64: boolean;
  /** Set once the program has stopped (exit, an unexpected exit kind, an unknown call). */
  result: BareResult | undefined;
  private readonly out: number[] = [];

  constructor(image: Uint8Array, opts: BareOptions = {}) {
    const elf = parseElf(image);
    if (elf.machine !== EM_PPC && elf.machine !== EM_PPC64) throw new Error("not a PowerPC ELF");
    const mem = new PhysicalMemory({ bytes: opts.memBytes ?? 64 << 20, nodes: 1 });
    const pt = new PageTable(mem);
    const cpu = new Cpu(mem, undefined, opts.engine);
    const eng = cpu.engine;
    if (eng instanceof WasmEngine) eng.hotThreshold = opts.hotThreshold ?? 1;
    if (eng instanceof BlockEngine) eng.hotEntries = opts.hotEntries ?? 500;
    this.cpu = cpu;
    this.is64 = elf.is64;
    cpu.pt = pt;
    cpu.setMode(elf.is64, elf.littleEndian);
    for (const ph of elf.phdrs) {
      if (ph.type !== PType.Load) continue;
      const prot = ((ph.flags & PFlag.R) !== 0 ? Pte.Read : 0) | ((ph.flags & PFlag.W) !== 0 ? Pte.Write : 0) | ((ph.flags & PFlag.X) !== 0 ? Pte.Exec : 0);
      const start = Math.floor(ph.vaddr / PAGE_SIZE) * PAGE_SIZE;
      const end = Math.ceil((ph.vaddr + ph.memsz) / PAGE_SIZE) * PAGE_SIZE;
      for (let va = start; va < end; va += PAGE_SIZE) {
        const existing = pt.lookup(va | 0, Math.floor(va / 4294967296));
        const pa = existing !== 0 ? existing & ~(PAGE_SIZE - 1) : mem.allocFrame();
        pt.map(va | 0, Math.floor(va / 4294967296), pa, prot | (existing & (Pte.Read | Pte.Write | Pte.Exec)));
      }
      // The file pages as Linux maps them (neighbouring bytes included), then the bss zeroing.
      const seg = segmentImage(elf, ph, PAGE_SIZE);
      const put = (at: number, data: Uint8Array): void => {
        for (let k = 0; k < data.length; ) {
          const a = at + k, page = a - (a % PAGE_SIZE);
          const pa = pt.lookup(page | 0, Math.floor(page / 4294967296)) & ~(PAGE_SIZE - 1);
          const n = Math.min(data.length - k, PAGE_SIZE - (a - page));
          mem.bytes.set(data.subarray(k, k + n), pa + (a - page));
          k += n;
        }
      };
      put(seg.va, seg.bytes);
      if (seg.zeroTo > seg.zeroFrom) put(seg.zeroFrom, new Uint8Array(seg.zeroTo - seg.zeroFrom));
    }
    let entry = elf.entry;
    if (elf.is64 && elf.abiVersion !== 2) {
      // ELFv1 (e_flags & 3 != 2, as Linux decides): e_entry is a function descriptor {entry, TOC, env}.
      const d = entry;
      entry = Number(readU64(cpu, d));
      const toc = readU64(cpu, d + 8);
      cpu.setGpr(2, Number(toc & 0xffffffffn) | 0, Number(toc >> 32n) | 0);
    } else if (elf.is64) {
      cpu.setGpr(12, entry | 0, Math.floor(entry / 4294967296));
    }
    cpu.setPc(entry | 0, Math.floor(entry / 4294967296));
  }

  /**
   * Run at most `budget` instructions and serve the system call that ends the slice, if any
   * (which may finish the program: `result` is then set). Returns how the slice ended.
   */
  slice(budget: number): Exit {
    const cpu = this.cpu;
    const exit = cpu.run(budget);
    if (exit === Exit.None) return exit;
    if (exit !== Exit.Syscall) {
      this.result = this.finish(undefined, cpu.describeExit());
      return exit;
    }
    const nr = cpu.r[0];
    if (nr === 1 || nr === 234) {
      this.result = this.finish(cpu.r[3 * 2] & 0xff, undefined);
    } else if (nr === 4) {
      const buf = cpu.readBytes(cpu.r[4 * 2], this.is64 ? cpu.r[4 * 2 + 1] : 0, cpu.r[5 * 2]);
      for (const b of buf) this.out.push(b);
      cpu.setGpr(3, buf.length, 0);
      cpu.r[S.CR] &= ~1;
    } else {
      this.result = this.finish(undefined, `unsupported system call ${nr}`);
    }
    return exit;
  }

  finish(exitCode: number | undefined, error: string | undefined): BareResult {
    return { stdout: Uint8Array.from(this.out), exitCode, error, instructions: this.cpu.icount };
  }
}

export function runBare(image: Uint8Array, opts: BareOptions = {}): BareResult {
  const maxInstructions = opts.maxInstructions ?? 2e8;
  const p = new BareProcess(image, opts);
  while (p.result === undefined && p.cpu.icount < maxInstructions) {
    if (p.slice(maxInstructions - p.cpu.icount) === Exit.None) break;
  }
  return p.result ?? p.finish(undefined, `did not exit within ${maxInstructions} instructions`);
}

function readU64(cpu: Cpu, addr: number): bigint {
  const b = cpu.readBytes(addr | 0, Math.floor(addr / 4294967296), 8);
  const dv = new DataView(b.buffer);
  return dv.getBigUint64(0, cpu.le);
}
