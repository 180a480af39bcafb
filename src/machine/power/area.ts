// A processor's area in physical memory: its read and write TLBs and the control block of the
// WebAssembly translator, placed where generated WebAssembly code reaches them with plain loads
// (physical memory is the modules' linear memory). The JavaScript engines use the same TLB
// arrays through Int32Array views (mmu.ts `Tlb`), so every engine fills and probes one TLB.
//
// The area is allocated the first time something asks for it (the WebAssembly engine, its check
// harness); until then the TLBs live in ordinary arrays and nothing here exists. It belongs to
// the processor for as long as the machine lives (never freed, like the processor itself).
//
//   offset   size          field
//   0x0000   4             room: instructions the slice has left (written by the engine before
//                          a region runs and by the region at every exit and before every call
//                          of a handler, so that the count is exact wherever JavaScript looks)
//   0x0004   4             exit code of the last region run (wasm/region.ts `RegionExit`)
//   0x0008   4             abort flag: code of a region may have been written; a region leaves
//                          at its next block boundary when nonzero (set by codeWritten)
//   0x000c   4             code epoch (PhysicalMemory.codeWords[0]) the jump cache was filled in
//   0x0010   4             state block address (Cpu.stateAddr) of the thread being run
//   0x0014   4             end (address after the last instruction, low word) of the block a
//                          region stopped before (RegionExit.Stop)
//   0x0018   8             reserved (0)
//   0x0020   32            scratch: values passed between a region and its JavaScript helpers
//                          (the slow paths of memory accesses): never an i64 across the
//                          boundary, a BigInt costs more than the access
//   0x0040   ...           reserved up to 0x1000
//   0x1000   1024 x 4      read TLB:  tag low (EA.lo >>> 12, -1 = empty)
//   0x2000   1024 x 4                 tag high (EA.hi)
//   0x3000   1024 x 4                 physical page base
//   0x4000   1024 x 4      write TLB: tag low
//   0x5000   1024 x 4                 tag high
//   0x6000   1024 x 4                 physical page base
//   0x7000   1024 x 16     jump cache of the translator, direct-mapped by (PC >>> 2) & 1023:
//                          PC low word, PC high word, mode | entry block << 8 (mode -1:
//                          empty), index of the region's function in the processor's table.
//                          Valid while the code epoch is the one at +0x000c; filled by the
//                          dispatcher, read by regions to chain to each other (region.ts)
//   size     0xb000 (11 frames)

export const AREA_FRAMES = 11;

/** Byte offsets into the area (add the area's physical address). */
export const enum Area {
  ROOM = 0x0000,
  EXIT = 0x0004,
  ABORT = 0x0008,
  EPOCH = 0x000c,
  STATE = 0x0010,
  STOP_END = 0x0014,
  SCRATCH = 0x0020,
  SCRATCH_BYTES = 32,
  RTLB_TAGLO = 0x1000,
  RTLB_TAGHI = 0x2000,
  RTLB_PHYS = 0x3000,
  WTLB_TAGLO = 0x4000,
  WTLB_TAGHI = 0x5000,
  WTLB_PHYS = 0x6000,
  JUMP = 0x7000,
  JUMP_ENTRIES = 1024,
}
