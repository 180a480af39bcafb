// Instruction definitions and the decoder.
//
// Every implemented instruction is an OpDef: a (mask, match) pair over the 32-bit instruction
// word, the mnemonic(s) it stands for, and one handler that executes it. Handlers have a single
// signature, (cpu, word, pc), and extract their operand fields from the word; the block engine
// (engine.ts) calls them from generated code with the word and pc as constants, so that V8
// inlines them and folds the field extraction away. The single-step interpreter calls the same
// handlers. There is exactly one definition of each instruction's semantics.
//
// Handler contract:
//  - A handler gets its own address as `pc`; it must not read the PC from the state unless it
//    is a branch or flagged EndsBlock: for those (and only those) the engine has stored the
//    fall-through pc + 4 in the state's PC before the call. A taken branch writes its target
//    to the PC; nothing else writes the PC.
//  - A handler that must stop the processor (sc, a trap that fires, an illegal form) sets
//    cpu.exit (and its details) and returns; such instructions are flagged EndsBlock.
//  - A handler that touches memory is flagged Mem; memory faults are thrown by the cpu's
//    access methods (mmu.ts) and reported with the faulting instruction's address.

import type { Cpu } from "./cpu.js";

export type Handler = (c: Cpu, w: number, pc: number) => void;

export const enum OpFlag {
  None = 0,
  /** Accesses memory (may fault). */
  Mem = 1,
  /** Must be the last instruction of a block (branches, sc, traps, isync, ...). */
  EndsBlock = 2,
}

export interface OpDef {
  /** Base mnemonic, e.g. "add" (the handler covers the Rc/OE variants named by `names`). */
  readonly mnemonic: string;
  /** The word matches when (word & mask) === match (both as unsigned 32-bit). */
  readonly mask: number;
  readonly match: number;
  readonly exec: Handler;
  readonly flags?: OpFlag;
  /**
   * The concrete mnemonic of a matching word (e.g. "addo." for add with OE=1, Rc=1).
   * Defaults to a name derived from the Rc bit (bit 31) when `rc` is set, else `mnemonic`.
   */
  readonly name?: (w: number) => string;
  /** The instruction has an Rc bit (word bit 0, i.e. the least significant bit). */
  readonly rc?: boolean;
  /** The instruction has an OE bit (0x400). */
  readonly oe?: boolean;
  /** Every concrete mnemonic this definition covers (for coverage tables). Derived when absent. */
  readonly variants?: readonly string[];
  /**
   * Invalid forms that the mask cannot express (e.g. an update form with RA = 0 or RA = RT):
   * when this returns true the decoder treats the word as undecodable (illegal instruction).
   */
  readonly invalid?: (w: number) => boolean;
}

/** The concrete mnemonic of a word under its definition. */
export function nameOf(def: OpDef, w: number): string {
  if (def.name) return def.name(w);
  let n = def.mnemonic;
  if (def.oe && (w & 0x400) !== 0) n += "o";
  if (def.rc && (w & 1) !== 0) n += ".";
  return n;
}

/** All concrete mnemonics a definition covers. */
export function variantsOf(def: OpDef): string[] {
  if (def.variants) return [...def.variants];
  const out = [def.mnemonic];
  if (def.oe) out.push(def.mnemonic + "o");
  if (def.rc) for (const b of [...out]) out.push(b + ".");
  return out;
}

// ---- field extraction (bit numbers as in the Power ISA: bit 0 is the most significant) ----

export const opcd = (w: number): number => w >>> 26;
export const fRT = (w: number): number => (w >>> 21) & 31;
export const fRA = (w: number): number => (w >>> 16) & 31;
export const fRB = (w: number): number => (w >>> 11) & 31;
export const fRC = (w: number): number => (w >>> 6) & 31;
/** Signed 16-bit immediate (D, SI). */
export const fSI = (w: number): number => (w << 16) >> 16;
/** Unsigned 16-bit immediate (UI). */
export const fUI = (w: number): number => w & 0xffff;
/** DS field of DS-form (already shifted: a multiple of 4, signed). */
export const fDS = (w: number): number => ((w << 16) >> 16) & ~3;
export const fRc = (w: number): number => w & 1;
export const fOE = (w: number): number => (w >>> 10) & 1;
/** Extended opcode, bits 21:30 (X-form). */
export const fXO10 = (w: number): number => (w >>> 1) & 0x3ff;
/** Extended opcode, bits 22:30 (XO-form). */
export const fXO9 = (w: number): number => (w >>> 1) & 0x1ff;
export const fBO = fRT;
export const fBI = fRA;
/** CR field of a compare (BF). */
export const fBF = (w: number): number => (w >>> 23) & 7;

