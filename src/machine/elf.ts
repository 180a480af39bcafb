// The ELF file format (the machine's boot-image format, as firmware loads it): header and
// program-header parsing with every field checked, for 32/64-bit and both byte orders.
// Policy (where to load, what to map, the process's stack) belongs to the OS layers above.

export class ElfError extends Error {}

export const enum PType {
  Load = 1,
  Dynamic = 2,
  Interp = 3,
  Note = 4,
  Phdr = 6,
  Tls = 7,
  GnuStack = 0x6474e551,
}

export const enum PFlag {
  X = 1,
  W = 2,
  R = 4,
}

export const EM_PPC = 20;
export const EM_PPC64 = 21;
export const ET_EXEC = 2;
export const ET_DYN = 3;

export interface ProgramHeader {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface ElfImage {
  bytes: Uint8Array;
  is64: boolean;
  littleEndian: boolean;
  type: number;
  machine: number;
  entry: number;
  /** e_flags & 3 on ppc64: 1 = ELFv1 (function descriptors), 2 = ELFv2; 0 = unspecified. */
  abiVersion: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  phdrs: ProgramHeader[];
}

/** Parse and validate an ELF image. Throws ElfError with a one-line reason. */
export function parseElf(bytes: Uint8Array): ElfImage {
  if (bytes.length < 52) throw new ElfError("file too short to be ELF");
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError("not an ELF file (bad magic)");
  }
  const cls = bytes[4];
  const data = bytes[5];
  if (cls !== 1 && cls !== 2) throw new ElfError(`bad ELF class ${cls}`);
  if (data !== 1 && data !== 2) throw new ElfError(`bad ELF data encoding ${data}`);
  if (bytes[6] !== 1) throw new ElfError(`bad ELF version ${bytes[6]}`);
  const is64 = cls === 2;
  const le = data === 1;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number): number => dv.getUint16(o, le);
  const u32 = (o: number): number => dv.getUint32(o, le);
  const addr = (o: number): number => {
    if (!is64) return u32(o);
    const v = dv.getBigUint64(o, le);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError(`address field at ${o} too large`);
    return Number(v);
  };
  if (is64 && bytes.length < 64) throw new ElfError("file too short for an ELF64 header");
  const type = u16(16);
  const machine = u16(18);
  const entry = addr(24);
  const phoff = is64 ? addr(32) : u32(28);
  const flags = is64 ? u32(48) : u32(36);
  const phentsize = is64 ? u16(54) : u16(42);
  const phnum = is64 ? u16(56) : u16(44);
  const wantEnt = is64 ? 56 : 32;
  if (phnum > 0 && phentsize !== wantEnt) throw new ElfError(`bad program header size ${phentsize}`);
  if (phoff + phnum * wantEnt > bytes.length) throw new ElfError("program headers beyond end of file");
  const phdrs: ProgramHeader[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * wantEnt;
    const ph: ProgramHeader = is64
      ? { type: u32(o), flags: u32(o + 4), offset: addr(o + 8), vaddr: addr(o + 16), filesz: addr(o + 32), memsz: addr(o + 40), align: addr(o + 48) }
      : { type: u32(o), offset: u32(o + 4), vaddr: u32(o + 8), filesz: u32(o + 16), memsz: u32(o + 20), flags: u32(o + 24), align: u32(o + 28) };
    if (ph.type === PType.Load) {
      if (ph.offset + ph.filesz > bytes.length) throw new ElfError(`segment ${i} extends beyond end of file`);
      if (ph.filesz > ph.memsz) throw new ElfError(`segment ${i} has filesz > memsz`);
    }
    phdrs.push(ph);
  }
  return { bytes, is64, littleEndian: le, type, machine, entry, abiVersion: flags & 3, phoff, phentsize, phnum, phdrs };
}

/**
 * The bytes a PT_LOAD segment puts into memory, page-granular as Linux's mmap of the file
 * does: whole file pages from pageDown(offset) to pageUp(offset + filesz) (so the head and tail
 * of those pages show the neighbouring file bytes), then zeroes from vaddr + filesz to the end
 * of memsz when the segment has a bss part (the kernel's padzero).
 */
export function segmentImage(elf: ElfImage, ph: ProgramHeader, pageSize: number): { va: number; bytes: Uint8Array; zeroFrom: number; zeroTo: number } {
  const head = ph.vaddr % pageSize;
  const va = ph.vaddr - head;
  const off = ph.offset - head;
  if (off < 0) throw new ElfError("segment offset and address are not congruent modulo the page size");
  const fileEnd = Math.min(elf.bytes.length, Math.ceil((ph.offset + ph.filesz) / pageSize) * pageSize);
  const bytes = ph.filesz === 0 ? new Uint8Array(0) : elf.bytes.subarray(off, fileEnd);
  const hasBss = ph.memsz > ph.filesz;
  return { va, bytes, zeroFrom: ph.vaddr + ph.filesz, zeroTo: hasBss ? Math.ceil((ph.vaddr + ph.filesz) / pageSize) * pageSize : ph.vaddr + ph.filesz };
}
