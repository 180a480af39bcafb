// The contents of a regular file of a memory file system: pages of PAGE bytes held in memory
// (sparse: a page never written reads as zeros and costs nothing), over an optional backing
// file on the host (a lower-layer file of hostfs, or a data file of an --overlay directory)
// whose first `valid` bytes still show through wherever no page was written. A write first
// copies the backing's bytes of the pages it touches (copy-up by page, on the first write), a
// truncate below `valid` lowers it, so the backing file itself is never written.

import { Errno, fail } from "../errno.js";

export const PAGE = 4096;
/** Largest file size (bytes): page arithmetic stays exact well inside 2^53. */
export const MAX_FILE_SIZE = 2 ** 46;

/** A read-only host file behind a file's contents (read by offset, never slurped). */
export interface Backing {
  /** Read up to `len` bytes at `pos` into `dst` at `off`; returns bytes read (short at the end). */
  read(pos: number, dst: Uint8Array, off: number, len: number): number;
  /** Keep the host file open (an open file of the guest uses it); pairs with release(). */
  retain(): void;
  release(): void;
  /** Blocks (512 bytes) the host says the file holds. */
  readonly hostBlocks: number;
}

export class FileData {
  /** Written pages by index. Invariant: no page lies wholly at or past `size`. */
  private readonly pages = new Map<number, Uint8Array>();
  size: number;
  /** Bytes of `backing` that still show through (≤ size), 0 without a backing. */
  private valid: number;
  /** True once the contents differ from what the backing holds (written or truncated). */
  dirty = false;

  constructor(private backing: Backing | undefined = undefined, size = 0) {
    this.size = size;
    this.valid = backing === undefined ? 0 : size;
  }

  /** The backing file, while any of it shows through. */
  get lower(): Backing | undefined {
    return this.valid > 0 ? this.backing : undefined;
  }

  /** Blocks of 512 bytes: pages held, plus the backing's share (tmpfs counts pages). */
  get blocks(): number {
    if (this.backing !== undefined && !this.dirty) return this.backing.hostBlocks;
    let pages = this.pages.size;
    if (this.valid > 0) {
      const backed = Math.ceil(this.valid / PAGE);
      for (let p = 0; p < backed; p++) if (!this.pages.has(p)) pages++;
    }
    return pages * (PAGE / 512);
  }

  read(pos: number, count: number): Uint8Array {
    if (pos >= this.size || count === 0) return new Uint8Array(0);
    const n = Math.min(count, this.size - pos);
    const out = new Uint8Array(n);
    let done = 0;
    while (done < n) {
      const at = pos + done;
      const p = Math.floor(at / PAGE);
      const off = at - p * PAGE;
      const len = Math.min(PAGE - off, n - done);
      const page = this.pages.get(p);
      if (page !== undefined) out.set(page.subarray(off, off + len), done);
      else if (at < this.valid && this.backing !== undefined) {
        // Bytes past `valid` in this page are zeros (a truncate cut them off): out is zeroed.
        const from = Math.min(len, this.valid - at);
        readFully(this.backing, at, out, done, from);
      }
      done += len;
    }
    return out;
  }

  /** Write `data` at `pos` (the caller checked the size limit). */
  write(pos: number, data: Uint8Array): void {
    if (data.length === 0) return;
    this.dirty = true;
    let done = 0;
    while (done < data.length) {
      const at = pos + done;
      const p = Math.floor(at / PAGE);
      const off = at - p * PAGE;
      const len = Math.min(PAGE - off, data.length - done);
      this.page(p).set(data.subarray(done, done + len), off);
      done += len;
    }
    if (pos + data.length > this.size) this.size = pos + data.length;
  }

  /** Change the size: cut pages off, or extend with zeros (a hole, no pages). */
  truncate(size: number): void {
    if (size === this.size) return;
    this.dirty = true;
    if (size < this.size) {
      const keep = Math.ceil(size / PAGE);
      for (const p of [...this.pages.keys()]) if (p >= keep) this.pages.delete(p);
      const tail = size % PAGE;
      const last = this.pages.get(Math.floor(size / PAGE));
      if (tail !== 0 && last !== undefined) last.fill(0, tail);
      if (size < this.valid) this.valid = size;
    }
    this.size = size;
  }

  /** Drop everything (the node is gone). */
  clear(): void {
    this.pages.clear();
    this.size = 0;
    this.valid = 0;
    this.backing = undefined;
  }

  /**
   * Replace the contents' representation by `backing`, which holds exactly the current
   * contents (the overlay flush wrote them there): written pages are dropped.
   */
  rebase(backing: Backing): void {
    this.pages.clear();
    this.backing = backing;
    this.valid = this.size;
    this.dirty = false;
  }

  /** Page `p`, made (with the backing's bytes, if they show through there) on first write. */
  private page(p: number): Uint8Array {
    let page = this.pages.get(p);
    if (page === undefined) {
      page = new Uint8Array(PAGE);
      const at = p * PAGE;
      if (at < this.valid && this.backing !== undefined) readFully(this.backing, at, page, 0, Math.min(PAGE, this.valid - at));
      this.pages.set(p, page);
    }
    return page;
  }
}

/** Read exactly `len` bytes, or the host file is shorter than it was (it changed under us). */
function readFully(b: Backing, pos: number, dst: Uint8Array, off: number, len: number): void {
  let done = 0;
  while (done < len) {
    const n = b.read(pos + done, dst, off + done, len - done);
    if (n <= 0) fail(Errno.EIO, "a host file shrank under the file server");
    done += n;
  }
}
