// Regions described in the format of Linux's /proc/PID/maps (fs/proc/task_mmu.c show_map_vma):
//   start-end perms offset major:minor inode   name
// addresses in at least 8 hex digits, perms "rwxp" with s for shared, the file offset (0 for
// anonymous memory), and the name after padding to 25 + 6 × (pointer size) − 1 columns and one space. procfs (the
// Linux personality's) serves it; the names of file mappings come from the file server.

import { PAGE_SIZE } from "../../machine/memory.js";
import { Pte } from "../../machine/pagetable.js";
import type { FileLabel } from "./pager.js";
import { RegionFlag, RegionKind } from "./region.js";
import type { RegionView } from "./process.js";

/** What a region maps, as the personality names it. */
export interface MapsName {
  /** Path of the mapped file, or a pseudo name ("[heap]", "[stack]"), or "" for anonymous memory. */
  readonly name: string;
  /** Byte offset in the file (0 for anonymous memory). */
  readonly offset?: number;
  readonly major?: number;
  readonly minor?: number;
  readonly inode?: number;
}

const hex = (v: number, width: number): string => v.toString(16).padStart(width, "0");

/** The default name of a region by its kind (files are named by the caller). */
export function kindName(r: RegionView): string {
  switch (r.kind) {
    case RegionKind.Heap:
      return "[heap]";
    case RegionKind.Stack:
      return "[stack]";
    case RegionKind.Anonymous:
    case RegionKind.Image:
    case RegionKind.File:
      return "";
  }
}

/**
 * The name of a file mapping from its file's label: the path, the file offset of the region's
 * first page, the device as major:minor (st_dev in Linux's encoding: major in bits 8–19, minor
 * in bits 0–7 and 20–31), the inode.
 */
export function fileName(r: RegionView, label: FileLabel): MapsName {
  const dev = label.dev >>> 0;
  return { name: label.path, offset: r.offset * PAGE_SIZE, major: (dev >>> 8) & 0xfff, minor: (dev & 0xff) | ((dev >>> 12) & ~0xff), inode: label.ino };
}

/** The name of any region: its file's, if it maps one, else by its kind. */
export function regionName(r: RegionView & { label?: FileLabel }): MapsName {
  return r.label !== undefined ? fileName(r, r.label) : { name: kindName(r) };
}

/** One line (without the newline) for region `r`; `pointerBytes` is 8 for 64-bit processes, 4 for 32-bit. */
export function mapsLine(r: RegionView, pointerBytes: 4 | 8, n: MapsName = { name: kindName(r) }): string {
  const perms = ((r.prot & Pte.Read) !== 0 ? "r" : "-") + ((r.prot & Pte.Write) !== 0 ? "w" : "-") +
    ((r.prot & Pte.Exec) !== 0 ? "x" : "-") + ((r.flags & RegionFlag.Shared) !== 0 ? "s" : "p");
  const head = `${hex(r.start, 8)}-${hex(r.end, 8)} ${perms} ${hex(n.offset ?? 0, 8)} ${hex(n.major ?? 0, 2)}:${hex(n.minor ?? 0, 2)} ${n.inode ?? 0} `;
  if (n.name === "") return head;
  // seq_setwidth(25 + 6 × pointer − 1) then seq_pad(' '): padded to that width, then one space.
  return head.slice(0, -1).padEnd(25 + 6 * pointerBytes - 1, " ") + " " + n.name;
}

/** The whole file for an address space's regions, in address order. */
export function mapsText(regions: readonly RegionView[], pointerBytes: 4 | 8, name?: (r: RegionView) => MapsName): string {
  return regions.map((r) => mapsLine(r, pointerBytes, name?.(r)) + "\n").join("");
}
