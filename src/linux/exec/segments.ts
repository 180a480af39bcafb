// Mapping an ELF file's PT_LOAD segments into an address space as binfmt_elf maps them:
// page-granular private mappings of the file (so the head and tail of a segment's first and last
// pages show the neighbouring file bytes), the rest of the last file page zeroed past p_filesz
// when the segment has a bss, anonymous zero pages for the remainder of p_memsz, protection from
// p_flags. Where two segments share a page the page gets the union of their protections and the
// later segment's contents (Linux maps the later one over it with MAP_FIXED).
//
// Every mapping goes through mapSegment (file-backed part) or mapAnonymous (bss): the two places
// where file-backed memory objects will replace copying.

import { PAGE_SIZE } from "../../machine/memory.js";
import { Pte } from "../../machine/pagetable.js";
import { RegionKind } from "../../kernel/mem/region.js";
import type { Space } from "../../kernel/mem/space.js";
import { E } from "../errno.js";
import { ExecError } from "./error.js";
import { MMAP_MIN_ADDR, PF, taskSize, type ElfFile, type Phdr } from "./elf-file.js";
import { pageUp } from "./layout.js";

const pageDown = (a: number): number => Math.floor(a / PAGE_SIZE) * PAGE_SIZE;
const hex = (n: number): string => `0x${n.toString(16)}`;

/** A run of pages backed by a file: [start, end) shows the file from `offset` (page-aligned). */
export interface SegmentMapping {
  start: number;
  end: number;
  /** Pte.Read | Pte.Write | Pte.Exec. */
  prot: number;
  /** The file's path (for /proc/self/maps) and contents. */
  path: string;
  bytes: Uint8Array;
  offset: number;
}

/** Map a file-backed run of pages, private to the process (MAP_PRIVATE semantics). */
export function mapSegment(space: Space, m: SegmentMapping): void {
  space.mapFresh(m.start, m.end, { prot: m.prot, kind: RegionKind.Image, flags: 0 });
  // Today: the file's bytes are copied into fresh anonymous pages; past the end of the file
  // the pages stay zero, as a file mapping's partial last page reads.
  const from = Math.min(m.offset, m.bytes.length), to = Math.min(m.offset + (m.end - m.start), m.bytes.length);
  if (to > from) space.poke(m.start, m.bytes.subarray(from, to));
}

/** Map anonymous zero pages (a segment's bss beyond its file pages). */
export function mapAnonymous(space: Space, start: number, end: number, prot: number): void {
  space.mapFresh(start, end, { prot, kind: RegionKind.Anonymous, flags: 0 });
}

/** What the mapped file looks like in memory. */
export interface MappedElf {
  bias: number;
  /** Lowest and highest (exclusive, page-aligned) addresses mapped. */
  start: number;
  end: number;
  /** End of the highest segment's memory image (elf_brk): the program break starts at its page. */
  brk: number;
  /** AT_PHDR: where the program headers are in memory (6.1: through the PT_LOAD holding e_phoff). */
  phdr: number;
  /** e_entry plus the bias. */
  entry: number;
  /** The mappings made, lowest first (for /proc/self/maps). */
  regions: { start: number; end: number; prot: number; path: string | undefined; offset: number }[];
}

/** p_flags as page protection; an executable page is readable (no execute-only pages here). */
export function protOf(flags: number, readImpliesExec: boolean): number {
  let p = ((flags & PF.R) !== 0 ? Pte.Read : 0) | ((flags & PF.W) !== 0 ? Pte.Write : 0) | ((flags & PF.X) !== 0 ? Pte.Exec | Pte.Read : 0);
  if (readImpliesExec && (p & Pte.Read) !== 0) p |= Pte.Exec;
  return p;
}

/** A range of pages with one protection and one source of contents. */
interface Piece {
  start: number;
  end: number;
  prot: number;
  /** File offset of `start`, or -1 for anonymous zero memory. */
  src: number;
  /** Index in the load list of the segment whose contents the range shows. */
  owner: number;
}

/**
 * Put claim `c` over the disjoint, sorted `pieces`: where it overlaps them it takes over the
 * contents and the protection becomes the union; elsewhere they stay as they were.
 */
function overlay(pieces: readonly Piece[], c: Piece): Piece[] {
  const out: Piece[] = [];
  const under: Piece[] = [];
  for (const p of pieces) {
    if (p.end <= c.start || p.start >= c.end) {
      out.push(p);
      continue;
    }
    if (p.start < c.start) out.push({ ...p, end: c.start });
    if (p.end > c.end) out.push({ ...p, start: c.end, src: p.src < 0 ? -1 : p.src + (c.end - p.start) });
    under.push({ ...p, start: Math.max(p.start, c.start), end: Math.min(p.end, c.end) });
  }
  let at = c.start;
  const part = (from: number, to: number, prot: number): void => {
    if (to > from) out.push({ start: from, end: to, prot, src: c.src < 0 ? -1 : c.src + (from - c.start), owner: c.owner });
  };
  for (const u of under) {
    part(at, u.start, c.prot);
    part(u.start, u.end, c.prot | u.prot);
    at = u.end;
  }
  part(at, c.end, c.prot);
  return out.sort((x, y) => x.start - y.start);
}

