// AT_HWCAP / AT_HWCAP2: what the processor advertises to glibc (asm/cputable.h values).
// They must name exactly what is implemented: glibc picks IFUNC variants from them. The
// scalar core (FPU, 64-bit) is advertised today, as qemu-user does for a CPU without vectors; ALTIVEC/VSX/ARCH_2_06/ARCH_2_07 come with
// the vector unit. Never HTM, SCV or ARCH_3_00 (glibc would switch to scv and POWER9 code).

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

export function hwcaps(is64: boolean): { hwcap: number; hwcap2: number } {
  return {
    hwcap: ((is64 ? Hwcap.PPC64 : 0) | Hwcap.FPU) >>> 0,
    hwcap2: 0,
  };
}
