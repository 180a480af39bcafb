// AT_HWCAP / AT_HWCAP2: what the processor advertises to glibc (asm/cputable.h values).
// They must name exactly what is implemented: glibc picks IFUNC variants from them. Never
// HTM, SCV or ARCH_3_00 (glibc would switch to scv and POWER9 code), never DFP (not built).

export const enum Hwcap {
  PPC32 = 0x80000000,
  PPC64 = 0x40000000,
  ALTIVEC = 0x10000000,
  FPU = 0x08000000,
  MMU = 0x04000000,
  ARCH_2_05 = 0x00001000,
  DFP = 0x00000400,
  ARCH_2_06 = 0x00000100,
  VSX = 0x00000080,
}

export const enum Hwcap2 {
  ARCH_2_07 = 0x80000000,
  HTM = 0x40000000,
  DSCR = 0x20000000,
  ISEL = 0x08000000,
  TAR = 0x04000000,
  VEC_CRYPTO = 0x02000000,
}

/**
 * A POWER8 (ISA 2.07 with VMX, VSX and the crypto instructions) in 64-bit mode: what qemu's
 * `-cpu power8` reports, less DFP (decimal floating point is not implemented). 32-bit
 * processes get FPU|ALTIVEC, as qemu-ppc's 7400 model: the VSX instructions work in 32-bit
 * mode, but the 32-bit oracle cannot test them, so glibc is not sent down those paths.
 */
export function hwcaps(is64: boolean): { hwcap: number; hwcap2: number } {
  if (!is64) return { hwcap: (Hwcap.FPU | Hwcap.ALTIVEC) >>> 0, hwcap2: 0 };
  return {
    hwcap: (Hwcap.PPC64 | Hwcap.ALTIVEC | Hwcap.FPU | Hwcap.ARCH_2_06 | Hwcap.VSX) >>> 0,
    hwcap2: (Hwcap2.ARCH_2_07 | Hwcap2.ISEL | Hwcap2.TAR | Hwcap2.VEC_CRYPTO) >>> 0,
  };
}
