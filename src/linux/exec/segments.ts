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
import { PF, type ElfFile, type Phdr } from "./elf-file.js";
import { pageUp } from "./layout.js";

const pageDown = (a: number): number => a - (a % PAGE_SIZE);
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

interface PageClaim {
  prot: number;
  /** File offset of the page, or -1 for anonymous zero memory. */
  src: number;
  /** Index in the load list of the segment whose contents the page shows. */
  owner: number;
}

/**
 * The pages the segments of `f` claim at `bias`: per page the protection (a union where they
 * share) and the source of its contents (the last claimant's), and the byte ranges to zero.
 */
function plan(f: ElfFile, bias: number, readImpliesExec: boolean): { pages: Map<number, PageClaim>; zero: { from: number; to: number; owner: number }[] } {
  const pages = new Map<number, PageClaim>();
  const zero: { from: number; to: number; owner: number }[] = [];
  const claim = (va: number, prot: number, src: number, owner: number): void => {
    const old = pages.get(va);
    pages.set(va, { prot: prot | (old?.prot ?? 0), src, owner });
  };
  f.loads.forEach((p: Phdr, i) => {
    const v = p.vaddr + bias;
    const prot = protOf(p.flags, readImpliesExec);
    let anonFrom = pageDown(v);
    if (p.filesz > 0) {
      const off = p.offset - (v - pageDown(v));
      const fileEnd = pageUp(v + p.filesz);
      for (let a = pageDown(v); a < fileEnd; a += PAGE_SIZE) claim(a, prot, off + (a - pageDown(v)), i);
      anonFrom = fileEnd;
      if (p.memsz > p.filesz && fileEnd > v + p.filesz) zero.push({ from: v + p.filesz, to: fileEnd, owner: i });
    }
    if (p.memsz > p.filesz) {
      // The bss pages beyond the file are ordinary data pages (vm_brk_flags): readable and
      // writable whatever p_flags say, executable if the segment is.
      const bssProt = Pte.Read | Pte.Write | ((prot & Pte.Exec) !== 0 || readImpliesExec ? Pte.Exec : 0);
      for (let a = anonFrom; a < pageUp(v + p.memsz); a += PAGE_SIZE) claim(a, bssProt, -1, i);
    }
  });
  return { pages, zero };
}

/**
 * Map the PT_LOAD segments of `f` at `bias`. The range must be free (else EEXIST, as
 * MAP_FIXED_NOREPLACE fails); nothing is mapped when it is not.
 */
export function mapElf(space: Space, f: ElfFile, bias: number, readImpliesExec: boolean): MappedElf {
  const { pages, zero } = plan(f, bias, readImpliesExec);
  const vas = [...pages.keys()].sort((x, y) => x - y);
  for (const va of vas) {
    if (!space.isFree(va, va + PAGE_SIZE)) throw new ExecError(E.EEXIST, `${f.path}: segment at ${hex(va)} overlaps memory already mapped (the stack or the other ELF file)`);
  }
  const regions: MappedElf["regions"] = [];
  for (let i = 0; i < vas.length;) {
    const first = pages.get(vas[i]) as PageClaim;
    let j = i + 1;
    for (; j < vas.length; j++) {
      const c = pages.get(vas[j]) as PageClaim, prev = pages.get(vas[j - 1]) as PageClaim;
      const contiguous = vas[j] === vas[j - 1] + PAGE_SIZE && c.prot === first.prot && (c.src < 0) === (first.src < 0);
      if (!contiguous || (c.src >= 0 && c.src !== prev.src + PAGE_SIZE)) break;
    }
    const start = vas[i], end = vas[j - 1] + PAGE_SIZE;
    if (first.src >= 0) mapSegment(space, { start, end, prot: first.prot, path: f.path, bytes: f.bytes, offset: first.src });
    else mapAnonymous(space, start, end, first.prot);
    regions.push({ start, end, prot: first.prot, path: first.src >= 0 ? f.path : undefined, offset: Math.max(first.src, 0) });
    i = j;
  }
  for (const z of zero) {
    // A later segment mapped over this page: its file contents replaced the zeroing.
    if (pages.get(pageDown(z.from))?.owner !== z.owner) continue;
    space.poke(z.from, new Uint8Array(z.to - z.from));
  }
  let brk = 0;
  for (const p of f.loads) brk = Math.max(brk, p.vaddr + p.memsz + bias);
  // AT_PHDR (6.1): the program headers' address through the (last) PT_LOAD whose file part holds them.
  let phdr = 0;
  for (const p of f.loads) {
    if (p.offset <= f.phoff && f.phoff < p.offset + p.filesz) phdr = f.phoff - p.offset + p.vaddr;
  }
  return { bias, start: vas[0], end: vas[vas.length - 1] + PAGE_SIZE, brk, phdr: phdr + bias, entry: f.entry + bias, regions };
}
