// Why an execve failed, in words: the loader's one error class. Each carries the errno Linux's
// execve would return for the same file (ENOEXEC for a file that is not a PowerPC program,
// ELIBBAD for a bad interpreter, the interpreter lookup's own errno when it cannot be opened,
// EINVAL or EEXIST where Linux's mmap of a segment would fail) and a one-line message naming the
// problem, which the command line prints as it is.

import { E, errnoName } from "../errno.js";

export class ExecError extends Error {
  constructor(readonly errno: number, message: string) {
    super(message.replace(/\s*\n\s*/g, " "));
    this.name = "ExecError";
  }
}

/** The file is not something this kernel can execute (ENOEXEC). */
export const noexec = (message: string): ExecError => new ExecError(E.ENOEXEC, message);

/** The dynamic linker named by PT_INTERP is unusable (ELIBBAD, as Linux). */
export const badInterp = (path: string, why: string): ExecError => new ExecError(E.ELIBBAD, `ELF interpreter ${path}: ${why}`);

/** The dynamic linker could not be opened: the lookup's own errno (ENOENT, EACCES, ...). */
export function interpOpenFailed(path: string, errno: number): ExecError {
  const what = errno === E.ENOENT ? "not found" : `cannot be opened (${errnoName(errno)})`;
  return new ExecError(errno, `ELF interpreter ${path} ${what}`);
}

/**
 * Common ELF e_machine values by the names people know them by (elf.h); the loader says
 * "x86-64 executable", not "e_machine 62".
 */
const MACHINES: ReadonlyMap<number, string> = new Map([
  [0, "no-machine"], [2, "SPARC"], [3, "32-bit x86"], [4, "Motorola 68000"], [8, "MIPS"],
  [10, "MIPS (little-endian)"], [15, "PA-RISC"], [18, "SPARC v8+"], [20, "32-bit PowerPC"],
  [21, "64-bit PowerPC"], [22, "s390x"], [23, "Cell SPU"], [40, "ARM"], [42, "SuperH"],
  [43, "SPARC v9"], [50, "IA-64"], [62, "x86-64"], [83, "AVR"], [92, "OpenRISC"], [94, "Xtensa"],
  [164, "Hexagon"], [183, "AArch64"], [188, "MicroBlaze"], [243, "RISC-V"], [247, "eBPF"],
  [252, "C-SKY"], [258, "LoongArch"],
]);

/** "x86-64", "AArch64", ...; "ELF for machine N" when the number is not a common one. */
export function machineName(machine: number): string {
  return MACHINES.get(machine) ?? `ELF for machine ${machine}`;
}
