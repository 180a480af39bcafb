// Reading an executable's ELF header and program headers as Linux's binfmt_elf does before it
// commits to an execve: magic, class, byte order, machine, type, the program-header table, and
// the segments' sanity. Every check fails with an ExecError whose message names the problem;
// nothing here throws anything else on any input (the fuzz test holds it to that).
//
// The kernel is bi-endian and runs 64-bit and 32-bit programs (a ppc64 kernel with its compat
// layer): ppc64 big-endian (ELFv1), ppc64le (ELFv2) and ppc32 big-endian.

import { PAGE_SIZE } from "../../machine/memory.js";
import { ExecError, machineName } from "./error.js";

export const EM_PPC = 20;
export const EM_PPC64 = 21;

export const enum ElfType {
  None = 0,
  Rel = 1,
  Exec = 2,
  Dyn = 3,
  Core = 4,
}

export const enum PT {
  Load = 1,
  Dynamic = 2,
  Interp = 3,
  Note = 4,
  Phdr = 6,
  Tls = 7,
  GnuStack = 0x6474e551,
  GnuRelro = 0x6474e552,
}

export const enum PF {
  X = 1,
  W = 2,
  R = 4,
}

export interface Phdr {
  readonly index: number;
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
  readonly memsz: number;
  readonly align: number;
}

/** An ELF file whose headers passed the loader's checks. Immutable. */
export interface ElfFile {
  /** The path it was opened by (the program's execfn, or the PT_INTERP string). */
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly is64: boolean;
  readonly le: boolean;
  readonly type: ElfType;
  readonly machine: number;
  readonly entry: number;
  /** e_flags & 3 on ppc64: 2 = ELFv2 (entry is code), else ELFv1 (entry is a function descriptor). */
  readonly abi: number;
  readonly phoff: number;
  readonly phnum: number;
  readonly phdrs: readonly Phdr[];
  /** The PT_LOAD headers with a non-empty memory image, in file order. */
  readonly loads: readonly Phdr[];
}

/** Highest user address + 1: TASK_SIZE for a 64-bit task (128 TiB) and for a compat task. */
export const taskSize = (is64: boolean): number => (is64 ? 2 ** 47 : 2 ** 32 - PAGE_SIZE);

/** Whether x is a power of two (exactly, for any size a 64-bit field can give). */
export const isPow2 = (x: number): boolean => Number.isSafeInteger(x) && x > 0 && 2 ** Math.round(Math.log2(x)) === x;

/** Linux's mmap_min_addr on the distributions we follow (no mapping below 64 KiB). */
export const MMAP_MIN_ADDR = 0x10000;

/** The longest PT_INTERP string Linux accepts (PATH_MAX, with its NUL). */
export const PATH_MAX = 4096;

const typeWord = (t: number): string =>
  t === ElfType.Exec ? "executable" : t === ElfType.Dyn ? "shared object" : t === ElfType.Rel ? "relocatable object" : t === ElfType.Core ? "core dump" : `file of ELF type ${t}`;

const hex = (n: number): string => `0x${n.toString(16)}`;

/**
 * Parse and check the ELF headers of `bytes`. `fail` turns a reason into the error to throw
 * (ENOEXEC for the program, ELIBBAD for its interpreter); the checks are the same for both.
 */