/** Entries of the decoder's word cache (direct-mapped). */
const CACHE_BITS = 16;
const CACHE_MASK = (1 << CACHE_BITS) - 1;

/**
 * A decoder over a fixed set of definitions; decoding is cached per word in a direct-mapped
 * table (word → definition). Cold code is decoded on every execution (the block engine
 * interprets a block until it is hot), so this lookup is on the interpreter's path: a Map keyed
 * by the word cost ~100 ns per decode (a fifth of `python3 -c pass`'s time, measured), the
 * table a few.
 */
export class Decoder {
  private readonly byOpcd: OpDef[][] = [];
  /** Cached words; an entry is valid when its definition slot is not `null`. */
  private readonly cacheWord = new Int32Array(1 << CACHE_BITS);
  private readonly cacheDef: (OpDef | undefined | null)[] = new Array<OpDef | undefined | null>(1 << CACHE_BITS).fill(null);

  constructor(defs: readonly OpDef[]) {
    for (let i = 0; i < 64; i++) this.byOpcd.push([]);
    for (const d of defs) {
      if (((d.match & ~d.mask) >>> 0) !== 0) {
        throw new Error(`opdef ${d.mnemonic}: match has bits outside its mask`);
      }
      const op = d.match >>> 26;
      if (((d.mask >>> 26) & 63) !== 63) throw new Error(`opdef ${d.mnemonic}: mask must cover the primary opcode`);
      this.byOpcd[op].push(d);
    }
    // Most specific (most mask bits) first, so that special forms win over general ones.
    for (const list of this.byOpcd) list.sort((a, b) => popcount(b.mask) - popcount(a.mask));
  }

  decode(w: number): OpDef | undefined {
    w |= 0;
    // Words differ mostly in their register fields and low bits: fold the high half in.
    const i = (w ^ (w >>> 16) ^ (w >>> 26)) & CACHE_MASK;
    const hit = this.cacheDef[i];
    if (hit !== null && this.cacheWord[i] === w) return hit;
    const found = this.search(w >>> 0);
    this.cacheWord[i] = w;
    this.cacheDef[i] = found;
    return found;
  }

  private search(w: number): OpDef | undefined {
    let found: OpDef | undefined;
    for (const d of this.byOpcd[w >>> 26]) {
      if (((w & d.mask) >>> 0) === (d.match >>> 0)) {
        found = d;
        break;
      }
    }
    if (found?.invalid !== undefined && found.invalid(w)) found = undefined;
    return found;
  }

  /** Definitions whose (mask, match) overlap another's without one being more specific. */
  ambiguities(): string[] {
    const out: string[] = [];
    for (const list of this.byOpcd) {
      for (let i = 0; i < list.length; i++) {
        for (let j = i + 1; j < list.length; j++) {
          const a = list[i], b = list[j];
          const common = a.mask & b.mask;
          if (((a.match & common) >>> 0) !== ((b.match & common) >>> 0)) continue;
          if (popcount(a.mask) === popcount(b.mask)) out.push(`${a.mnemonic} / ${b.mnemonic}`);
        }
      }
    }
    return out;
  }
}

function popcount(x: number): number {
  x >>>= 0;
  let n = 0;
  while (x !== 0) {
    x &= x - 1;
    n++;
  }
  return n;
}

/** Describe the opcode fields of a word, for illegal-instruction reports. */
export function describeWord(w: number): string {
  w >>>= 0;
  return (
    `word 0x${w.toString(16).padStart(8, "0")} (primary opcode ${w >>> 26}, ` +
    `XO[21:30]=${fXO10(w)}, XO[22:30]=${fXO9(w)}, XO[26:30]=${(w >>> 1) & 31}, Rc=${w & 1})`
  );
}
