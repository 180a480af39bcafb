// The embedded default program: a tiny big-endian PowerPC64 Linux executable, assembled here
// by hand (our own code, no toolchain needed), so that `npx k42 run` works on a fresh machine.
// It prints a greeting, sums i*i for i = 1..1000 in a counted loop (mulld, add, bdnz) and
// prints the result in decimal (divdu, stbu), then exits with status 0.

const D = (op: number, rt: number, ra: number, imm: number): number => ((op << 26) | (rt << 21) | (ra << 16) | (imm & 0xffff)) >>> 0;
const X = (rt: number, ra: number, rb: number, xo: number, rc = 0): number => ((31 << 26) | (rt << 21) | (ra << 16) | (rb << 11) | (xo << 1) | rc) >>> 0;

const li = (rt: number, v: number): number => D(14, rt, 0, v);
const lis = (rt: number, v: number): number => D(15, rt, 0, v);
const addi = (rt: number, ra: number, v: number): number => D(14, rt, ra, v);
const stbu = (rs: number, ra: number, d: number): number => D(39, rs, ra, d);
const mr = (ra: number, rs: number): number => X(rs, ra, rs, 444);
const add = (rt: number, ra: number, rb: number): number => X(rt, ra, rb, 266);
const subf = (rt: number, ra: number, rb: number): number => X(rt, ra, rb, 40);
const mulld = (rt: number, ra: number, rb: number): number => X(rt, ra, rb, 233);
const divdu = (rt: number, ra: number, rb: number): number => X(rt, ra, rb, 457);
const mtctr = (rs: number): number => X(rs, 9, 0, 467); // mtspr CTR (SPR 9: halves swapped, high half 0)
const cmpdi = (ra: number, v: number): number => ((11 << 26) | (1 << 21) | (ra << 16) | (v & 0xffff)) >>> 0;
const sc = 0x44000002;
/** Relative conditional branch from word index `from` to `to` (BO, BI given). */
const bc = (bo: number, bi: number, from: number, to: number): number => ((16 << 26) | (bo << 21) | (bi << 16) | (((to - from) * 4) & 0xfffc)) >>> 0;

const BASE = 0x10000000;
const CODE = 0x100;
const DATA = 0x400;
const GREETING = "Hello from k42ts: a PowerPC64 guest on the emulated K42 machine.\nsum of i*i for i = 1..1000: ";

export function demoExecutable(): Uint8Array {
  const msg = new TextEncoder().encode(GREETING);
  const bufEnd = BASE + DATA + 0x100; // digits are written backwards from here
  const ha = (a: number): number => ((a + 0x8000) >>> 16) & 0xffff;
  const lo = (a: number): number => a & 0xffff;
  const msgAddr = BASE + DATA;
  const code: number[] = [];
  code.push(li(0, 4), li(3, 1), lis(4, ha(msgAddr)), addi(4, 4, lo(msgAddr)), li(5, msg.length), sc);
  code.push(li(6, 0), li(7, 1000), mtctr(7), li(8, 1));
  const loop = code.length;
  code.push(mulld(9, 8, 8), add(6, 6, 9), addi(8, 8, 1));
  code.push(bc(16, 0, code.length, loop)); // bdnz loop
  code.push(lis(10, ha(bufEnd)), addi(10, 10, lo(bufEnd)), li(11, 10), li(12, 10), stbu(12, 10, -1));
  const conv = code.length;
  code.push(divdu(9, 6, 11), mulld(12, 9, 11), subf(12, 12, 6), addi(12, 12, 48), stbu(12, 10, -1), mr(6, 9), cmpdi(6, 0));
  code.push(bc(4, 2, code.length, conv)); // bne conv
  code.push(li(0, 4), li(3, 1), mr(4, 10), lis(5, ha(bufEnd)), addi(5, 5, lo(bufEnd)), subf(5, 10, 5), sc);
  code.push(li(0, 234), li(3, 0), sc);

  const size = DATA + 0x100;
  const f = new Uint8Array(size);
  const dv = new DataView(f.buffer);
  // ELF64 header (big-endian, ELFv2 so that e_entry is the code address)
  f.set([0x7f, 0x45, 0x4c, 0x46, 2, 2, 1, 0]);
  dv.setUint16(16, 2); // ET_EXEC
  dv.setUint16(18, 21); // EM_PPC64
  dv.setUint32(20, 1);
  dv.setBigUint64(24, BigInt(BASE + CODE)); // e_entry
  dv.setBigUint64(32, 64n); // e_phoff
  dv.setUint32(48, 2); // e_flags: ELFv2
  dv.setUint16(52, 64); // e_ehsize
  dv.setUint16(54, 56); // e_phentsize
  dv.setUint16(56, 1); // e_phnum
  // PT_LOAD covering the whole file, RWX
  dv.setUint32(64, 1);
  dv.setUint32(68, 7);
  dv.setBigUint64(72, 0n);
  dv.setBigUint64(80, BigInt(BASE));
  dv.setBigUint64(88, BigInt(BASE));
  dv.setBigUint64(96, BigInt(size));
  dv.setBigUint64(104, BigInt(size));
  dv.setBigUint64(112, 0x10000n);
  code.forEach((w, i) => dv.setUint32(CODE + 4 * i, w));
  f.set(msg, DATA);
  return f;
}
