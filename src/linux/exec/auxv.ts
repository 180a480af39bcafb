// The auxiliary vector: the AT_* types (linux/auxvec.h and powerpc's asm/auxvec.h), and the
// entries Linux 6.1 builds for a PowerPC process on a POWER8, in its order (fs/binfmt_elf.c
// create_elf_tables, with powerpc's ARCH_DLINFO first).

import { PAGE_SIZE } from "../../machine/memory.js";
import { hwcaps } from "../process/hwcap.js";

export const enum At {
  NULL = 0, IGNORE = 1, EXECFD = 2, PHDR = 3, PHENT = 4, PHNUM = 5, PAGESZ = 6, BASE = 7,
  FLAGS = 8, ENTRY = 9, NOTELF = 10, UID = 11, EUID = 12, GID = 13, EGID = 14, PLATFORM = 15,
  HWCAP = 16, CLKTCK = 17, DCACHEBSIZE = 19, ICACHEBSIZE = 20, UCACHEBSIZE = 21, IGNOREPPC = 22,
  SECURE = 23, BASE_PLATFORM = 24, RANDOM = 25, HWCAP2 = 26, EXECFN = 31, SYSINFO_EHDR = 33,
  L1I_CACHESIZE = 40, L1I_CACHEGEOMETRY = 41, L1D_CACHESIZE = 42, L1D_CACHEGEOMETRY = 43,
  L2_CACHESIZE = 44, L2_CACHEGEOMETRY = 45, L3_CACHESIZE = 46, L3_CACHEGEOMETRY = 47,
  MINSIGSTKSZ = 51,
}

/** Names for /proc/self/auxv readers and test output. */
export const AT_NAMES: ReadonlyMap<number, string> = new Map([
  [0, "AT_NULL"], [1, "AT_IGNORE"], [2, "AT_EXECFD"], [3, "AT_PHDR"], [4, "AT_PHENT"], [5, "AT_PHNUM"],
  [6, "AT_PAGESZ"], [7, "AT_BASE"], [8, "AT_FLAGS"], [9, "AT_ENTRY"], [10, "AT_NOTELF"], [11, "AT_UID"],
  [12, "AT_EUID"], [13, "AT_GID"], [14, "AT_EGID"], [15, "AT_PLATFORM"], [16, "AT_HWCAP"], [17, "AT_CLKTCK"],
  [19, "AT_DCACHEBSIZE"], [20, "AT_ICACHEBSIZE"], [21, "AT_UCACHEBSIZE"], [22, "AT_IGNOREPPC"],
  [23, "AT_SECURE"], [24, "AT_BASE_PLATFORM"], [25, "AT_RANDOM"], [26, "AT_HWCAP2"], [31, "AT_EXECFN"],
  [33, "AT_SYSINFO_EHDR"], [40, "AT_L1I_CACHESIZE"], [41, "AT_L1I_CACHEGEOMETRY"], [42, "AT_L1D_CACHESIZE"],
  [43, "AT_L1D_CACHEGEOMETRY"], [44, "AT_L2_CACHESIZE"], [45, "AT_L2_CACHEGEOMETRY"], [46, "AT_L3_CACHESIZE"],
  [47, "AT_L3_CACHEGEOMETRY"], [51, "AT_MINSIGSTKSZ"],
]);

/** AT_PLATFORM and AT_BASE_PLATFORM (cur_cpu_spec->platform, powerpc_base_platform). */
export const PLATFORM = "power8";
export const BASE_PLATFORM = "power8";

/** sysconf(_SC_CLK_TCK): USER_HZ. */
export const CLOCKS_PER_SEC = 100;

/**
 * The POWER8's caches as the device tree describes them to Linux (ppc64_caches): size, line
 * and associativity. The cache-block size (dcbz, dcbt granule) is the 128-byte line.
 */
