// The bring-up runner: one static PowerPC Linux program, one thread, one processor. It loads
// the executable, runs it and serves its system calls until it exits. The kernel issue turns
// this thread into a guest thread scheduled by the microkernel.

import { resolve } from "node:path";
import { OutOfMemoryError, PhysicalMemory } from "../../machine/memory.js";
import { Cpu, Exit } from "../../machine/ppc/cpu.js";
import { AlignmentFault } from "../../machine/ppc/ops/ea.js";
import { AddressSpace } from "./mm.js";
import { loadExecutable, stackTop } from "./exec.js";
import { BringupSyscalls, E, type SysContext } from "./syscalls.js";
import { FileTable } from "./files.js";

export interface RunOptions {
  /** argv[0] is the program name. */
  argv: string[];
  env?: string[];
  stdout?: (b: Uint8Array) => void;
  stderr?: (b: Uint8Array) => void;
  maxInstructions?: number;
  /** Host path of the executable (what /proc/self/exe reads). */
  exePath?: string;
  /** Verbose log (unimplemented system calls and the like). */
  log?: (msg: string) => void;
  /** Physical memory in bytes (default 1 GiB). */
  memBytes?: number;
}

export interface RunResult {
  exitCode: number;
  instructions: number;
  /** Set when the guest died on a signal-like exit (fault, illegal instruction, trap). */
  error?: string;
  /** The signal Linux would have delivered (SIGSEGV 11, SIGBUS 7, SIGILL 4, SIGTRAP 5). */
  signal?: number;
}

const SLICE = 50_000_000;

export function runProgram(image: Uint8Array, opts: RunOptions): RunResult {
  const mem = new PhysicalMemory({ bytes: opts.memBytes ?? 1 << 30, nodes: 1 });
  const as = new AddressSpace(mem);
  const cpu = new Cpu(mem);
  cpu.pt = as.pt;
  const argv = opts.argv.length > 0 ? opts.argv : ["a.out"];
  const img = loadExecutable(as, cpu, image, argv, opts.env ?? [], opts.exePath ?? argv[0]);
  const ctx: SysContext = {
    cpu, as, image: img, exePath: resolve(opts.exePath ?? argv[0]), exitCode: undefined, killedBy: undefined,
    mmapTop: stackTop(img.is64) - (16 << 20),
    files: new FileTable(img.is64),
    log: opts.log ?? (() => {}),
    write: (fd, data) => {
      if (fd === 1) (opts.stdout ?? ((b) => process.stdout.write(b)))(data);
      else if (fd === 2) (opts.stderr ?? ((b) => process.stderr.write(b)))(data);
      else return -E.EBADF; // every other descriptor is a read-only file
      return data.length;
    },
  };
  const sys = new BringupSyscalls(img.is64);
  try {
    return serve(cpu, as, ctx, sys, opts.maxInstructions ?? Infinity);
  } catch (e) {
    // Physical memory exhausted while populating a page: Linux's OOM killer sends SIGKILL.
    if (e instanceof OutOfMemoryError) return { exitCode: 128 + 9, instructions: cpu.icount, error: `out of memory (${e.message})`, signal: 9 };
    throw e;
  } finally {
    ctx.files.closeAll();
    as.destroy();
  }
}

/** Run the thread and serve its system calls until it exits or dies. */
function serve(cpu: Cpu, as: AddressSpace, ctx: SysContext, sys: BringupSyscalls, max: number): RunResult {
  for (;;) {
    if (cpu.icount >= max) return { exitCode: 128 + 9, instructions: cpu.icount, error: `instruction limit ${max} reached`, signal: 9 };
    const exit = cpu.run(Math.min(SLICE, max - cpu.icount));
    switch (exit) {
      case Exit.None:
        continue;
      case Exit.Syscall:
        sys.dispatch(ctx);
        if (ctx.exitCode !== undefined) return { exitCode: ctx.exitCode, instructions: cpu.icount };
        if (ctx.killedBy !== undefined) {
          return { exitCode: 128 + ctx.killedBy, instructions: cpu.icount, error: `killed by signal ${ctx.killedBy}`, signal: ctx.killedBy };
        }
        continue;
      case Exit.Fault:
        if (cpu.fault !== undefined && as.handleFault(cpu.fault)) continue;
        return died(cpu, cpu.fault instanceof AlignmentFault ? 7 : 11); // SIGBUS, SIGSEGV
      case Exit.Privileged:
        if (emulatePrivileged(cpu)) continue;
        return died(cpu, 4);
      case Exit.Illegal:
        return died(cpu, 4);
      case Exit.Trap:
        return died(cpu, 5);
    }
  }
}

/** Processor Version Register of the machine: POWER8 (DD2.0). */
const PVR = 0x004d0200;

/**
 * What Linux emulates on a privileged-instruction interrupt from user mode
 * (arch/powerpc/kernel/traps.c): `mfspr rD, PVR` reads the processor version.
 */
function emulatePrivileged(cpu: Cpu): boolean {
  const w = cpu.exitWord >>> 0;
  if ((w & 0xfc1fffff) === ((31 << 26) | (((287 & 31) << 16) | ((287 >> 5) << 11)) | (339 << 1)) >>> 0) {
    cpu.setGpr((w >>> 21) & 31, PVR, 0);
    cpu.exit = Exit.None; // the PC already points past the instruction
    return true;
  }
  return false;
}

function died(cpu: Cpu, signal: number): RunResult {
  return { exitCode: 128 + signal, instructions: cpu.icount, error: cpu.describeExit(), signal };
}
