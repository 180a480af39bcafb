// The status of every system call of an architecture, and the table the dispatcher runs on.
//
// Handlers are registered by name, in families (files, mm, numa, ...): a family is a record
// of handlers keyed by the names of asm/unistd_*.h, with an optional note per name for what a
// handler does not do yet (its call is then "partial"). A name with no handler returns a fixed
// errno (ENOSYS today) with the reason from reasons.ts. The table of an architecture maps each
// number of its header to { name, handler?, status }; a name the architecture does not have
// (mmap2 on ppc64, newfstatat on ppc32) is simply not in its table.

import { assertNever } from "../../machine/assert.js";
import type { Handler } from "../process/syscalls.js";
import { PPC64_SYSCALLS } from "./ppc64.js";
import { PPC32_SYSCALLS } from "./ppc32.js";
import { defaultFailure, linuxHasNone } from "./reasons.js";

export type Arch = "ppc64" | "ppc32";

export const ARCHES: readonly Arch[] = ["ppc64", "ppc32"];

export type SyscallStatus =
  | { readonly kind: "implemented" }
  /** Built, with a sentence saying what is missing. */
  | { readonly kind: "partial"; readonly missing: string }
  /** Not built: always returns -errno, for the reason given. */
  | { readonly kind: "errno"; readonly errno: number; readonly reason: string };

/** A family of handlers (one file's worth): names as in asm/unistd_*.h. */
export interface SyscallFamily {
  /** A short name for messages ("process", "mm", "files"). */
  readonly name: string;
  readonly handlers: Readonly<Record<string, Handler>>;
  /**
   * What a handler of this family does not do yet, per name (for one architecture only when
   * given per architecture): its status there becomes partial.
   */
  readonly partial?: Readonly<Record<string, string | Readonly<Partial<Record<Arch, string>>>>>;
}

export interface SyscallEntry {
  readonly nr: number;
  readonly name: string;
  readonly handler?: Handler;
  readonly status: SyscallStatus;
  /** The family whose handler it is. */
  readonly family?: string;
}

/** The numbers and names of an architecture's header. */
export function syscallNumbers(arch: Arch): readonly (readonly [number, string])[] {
  switch (arch) {
    case "ppc64": return PPC64_SYSCALLS;
    case "ppc32": return PPC32_SYSCALLS;
    default: return assertNever(arch, "architecture");
  }
}

/** An architecture's system calls by number. Immutable after construction. */
export class SyscallTable {
  private readonly byNr = new Map<number, SyscallEntry>();
  private readonly byName = new Map<string, SyscallEntry>();
  constructor(readonly arch: Arch, entries: readonly SyscallEntry[]) {
    for (const e of [...entries].sort((a, b) => a.nr - b.nr)) {
      this.byNr.set(e.nr, e);
      this.byName.set(e.name, e);
    }
  }
  /** The entry of a number, or undefined when the architecture has no such call. */
  get(nr: number): SyscallEntry | undefined {
    return this.byNr.get(nr);
  }
  named(name: string): SyscallEntry | undefined {
    return this.byName.get(name);
  }
  /** Every entry, by number. */
  entries(): IterableIterator<SyscallEntry> {
    return this.byNr.values();
  }
  counts(): { implemented: number; partial: number; errno: number } {
    const c = { implemented: 0, partial: 0, errno: 0 };
    for (const e of this.byNr.values()) c[e.status.kind]++;
    return c;
  }
}

/**
 * The table of `arch` with the handlers of `families`. Throws on a registration mistake (a
 * name registered twice, a name no PowerPC header has, a partial note without its handler):
 * they are the registry's bugs, and every run would meet them.
 */
export function buildTable(arch: Arch, families: readonly SyscallFamily[]): SyscallTable {
  const known = new Set<string>();
  for (const a of ARCHES) for (const [, name] of syscallNumbers(a)) known.add(name);
  const registered = new Map<string, { handler: Handler; family: SyscallFamily }>();
  for (const f of families) {
    for (const [name, handler] of Object.entries(f.handlers)) {
      if (!known.has(name)) throw new Error(`system-call family ${f.name}: ${name} is not a PowerPC system call (asm/unistd_64.h, unistd_32.h)`);
      const other = registered.get(name);
      if (other !== undefined) throw new Error(`system call ${name} is registered by two families: ${other.family.name} and ${f.name}`);
      registered.set(name, { handler, family: f });
    }
    for (const name of Object.keys(f.partial ?? {})) {
      if (!Object.hasOwn(f.handlers, name)) throw new Error(`system-call family ${f.name}: a partial note for ${name}, which it has no handler for`);
    }
  }
  const entries: SyscallEntry[] = syscallNumbers(arch).map(([nr, name]) => {
    const r = registered.get(name);
    // A slot Linux leaves to sys_ni_syscall on this architecture stays ENOSYS whatever a family
    // registers (ppc64's numbers for ppc32's old sigaction, getrlimit, olduname, ...).
    if (r === undefined || linuxHasNone(arch, name)) return { nr, name, status: { kind: "errno", ...defaultFailure(arch, name) } };
    const note = r.family.partial?.[name];
    const missing = typeof note === "object" ? note[arch] : note;
    const status: SyscallStatus = missing === undefined ? { kind: "implemented" } : { kind: "partial", missing };
    return { nr, name, handler: r.handler, status, family: r.family.name };
  });
  return new SyscallTable(arch, entries);
}

/** One line of words for a status ("implemented", "partial: ...", "ENOSYS: ..."). */
export function describeStatus(s: SyscallStatus, errnoName: (n: number) => string): string {
  switch (s.kind) {
    case "implemented": return "implemented";
    case "partial": return `partial: ${s.missing}`;
    case "errno": return `${errnoName(s.errno)}: ${s.reason}`;
    default: return assertNever(s, "system-call status");
  }
}