export function readElf(bytes: Uint8Array, path: string, fail: (why: string) => ExecError): ElfFile {
  if (bytes.length >= 2 && bytes[0] === 0x23 && bytes[1] === 0x21) throw fail("a #! script, not an ELF file");
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) throw fail("not an ELF file");
  if (bytes.length < 16) throw fail(`truncated ELF header (${bytes.length} bytes)`);
  const cls = bytes[4], data = bytes[5];
  if (cls !== 1 && cls !== 2) throw fail(`bad ELF class ${cls} (neither 32- nor 64-bit)`);
  if (data !== 1 && data !== 2) throw fail(`bad ELF byte order ${data} (neither little- nor big-endian)`);
  if (bytes[6] !== 1) throw fail(`bad ELF version ${bytes[6]}`);
  const is64 = cls === 2, le = data === 1;
  const ehsize = is64 ? 64 : 52;
  if (bytes.length < ehsize) throw fail(`truncated ELF header (${bytes.length} of ${ehsize} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number): number => dv.getUint16(o, le);
  const u32 = (o: number): number => dv.getUint32(o, le);
  // 64-bit fields beyond 2^53 lose precision as numbers; every such value fails a range check.
  const word = (o: number): number => (is64 ? Number(dv.getBigUint64(o, le)) : u32(o));
  const type = u16(16), machine = u16(18);
  if (machine !== EM_PPC && machine !== EM_PPC64) throw fail(`${foreignWhat(machine, type)}, not PowerPC`);
  if (machine === EM_PPC64 && !is64) throw fail("64-bit PowerPC machine in a 32-bit ELF file");
  if (machine === EM_PPC && is64) throw fail("32-bit PowerPC machine in a 64-bit ELF file");
  if (machine === EM_PPC && le) throw fail("little-endian 32-bit PowerPC program (Linux runs 32-bit PowerPC big-endian only)");
  if (type === ElfType.Rel) throw fail("relocatable object, not an executable");
  if (type === ElfType.Core) throw fail("core dump, not an executable");
  if (type !== ElfType.Exec && type !== ElfType.Dyn) throw fail(`${typeWord(type)}, not an executable`);
  const entry = word(24);
  const phoff = word(is64 ? 32 : 28);
  const flags = u32(is64 ? 48 : 36);
  const phentsize = u16(is64 ? 54 : 42), phnum = u16(is64 ? 56 : 44);
  const entSize = is64 ? 56 : 32;
  if (phentsize !== entSize) throw fail(`bad program header size ${phentsize} (a ${is64 ? 64 : 32}-bit ELF has ${entSize})`);
  // load_elf_phdrs: the table must be non-empty and fit in one page (ELF_MIN_ALIGN).
  if (phnum === 0) throw fail("no program headers");
  if (phnum * entSize > PAGE_SIZE) throw fail(`too many program headers (${phnum})`);
  if (phoff > bytes.length || phoff + phnum * entSize > bytes.length) throw fail("program headers lie outside the file");
  const phdrs: Phdr[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * entSize;
    phdrs.push(is64
      ? { index: i, type: u32(o), flags: u32(o + 4), offset: word(o + 8), vaddr: word(o + 16), filesz: word(o + 32), memsz: word(o + 40), align: word(o + 48) }
      : { index: i, type: u32(o), offset: u32(o + 4), vaddr: u32(o + 8), filesz: u32(o + 16), memsz: u32(o + 20), flags: u32(o + 24), align: u32(o + 28) });
  }
  const loads = phdrs.filter((p) => p.type === PT.Load);
  const top = taskSize(is64);
  for (const p of loads) checkLoad(p, bytes.length, top, type, fail);
  const nonEmpty = loads.filter((p) => p.memsz > 0);
  if (nonEmpty.length === 0) throw fail("no loadable segments");
  const f: ElfFile = { path, bytes, is64, le, type, machine, entry, abi: is64 ? flags & 3 : 0, phoff, phnum, phdrs, loads: nonEmpty };
  for (const p of phdrs) if (p.type === PT.Tls) checkTls(f, p, fail);
  if (type === ElfType.Dyn && spanOf(nonEmpty) > top) throw fail("segments span more than the address space");
  return f;
}

/** "x86-64 executable", "AArch64 relocatable object", "ELF file for machine 9999". */
function foreignWhat(machine: number, type: number): string {
  const name = machineName(machine);
  if (name.startsWith("ELF for machine")) return `ELF file for machine ${machine}`;
  const kind = type === ElfType.Exec || type === ElfType.Dyn ? "executable" : type === ElfType.Rel ? "relocatable object" : type === ElfType.Core ? "core dump" : "ELF file";
  return `${name} ${kind}`;
}

/** A PT_LOAD that Linux could map: sizes, file range, congruence, address range. */
function checkLoad(p: Phdr, fileLen: number, top: number, type: number, fail: (why: string) => ExecError): void {
  const n = `segment ${p.index}`;
  if (p.filesz > p.memsz) throw fail(`${n}: file size ${hex(p.filesz)} larger than its memory size ${hex(p.memsz)}`);
  if (p.offset > fileLen || p.offset + p.filesz > fileLen) throw fail(`${n} extends past the end of the file`);
  // elf_map maps whole file pages: offset and address must agree within the page (else mmap's EINVAL).
  if ((p.offset % PAGE_SIZE) !== (p.vaddr % PAGE_SIZE)) throw fail(`${n}: file offset ${hex(p.offset)} and address ${hex(p.vaddr)} differ within the page`);
  if (p.vaddr >= top || p.memsz > top || p.vaddr + p.memsz > top) throw fail(`${n} lies outside the user address space`);
  if (type === ElfType.Exec && p.memsz > 0 && p.vaddr < MMAP_MIN_ADDR) throw fail(`${n} at ${hex(p.vaddr)}, below the lowest mappable address ${hex(MMAP_MIN_ADDR)}`);
}

/** PT_TLS is libc's business, but its initialisation image must be there for libc to copy. */
function checkTls(f: ElfFile, p: Phdr, fail: (why: string) => ExecError): void {
  if (p.filesz > p.memsz) throw fail(`PT_TLS: file size ${hex(p.filesz)} larger than its memory size ${hex(p.memsz)}`);
  if (p.align > 1 && !isPow2(p.align)) throw fail(`PT_TLS: alignment ${hex(p.align)} is not a power of two`);
  if (p.filesz === 0) return;
  const inside = f.loads.some((l) => p.vaddr >= l.vaddr && p.vaddr + p.filesz <= l.vaddr + l.filesz);
  if (!inside) throw fail("PT_TLS: its initialisation image is not in a loaded part of the file");
}

/** total_mapping_size: from the page of the lowest segment to the end of the highest. */
export function spanOf(loads: readonly Phdr[]): number {
  let lo = Infinity, hi = 0;
  for (const p of loads) {
    lo = Math.min(lo, p.vaddr - (p.vaddr % PAGE_SIZE));
    hi = Math.max(hi, p.vaddr + p.memsz);
  }
  return hi - lo;
}

/** The lowest PT_LOAD address (its page), which a load bias moves to the chosen base. */
export function lowestVaddr(loads: readonly Phdr[]): number {
  let lo = Infinity;
  for (const p of loads) lo = Math.min(lo, p.vaddr);
  return lo;
}

/** The program's PT_INTERP path, checked as Linux checks it; undefined without one. */
export function interpPath(f: ElfFile, fail: (why: string) => ExecError): string | undefined {
  const p = f.phdrs.find((h) => h.type === PT.Interp); // Linux uses the first
  if (p === undefined) return undefined;
  if (p.filesz < 2 || p.filesz > PATH_MAX) throw fail(`PT_INTERP path of ${p.filesz} bytes (Linux takes 2 to ${PATH_MAX})`);
  if (p.offset > f.bytes.length || p.offset + p.filesz > f.bytes.length) throw fail("PT_INTERP path lies outside the file");
  const s = f.bytes.subarray(p.offset, p.offset + p.filesz);
  if (s[s.length - 1] !== 0) throw fail("PT_INTERP path is not NUL-terminated");
  const nul = s.indexOf(0);
  if (nul === 0) throw fail("PT_INTERP path is empty");
  return new TextDecoder().decode(s.subarray(0, nul));
}
