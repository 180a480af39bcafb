// What ldconfig reads from a shared library: whether it is ELF, its class and byte order, and
// its DT_SONAME (through PT_DYNAMIC and the string table the PT_LOAD segments map).

import { closeSync, openSync, readSync, fstatSync } from "node:fs";

export interface SharedObjectInfo {
  is64: boolean;
  littleEndian: boolean;
  /** DT_SONAME, if the object has one. */
  soname?: string;
}

const PT_LOAD = 1, PT_DYNAMIC = 2;
const DT_NULL = 0, DT_STRTAB = 5, DT_SONAME = 14;

/** The ELF facts of `file`, or undefined if it is not an ELF file (or is cut short). */
export function readSharedObject(file: string): SharedObjectInfo | undefined {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const read = (off: number, len: number): Buffer | undefined => {
      if (off < 0 || len < 0 || off + len > size) return undefined;
      const b = Buffer.alloc(len);
      return readSync(fd, b, 0, len, off) === len ? b : undefined;
    };
    const id = read(0, 64);
    if (id === undefined || id.readUInt32BE(0) !== 0x7f454c46) return undefined;
    const is64 = id[4] === 2, le = id[5] === 1;
    if ((id[4] !== 1 && id[4] !== 2) || (id[5] !== 1 && id[5] !== 2)) return undefined;
    const u16 = (b: Buffer, o: number): number => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const word = (b: Buffer, o: number): number => (is64 ? Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : u32(b, o));
    const phoff = word(id, is64 ? 32 : 28);
    const phentsize = u16(id, is64 ? 54 : 42), phnum = u16(id, is64 ? 56 : 44);
    const ph = read(phoff, phentsize * phnum);
    if (ph === undefined) return undefined;
    const segs: { type: number; offset: number; vaddr: number; filesz: number }[] = [];
    for (let i = 0; i < phnum; i++) {
      const o = i * phentsize;
      segs.push(is64
        ? { type: u32(ph, o), offset: word(ph, o + 8), vaddr: word(ph, o + 16), filesz: word(ph, o + 32) }
        : { type: u32(ph, o), offset: u32(ph, o + 4), vaddr: u32(ph, o + 8), filesz: u32(ph, o + 16) });
    }
    const info: SharedObjectInfo = { is64, littleEndian: le };
    const dyn = segs.find((s) => s.type === PT_DYNAMIC);
    if (dyn === undefined) return info;
    const d = read(dyn.offset, dyn.filesz);
    if (d === undefined) return info;
    const entsize = is64 ? 16 : 8;
    let strtab: number | undefined, soname: number | undefined;
    for (let o = 0; o + entsize <= d.length; o += entsize) {
      const tag = word(d, o), val = word(d, o + entsize / 2);
      if (tag === DT_NULL) break;
      if (tag === DT_STRTAB) strtab = val;
      else if (tag === DT_SONAME) soname = val;
    }
    if (strtab === undefined || soname === undefined) return info;
    // The string table's address → file offset, through the segment that maps it.
    const seg = segs.find((s) => s.type === PT_LOAD && strtab! >= s.vaddr && strtab! < s.vaddr + s.filesz);
    if (seg === undefined) return info;
    const at = seg.offset + (strtab - seg.vaddr) + soname;
    const chunk = read(at, Math.min(4096, size - at));
    if (chunk === undefined) return info;
    const nul = chunk.indexOf(0);
    if (nul > 0) info.soname = chunk.subarray(0, nul).toString("latin1");
    return info;
  } finally {
    closeSync(fd);
  }
}