export const POWER8_CACHES = {
  blockSize: 128,
  l1i: { size: 32 * 1024, line: 128, assoc: 8 },
  l1d: { size: 64 * 1024, line: 128, assoc: 8 },
  l2: { size: 512 * 1024, line: 128, assoc: 8 },
  l3: { size: 8 * 1024 * 1024, line: 128, assoc: 8 },
} as const;

/**
 * AT_MINSIGSTKSZ: get_min_sigframe_size() of a Linux 6.1 built as distributions build it for
 * POWER8 (CONFIG_PPC_TRANSACTIONAL_MEM=y, so every frame has room for the transactional
 * context). 64-bit: sizeof(struct rt_sigframe) 4096 (two 1696-byte ucontexts, trampoline,
 * siginfo, 512-byte red zone) + __SIGNAL_FRAMESIZE 128. Compat: max(rt_sigframe 3232 + 64 + 16,
 * sigframe 2784 + 64). The signal frames the kernel writes must fit in these.
 */
export const minSigStackSize = (is64: boolean): number => (is64 ? 4224 : 3312);

/** What the auxv says about the process, from the loader. */
export interface AuxvFacts {
  is64: boolean;
  phdr: number;
  phent: number;
  phnum: number;
  /** The interpreter's load address, 0 without one. */
  base: number;
  entry: number;
  uid: number;
  euid: number;
  gid: number;
  egid: number;
  secure: boolean;
  /** Stack addresses of the strings and random bytes create_elf_tables placed. */
  random: number;
  execfn: number;
  platform: number;
  basePlatform: number;
}

/** The auxv entries, AT_NULL last, in Linux 6.1's order for powerpc. */
export function buildAuxv(f: AuxvFacts): [number, number][] {
  const c = POWER8_CACHES;
  const geometry = (g: { line: number; assoc: number }): number => g.assoc * 65536 + g.line;
  const { hwcap, hwcap2 } = hwcaps(f.is64);
  return [
    // ARCH_DLINFO: first, so that the first 16-byte-aligned word of the vector is > 16 for
    // glibc's ancient auxv search (AT_IGNOREPPC), then the cache-block sizes; no vDSO, so no
    // AT_SYSINFO_EHDR; the cache geometry (a ppc64 kernel gives it to compat tasks too).
    [At.IGNOREPPC, At.IGNOREPPC], [At.IGNOREPPC, At.IGNOREPPC],
    [At.DCACHEBSIZE, c.blockSize], [At.ICACHEBSIZE, c.blockSize], [At.UCACHEBSIZE, 0],
    [At.L1I_CACHESIZE, c.l1i.size], [At.L1I_CACHEGEOMETRY, geometry(c.l1i)],
    [At.L1D_CACHESIZE, c.l1d.size], [At.L1D_CACHEGEOMETRY, geometry(c.l1d)],
    [At.L2_CACHESIZE, c.l2.size], [At.L2_CACHEGEOMETRY, geometry(c.l2)],
    [At.L3_CACHESIZE, c.l3.size], [At.L3_CACHEGEOMETRY, geometry(c.l3)],
    [At.MINSIGSTKSZ, minSigStackSize(f.is64)],
    // The generic part.
    [At.HWCAP, hwcap], [At.PAGESZ, PAGE_SIZE], [At.CLKTCK, CLOCKS_PER_SEC],
    [At.PHDR, f.phdr], [At.PHENT, f.phent], [At.PHNUM, f.phnum], [At.BASE, f.base], [At.FLAGS, 0],
    [At.ENTRY, f.entry], [At.UID, f.uid], [At.EUID, f.euid], [At.GID, f.gid], [At.EGID, f.egid],
    [At.SECURE, f.secure ? 1 : 0], [At.RANDOM, f.random], [At.HWCAP2, hwcap2], [At.EXECFN, f.execfn],
    [At.PLATFORM, f.platform], [At.BASE_PLATFORM, f.basePlatform],
    [At.NULL, 0],
  ];
}
