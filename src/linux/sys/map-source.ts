// mmap of a file descriptor: what the file-descriptor layer says a descriptor maps (MapSource),
// Linux's checks of such a mapping (mm/mmap.c do_mmap, in its order), and the mapping itself
// over the kernel's page caches (kernel/mem/file-cache.ts): MAP_SHARED maps the file's cache
// (every shared mapping of the file in every process sees the same frames, and writes reach
// the file), MAP_PRIVATE a copy-on-write child of it (it sees the file until it writes a page).

import { PAGE_SIZE } from "../../machine/memory.js";
import { Access } from "../../machine/power/mmu.js";
import type { FileSource } from "../../kernel/mem/pager.js";
import { RegionFlag, RegionKind } from "../../kernel/mem/region.js";
import type { Space } from "../../kernel/mem/space.js";
import type { Prot } from "../../machine/pagetable.js";
import type { Block } from "../../kernel/sched/thread.js";
import { E } from "../errno.js";

/**
 * What descriptor `fd` maps, from its open file: how it was opened, and what its file system
 * can map — a file's pages (the kernel's page cache of it, made from `file` the first time),
 * anonymous memory (/dev/zero: private is anonymous memory, shared is shared anonymous
 * memory), or nothing (pipes, directories, most devices: ENODEV).
 */
export interface MapSource {
  /** Opened for reading (O_RDONLY, O_RDWR). */
  readonly readable: boolean;
  /** Opened for writing (O_WRONLY, O_RDWR). */
  readonly writable: boolean;
  /** On a noexec mount: PROT_EXEC is EPERM. */
  readonly noexec?: boolean;
  readonly maps: { readonly file: FileSource } | "anonymous" | "none";
}

/** Linux's mmap flags on PowerPC (asm/mman.h) that a file mapping looks at. */
export const enum MapFlag {
  Shared = 0x01,
  Private = 0x02,
  SharedValidate = 0x03,
  Type = 0x0f,
  Fixed = 0x10,
  Anonymous = 0x20,
  GrowsDown = 0x100,
  Populate = 0x8000,
}

/** LEGACY_MAP_MASK (PowerPC's values): the flags MAP_SHARED_VALIDATE accepts for an ordinary file. */
const LEGACY_MAP_MASK = 0x01 | 0x02 | 0x10 | 0x20 | 0x40 | 0x80 | 0x100 | 0x800 | 0x1000 | 0x8000 | 0x10000 | 0x20000 | 0x40000 | 0x4000000;

const PROT_WRITE = 2, PROT_EXEC = 4;

/**
 * do_mmap's checks of a descriptor mapping once its place is found, in Linux's order: 0 or
 * -errno (EOPNOTSUPP for flags MAP_SHARED_VALIDATE does not know; EACCES for a shared
 * writable mapping of a descriptor not open for writing, or any mapping of one not open for
 * reading; EPERM for PROT_EXEC on a noexec mount; ENODEV when the file cannot be mapped;
 * EINVAL for MAP_GROWSDOWN on a private file mapping).
 */
export function checkFileMap(src: MapSource, prot: number, flags: number): number {
  const type = flags & MapFlag.Type;
  if (type === MapFlag.SharedValidate && (flags & ~LEGACY_MAP_MASK) !== 0) return -E.EOPNOTSUPP;
  if ((type === MapFlag.Shared || type === MapFlag.SharedValidate) && (prot & PROT_WRITE) !== 0 && !src.writable) return -E.EACCES;
  if (!src.readable) return -E.EACCES;
  if (src.noexec === true && (prot & PROT_EXEC) !== 0) return -E.EPERM;
  if (src.maps === "none") return -E.ENODEV;
  if (type === MapFlag.Private && src.maps !== "anonymous" && (flags & MapFlag.GrowsDown) !== 0) return -E.EINVAL;
  return 0;
}

/**
 * Map [start, start + size) of `space` to `src` (checked) from page `pgoff` of the file, with
 * protection `pte`; MAP_POPULATE brings every page in (waiting for the reads; it stops at the
 * end of the file, as Linux's populate does at its first failure).
 */
export function* mapDescriptor(space: Space, start: number, size: number, pte: Prot, src: MapSource, pgoff: number, flags: number): Generator<Block, void, unknown> {
  const shared = (flags & MapFlag.Type) !== MapFlag.Private;
  const end = start + size;
  if (src.maps === "anonymous") {
    yield* space.map(start, end, { prot: pte, kind: RegionKind.Anonymous, flags: shared ? 1 : 0 });
  } else if (src.maps !== "none") {
    const cache = yield* space.ms.files.acquire(src.maps.file);
    try {
      const noWrite = shared && !src.writable ? RegionFlag.NoWrite : 0;
      yield* space.mapFile(start, end, { prot: pte, kind: RegionKind.File, flags: noWrite, file: cache.id, offset: pgoff, shared });
    } finally {
      yield* cache.release(); // the mapping holds its own reference
    }
  }
  if ((flags & MapFlag.Populate) === 0) return;
  // Linux touches writable private mappings with a write fault (breaking copy-on-write).
  const access = !shared && (pte & 4 /* Pte.Write */) !== 0 ? Access.Write : Access.Read;
  for (let va = start; va < end; va += PAGE_SIZE) {
    if ((yield* space.faultIn(va, access, undefined, true)).kind !== "mapped") break;
  }
}
