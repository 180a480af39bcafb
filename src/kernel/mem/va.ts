// Virtual addresses in the memory objects are JS numbers (the machine's address space is 48
// bits, well inside a double's 53); the page table and the processor take them as two int32
// halves. Addresses in shared-memory records are stored as two words the same way.

import { PAGE_SIZE } from "../../machine/memory.js";
import type { SharedWords } from "../shared.js";

export const TWO32 = 4294967296;
export const lo32 = (a: number): number => a % TWO32 | 0;
export const hi32 = (a: number): number => Math.floor(a / TWO32) | 0;
export const pageDown = (a: number): number => a - (a % PAGE_SIZE);
export const pageUp = (a: number): number => Math.ceil(a / PAGE_SIZE) * PAGE_SIZE;

/** A 48-bit address stored in words i, i+1 of a shared block. */
export function loadAddr(w: SharedWords, i: number): number {
  return (w.load(i + 1) >>> 0) * TWO32 + (w.load(i) >>> 0);
}

export function storeAddr(w: SharedWords, i: number, a: number): void {
  w.store(i, lo32(a));
  w.store(i + 1, hi32(a));
}
