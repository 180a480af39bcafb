// SIGFPE's si_code for a floating-point enabled exception (Linux 6.1 arch/powerpc/kernel/
// traps.c, parse_fpe / __parse_fpscr): read from the FPSCR at the interrupt, the first enabled
// exception that is set, in the kernel's order — invalid operation, overflow, underflow, zero
// divide, inexact — and FPE_FLTUNK when none is (an FPSCR whose enabled exception was cleared
// behind the interrupt's back cannot happen here, but the code is Linux's).
//
// qemu-user 7.2 takes the code from the exception it raised instead, and gives FPE_FLTSUB for
// the invalid operations; k42ts follows Linux (fpexc.test.ts says where they differ).

import { Fp } from "../../machine/power/fpu/fpscr.js";

export const FPE_INTDIV = 1, FPE_INTOVF = 2, FPE_FLTDIV = 3, FPE_FLTOVF = 4, FPE_FLTUND = 5,
  FPE_FLTRES = 6, FPE_FLTINV = 7, FPE_FLTSUB = 8, FPE_FLTUNK = 14;

/** si_code for the classic FPSCR word (bits 32:63) of a thread interrupted by an enabled exception. */
export function fpeCode(fpscr: number): number {
  const on = (x: number, e: number): boolean => (fpscr & x) !== 0 && (fpscr & e) !== 0;
  if (on(Fp.VX, Fp.VE)) return FPE_FLTINV;
  if (on(Fp.OX, Fp.OE)) return FPE_FLTOVF;
  if (on(Fp.UX, Fp.UE)) return FPE_FLTUND;
  if (on(Fp.ZX, Fp.ZE)) return FPE_FLTDIV;
  if (on(Fp.XX, Fp.XE)) return FPE_FLTRES;
  return FPE_FLTUNK;
}
