// The architectural state of one PowerPC guest thread: one binary layout in (shared) memory,
// so that it can be saved, migrated between processors, shown by a debugger and reached by
// generated code without conversion. All fields are little-endian (host and wasm order).
//
//   offset  size        field
//   0x000   32 x 8      GPR0..GPR31, 64-bit (low word at +0, high word at +4)
//   0x100   64 x 16     VSR0..VSR63; doubleword 0 (bits 0:63, the FPR for VSR0..31) at +0 as
//                       a 64-bit integer / IEEE double, doubleword 1 at +8. VR n is VSR 32+n.
//   0x500   8           LR
//   0x508   8           CTR
//   0x510   8           PC (address of the next instruction to execute)
//   0x518   8           TAR
//   0x520   8 x 4       CR0..CR7, one 4-bit field per word (LT=8 GT=4 EQ=2 SO=1)
//   0x540   4           XER.SO   (0/1)
//   0x544   4           XER.OV   (0/1)
//   0x548   4           XER.CA   (0/1)
//   0x54c   4           XER.OV32 (0/1)
//   0x550   4           XER.CA32 (0/1)
//   0x554   4           XER bits 32:63 other than SO/OV/CA/OV32/CA32 (byte count in 57:63)
//   0x558   4           FPSCR bits 32:63 (the classic FPSCR)
//   0x55c   4           FPSCR bits 0:31 (DRN and reserved)
//   0x560   4           VSCR (NJ = 0x10000, SAT = 1)
//   0x564   4           VRSAVE
//   0x568   8           DSCR
//   0x570   8           PPR
//   0x578   4           mode: bit 0 = 64-bit (MSR.SF), bit 1 = little-endian (MSR.LE)
//   0x580   8           reservation address (valid when length != 0)
//   0x588   8           reservation value (the bytes loaded, as host-order raw memory)
//   0x590   4           reservation length in bytes (0 = no reservation)
//   0x598   8           reservation value, second doubleword (lqarx)
//   0x5a0   4           XER bits 0:31 (reserved; always 0, as in qemu 7.2 -cpu power8)
//   0x5a4   4           VRSAVE bits 0:31 (qemu keeps VRSAVE as a 64-bit SPR; we match it)
//   0x5a8   4           MSR[FE0 FE1] as a 2-bit mode: FE0 = 2, FE1 = 1 (Linux's PR_FP_EXC_*
//                       values; 0 = FP enabled exceptions do not interrupt). Kept across exec
//                       (Linux keeps thread.fpexc_mode), copied by fork with the rest.
//   size    0x600

export const STATE_BYTES = 0x600;

/** Int32 indices into the state (byte offset / 4). */
export const S = {
  GPR: 0x000 >> 2,
  VSR: 0x100 >> 2,
  LR: 0x500 >> 2,
  CTR: 0x508 >> 2,
  PC: 0x510 >> 2,
  TAR: 0x518 >> 2,
  CR: 0x520 >> 2,
  SO: 0x540 >> 2,
  OV: 0x544 >> 2,
  CA: 0x548 >> 2,
  OV32: 0x54c >> 2,
  CA32: 0x550 >> 2,
  XER_BC: 0x554 >> 2,
  FPSCR: 0x558 >> 2,
  FPSCR_HI: 0x55c >> 2,
  VSCR: 0x560 >> 2,
  VRSAVE: 0x564 >> 2,
  DSCR: 0x568 >> 2,
  PPR: 0x570 >> 2,
  MODE: 0x578 >> 2,
  RESV_ADDR: 0x580 >> 2,
  RESV_VAL: 0x588 >> 2,
  RESV_LEN: 0x590 >> 2,
  RESV_VAL2: 0x598 >> 2,
  XER_HI: 0x5a0 >> 2,
  VRSAVE_HI: 0x5a4 >> 2,
  FE: 0x5a8 >> 2,
} as const;

/** Float64 index of FPR n (= doubleword 0 of VSR n). */
export const fprIndex = (n: number): number => (0x100 >> 3) + n * 2;

export const enum Mode {
  SF = 1,
  LE = 2,
}
