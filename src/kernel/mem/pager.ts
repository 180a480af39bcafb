// The contract between a file's page cache (kernel/mem) and whoever holds the file's bytes —
// in the Linux personality, a file-system server reached by PPC. The kernel knows nothing of
// files, servers or Linux: the layer above hands it a Pager per file (K42's FR talked to the
// file server through such an interface) and names the file by a key of its own choosing.
//
// A pager lives on the processor that made it (it may hold PPC stubs, which are per
// processor): every page-in and page-out of its cache runs in a kernel thread there, whichever
// processor faulted or wrote back (cross-processor requests carry the work to it). Its methods
// are generators because the server may make them wait; they run outside every clustered
// object, and may take as long as they need.

import type { Block } from "../sched/thread.js";

export interface Pager {
  /**
   * The file's bytes [offset, offset + length): fewer at the end of the file (the rest of the
   * page reads as zeros), or an errno (> 0) when the read failed (the faulting access gets
   * SIGBUS). Any exception is a bug of the pager and surfaces as one.
   */
  pageIn(offset: number, length: number): Generator<Block, Uint8Array | number, unknown>;
  /** Write `bytes` at `offset` (never past the end the cache knows); 0, or an errno (> 0). */
  pageOut(offset: number, bytes: Uint8Array): Generator<Block, number, unknown>;
  /** The cache is gone: let go of what the pager holds (called once, on its processor). */
  release?(): void;
}

/** The caller's name for a file: a 32-bit number and one up to 2^53 (the Linux personality uses st_dev and st_ino). */
export type FileKey = readonly [number, number];

/** How /proc/PID/maps names a file's mappings: device (st_dev, Linux's encoding), inode, path. */
export interface FileLabel {
  readonly dev: number;
  readonly ino: number;
  readonly path: string;
}

/**
 * What the layer above gives the kernel to cache a file (the pager is made only if the file is
 * not cached yet). The pager is the file's, not the descriptor's: the cache it serves is shared
 * by every later mapping of the file, so it must be able to write the file back whenever a
 * shared writable mapping exists — the descriptor's access is checked by mmap, before.
 */
export interface FileSource {
  readonly key: FileKey;
  readonly label: FileLabel;
  /** The file's size now, in bytes. */
  readonly size: number;
  /** Made synchronously, under the registry's lock: it must not wait (open what it needs later, in pageIn). */
  pager(): Pager;
}