/**
 * What the segments of `f` put where at `bias`, as disjoint ranges (protection unions where
 * segments share pages, the last claimant's contents), and the byte ranges to zero.
 */
function plan(f: ElfFile, bias: number, readImpliesExec: boolean): { pieces: Piece[]; zero: { from: number; to: number; owner: number }[] } {
  let pieces: Piece[] = [];
  const zero: { from: number; to: number; owner: number }[] = [];
  f.loads.forEach((p: Phdr, i) => {
    const v = p.vaddr + bias;
    const prot = protOf(p.flags, readImpliesExec);
    let anonFrom = pageDown(v);
    if (p.filesz > 0) {
      const fileEnd = pageUp(v + p.filesz);
      pieces = overlay(pieces, { start: pageDown(v), end: fileEnd, prot, src: p.offset - (v - pageDown(v)), owner: i });
      anonFrom = fileEnd;
      if (p.memsz > p.filesz && fileEnd > v + p.filesz) zero.push({ from: v + p.filesz, to: fileEnd, owner: i });
    }
    if (p.memsz > p.filesz && pageUp(v + p.memsz) > anonFrom) {
      // The bss pages beyond the file are ordinary data pages (vm_brk_flags): readable and
      // writable whatever p_flags say, executable if the segment is.
      const bssProt = Pte.Read | Pte.Write | ((prot & Pte.Exec) !== 0 || readImpliesExec ? Pte.Exec : 0);
      pieces = overlay(pieces, { start: anonFrom, end: pageUp(v + p.memsz), prot: bssProt, src: -1, owner: i });
    }
  });
  return { pieces, zero };
}

/**
 * Map the PT_LOAD segments of `f` at `bias`. The range must be free (else EEXIST, as
 * MAP_FIXED_NOREPLACE fails); nothing is mapped when it is not.
 */
export function mapElf(space: Space, f: ElfFile, bias: number, readImpliesExec: boolean): MappedElf {
  const { pieces, zero } = plan(f, bias, readImpliesExec);
  // Runs: neighbouring pieces of one protection whose contents continue (the same file onward,
  // or anonymous memory) become one mapping.
  const runs: Piece[] = [];
  for (const p of pieces) {
    const r = runs[runs.length - 1];
    if (r !== undefined && r.end === p.start && r.prot === p.prot && (r.src < 0 ? p.src < 0 : p.src === r.src + (r.end - r.start))) r.end = p.end;
    else runs.push({ ...p });
  }
  const top = taskSize(f.is64);
  // Linux's overcommit heuristic refuses a private mapping larger than the machine's memory
  // (ENOMEM): a p_memsz of terabytes is not a program.
  const ram = space.k.port.mem.bytes.length;
  const total = runs.reduce((n, r) => n + (r.end - r.start), 0);
  if (total > ram) throw new ExecError(E.ENOMEM, `${f.path}: its segments need ${hex(total)} bytes of memory, more than the machine has (${hex(ram)})`);
  for (const r of runs) {
    if (r.start < MMAP_MIN_ADDR || r.end > top) throw new ExecError(E.ENOMEM, `${f.path}: segment at ${hex(r.start)} lies outside the user address space`);
    if (!space.isFree(r.start, r.end)) throw new ExecError(E.EEXIST, `${f.path}: segment at ${hex(r.start)} overlaps memory already mapped (the stack or the other ELF file)`);
  }
  const regions: MappedElf["regions"] = [];
  for (const r of runs) {
    if (r.src >= 0) mapSegment(space, { start: r.start, end: r.end, prot: r.prot, path: f.path, bytes: f.bytes, offset: r.src });
    else mapAnonymous(space, r.start, r.end, r.prot);
    regions.push({ start: r.start, end: r.end, prot: r.prot, path: r.src >= 0 ? f.path : undefined, offset: Math.max(r.src, 0) });
  }
  for (const z of zero) {
    // A later segment mapped over this page: its file contents replaced the zeroing.
    if (pieces.find((p) => p.start <= z.from && z.from < p.end)?.owner !== z.owner) continue;
    space.poke(z.from, new Uint8Array(z.to - z.from));
  }
  let brk = 0;
  for (const p of f.loads) brk = Math.max(brk, p.vaddr + p.memsz + bias);
  // AT_PHDR (6.1): the program headers' address through the (last) PT_LOAD whose file part holds them.
  let phdr = 0;
  for (const p of f.loads) {
    if (p.offset <= f.phoff && f.phoff < p.offset + p.filesz) phdr = f.phoff - p.offset + p.vaddr;
  }
  return { bias, start: runs[0].start, end: runs[runs.length - 1].end, brk, phdr: phdr + bias, entry: f.entry + bias, regions };
}
