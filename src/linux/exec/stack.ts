// The initial stack, laid out as Linux 6.1 lays it out (fs/exec.c copy_strings, fs/binfmt_elf.c
// create_elf_tables), from the top of the stack down:
//
//   one zero word (the 64-bit kernel's sizeof(void *), for compat tasks too)
//   the execfn string (AT_EXECFN)
//   the environment strings, the last one highest
//   the argument strings, argv[0] lowest          <- where the argument pages end
//   a random gap of less than a page, 16-byte aligned (arch_align_stack)
//   the AT_PLATFORM string, then the AT_BASE_PLATFORM string
//   16 random bytes (AT_RANDOM)
//   (gap to 16-byte alignment)
//   argc, argv[] and NULL, envp[] and NULL, the auxv pairs    <- sp, 16-byte aligned
//
// Words are 8 bytes in a 64-bit process and 4 in a 32-bit one, in the process's byte order.

import type { Space } from "../../kernel/mem/space.js";
import { E } from "../errno.js";
import { ExecError } from "./error.js";
import { alignStack, STACK_LIMIT, type LayoutRandom } from "./layout.js";

/** MAX_ARG_STRLEN: one argument or environment string, with its NUL (32 pages). */
const MAX_ARG_STRLEN = 32 * 4096;

export interface StackStrings {
  argv: readonly string[];
  envp: readonly string[];
  execfn: string;
  platform: string;
  basePlatform: string;
}

export interface StackPlacement {
  /** Addresses create_elf_tables gives the auxv. */
  random: number;
  execfn: number;
  platform: number;
  basePlatform: number;
  /** Lowest address of the argument strings (mm->arg_start) and the environment's end (env_end). */
  argStart: number;
  envEnd: number;
}

const cstr = (s: string): Uint8Array => {
  const e = new TextEncoder().encode(s);
  const b = new Uint8Array(e.length + 1);
  b.set(e);
  return b;
};

/**
 * Linux 6.1 gives a program run with an empty argv one empty argument (argc 1, argv[0] ""), so
 * that nothing mistakes envp[0] for argv[1].
 */
export const effectiveArgv = (argv: readonly string[]): readonly string[] => (argv.length === 0 ? [""] : argv);

/**
 * Check the argument list against Linux's limits (E2BIG): each string at most MAX_ARG_STRLEN,
 * and strings plus pointers within a quarter of the stack limit.
 */
export function checkArgs(s: Pick<StackStrings, "argv" | "envp" | "execfn">, is64: boolean): void {
  const argv = effectiveArgv(s.argv);
  let total = (argv.length + s.envp.length) * (is64 ? 8 : 4);
  for (const str of [...argv, ...s.envp, s.execfn]) {
    const n = new TextEncoder().encode(str).length + 1;
    if (n > MAX_ARG_STRLEN) throw new ExecError(E.E2BIG, `argument list too long (a string of ${n} bytes; Linux takes at most ${MAX_ARG_STRLEN})`);
    total += n;
  }
  if (total > STACK_LIMIT / 4) throw new ExecError(E.E2BIG, `argument list too long (${total} bytes; Linux takes at most ${STACK_LIMIT / 4})`);
}

/**
 * Write the strings and random bytes below `top` (page-aligned, inside a mapped stack region);
 * returns where they went and the address below them where the tables may start.
 */
export function placeStrings(space: Space, r: LayoutRandom, top: number, s: StackStrings, randomBytes: () => Uint8Array): { at: StackPlacement; p: number } {
  let p = top - 8;
  const push = (b: Uint8Array): number => {
    p -= b.length;
    space.poke(p, b);
    return p;
  };
  const execfn = push(cstr(s.execfn));
  // copy_strings copies the last string first, so each list lies in order, lowest first.
  for (let i = s.envp.length - 1; i >= 0; i--) push(cstr(s.envp[i]));
  const envEnd = execfn;
  const argv = effectiveArgv(s.argv);
  for (let i = argv.length - 1; i >= 0; i--) push(cstr(argv[i]));
  const argStart = p;
  p = alignStack(r, p);
  const platform = push(cstr(s.platform));
  const basePlatform = push(cstr(s.basePlatform));
  const random = push(randomBytes());
  return { at: { random, execfn, platform, basePlatform, argStart, envEnd }, p };
}

/**
 * Write argc, the argv and envp pointer arrays and the auxv below `p`; returns sp. The string
 * addresses are recomputed from the strings as placeStrings laid them out.
 */
export function writeTables(space: Space, is64: boolean, le: boolean, p: number, at: StackPlacement, s: StackStrings, auxv: readonly [number, number][]): number {
  const argv = effectiveArgv(s.argv);
  const w = is64 ? 8 : 4;
  const argAddrs: number[] = [];
  let a = at.argStart;
  for (const str of argv) {
    argAddrs.push(a);
    a += cstr(str).length;
  }
  const envAddrs: number[] = [];
  for (const str of s.envp) {
    envAddrs.push(a);
    a += cstr(str).length;
  }
  const words: number[] = [argv.length, ...argAddrs, 0, ...envAddrs, 0];
  for (const [k, v] of auxv) words.push(k, v);
  // STACK_ADD(p, auxv words), then STACK_ROUND by the argc/argv/envp words: 16-byte aligned.
  let sp = p - auxv.length * 2 * w;
  sp -= (argv.length + 1 + s.envp.length + 1 + 1) * w;
  sp -= sp % 16;
  const table = new Uint8Array(words.length * w);
  const dv = new DataView(table.buffer);
  words.forEach((v, i) => {
    if (is64) dv.setBigUint64(i * 8, BigInt(v), le);
    else dv.setUint32(i * 4, v >>> 0, le);
  });
  space.poke(sp, table);
  return sp;
}
