// The --strace decoder: a system call's arguments at entry, its result and the buffers it
// filled at exit, as one strace-style line:
//
//   openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3
//   read(3, "root:x:0:0:root:/root:/bin/bash\n"..., 4096) = 1234
//   openat(AT_FDCWD, "/nonexistent", O_RDONLY) = -1 ENOENT (No such file or directory)
//
// Argument kinds come from signatures.ts. Guest memory is read through a callback that may
// fail (an address the guest cannot read): the argument is then printed as its address, as
// strace does. The decoder never changes guest state and never throws for guest data.

import { assertNever } from "../../machine/assert.js";
import { errnoName } from "../errno.js";
import { PAGE_SIZE } from "../../machine/memory.js";
import { strerror } from "./strerror.js";
import { quote } from "./quote.js";
import { SIGNATURES, SIGNATURES_PPC32 } from "./signatures.js";
import {
  ACCESS_AT_FLAGS, ACCESS_MODE, AT_FDCWD, AT_FLAGS, CLOCKS, FCNTL_CMDS, FD_FLAGS, FILE_TYPES, GRND_FLAGS, IOCTLS,
  LOCK_OPS, MADVICE, MLOCKALL_FLAGS, MREMAP_FLAGS, MSYNC_FLAGS, O_CREAT, O_TMPFILE, PRCTL_OPTIONS, PROT, RLIMITS,
  SIGMASK_HOW, TIMER_FLAGS, WHENCE, flagsOf, futexOp, mmapFlags, nameOf, openFlags, signalName, type Names,
} from "./names.js";

/** Guest memory as the decoder sees it. */
export interface StraceMemory {
  /** `len` bytes at `va`, or undefined when any of them cannot be read. */
  read(va: number, len: number): Uint8Array | undefined;
}

export interface StraceTarget {
  readonly is64: boolean;
  /** Little-endian (ppc64le). */
  readonly le: boolean;
  readonly mem: StraceMemory;
}

/** How many bytes of a string or buffer strace shows (its -s 32). */
export const STRING_LIMIT = 32;
const PATH_MAX = 4096;
const IOV_LIMIT = 16;

type Kind = string;
type ResultKind = "d" | "x" | "o" | "?";
interface Signature {
  readonly args: readonly Kind[];
  readonly result: ResultKind;
}

function parseSignatures(text: string): ReadonlyMap<string, Signature> {
  const m = new Map<string, Signature>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const r = /^(\w+)\(([^)]*)\)(?: =([dxo?]))?$/.exec(line.trim());
    if (r === null) throw new Error(`strace signature: cannot read ${JSON.stringify(line)}`);
    const args = r[2].trim() === "" ? [] : r[2].split(",").map((s) => s.trim());
    m.set(r[1], { args, result: (r[3] ?? "d") as ResultKind });
  }
  return m;
}

/** Immutable after module initialisation. */
const SIGS = parseSignatures(SIGNATURES);
const SIGS32 = parseSignatures(SIGNATURES_PPC32);

/** The signature of `name` on a target, or undefined (generic decoding). */
export function signatureOf(name: string, is64: boolean): Signature | undefined {
  return (is64 ? undefined : SIGS32.get(name)) ?? SIGS.get(name);
}

/** Every argument kind the decoder knows (the signature test checks each one is). */
export const KINDS: ReadonlySet<string> = new Set([
  "d", "u", "l", "lu", "x", "p", "o", "fd", "dfd", "path", "str", "ob", "ocs", "of", "cmode", "prot", "mapf", "atf",
  "acf", "amode", "clk", "tmf", "sig", "sh", "iss", "oss", "wh", "fcmd", "farg", "ioreq", "futop", "o64", "llo",
  "olo", "its", "ots", "its64", "ots64", "otv", "ost", "oux", "rlim", "madv", "mrf", "msf", "mcl", "grnd", "lock",
  "prctl",
]);
/** Kinds with the number of a length argument: ib2, iiov2, oiov2. */
const COUNTED = /^(ib|iiov|oiov)(\d)$/;

export function knownKind(k: Kind): boolean {
  return KINDS.has(k) || COUNTED.test(k);
}

export function signatureNames(): string[] {
  return [...SIGS.keys()];
}

/** A decoded argument: text now, text at exit (needs the result), or nothing (not shown). */
type Part = string | ((ret: number) => string) | undefined;

const isError = (ret: number): boolean => ret < 0 && ret >= -4095;

/** The kernel's restart codes (never seen by a program: delivery makes them EINTR or a restart), as strace shows them. */
const RESTARTS: ReadonlyMap<number, string> = new Map([
  [512, "ERESTARTSYS (To be restarted if SA_RESTART is set)"],
  [513, "ERESTARTNOINTR (To be restarted)"],
  [514, "ERESTARTNOHAND (To be restarted if no handler)"],
  [516, "ERESTART_RESTARTBLOCK (Interrupted by signal)"],
]);

/** The result as strace prints it. */
export function formatResult(ret: number, kind: ResultKind = "d"): string {
  if (kind === "?") return "?";
  const restart = RESTARTS.get(-ret);
  if (restart !== undefined) return `? ${restart}`;
  if (isError(ret)) return `-1 ${errnoName(-ret)} (${strerror(-ret)})`;
  switch (kind) {
    case "x": return `0x${ret.toString(16)}`;
    case "o": return `0${ret.toString(8)}`;
    case "d": return String(ret);
    default: return assertNever(kind, "result kind");
  }
}

/** One system call being traced: entry decoded, waiting for its result. */
export interface StraceCall {
  /** The whole line for a call that returned `ret` (or -errno). */
  exit(ret: number): string;
  /** The line for a call that does not return (exit, exit_group): "= ?". */
  noReturn(): string;
}

/**
 * Decode a call's arguments at entry. `args` are the argument registers r3..r8 as unsigned
 * values (32 bits on ppc32).
 */
export function straceEnter(t: StraceTarget, name: string, args: readonly bigint[]): StraceCall {
  const sig = signatureOf(name, t.is64);
  const d = new Decoder(t, args);
  const parts: Part[] = sig === undefined ? args.slice(0, 6).map((a) => hex(a)) : d.decode(sig.args);
  const result = sig?.result ?? "d";
  const line = (ret: number | undefined): string => {
    const shown = parts.filter((p) => p !== undefined).map((p) => (typeof p === "string" ? p : p(ret ?? -1)));
    const tail = ret === undefined ? "?" : decorate(name, d, ret, formatResult(ret, result));
    return `${name}(${shown.join(", ")}) = ${tail}`;
  };
  return { exit: (ret) => line(ret), noReturn: () => line(undefined) };
}

/** What strace adds after some results: fcntl's F_GETFD and F_GETFL flags. */
function decorate(name: string, d: Decoder, ret: number, text: string): string {
  if ((name !== "fcntl" && name !== "fcntl64") || isError(ret) || ret === 0) return text;
  const cmd = d.int(1);
  if (cmd === 1) return `0x${ret.toString(16)} (flags ${flagsOf(ret, FD_FLAGS)})`;
  if (cmd === 3) return `0x${ret.toString(16)} (flags ${openFlags(ret)})`;
  return text;
}

/** A word in hex as C's %#x prints it (0 without the prefix). */
const hex = (v: bigint): string => (v === 0n ? "0" : `0x${v.toString(16)}`);

class Decoder {
  /** The register of each logical argument (ppc32's 64-bit values take an aligned pair). */
  private regs: number[] = [];
  private kinds: readonly Kind[] = [];
  constructor(private readonly t: StraceTarget, private readonly raw: readonly bigint[]) {}

  private word(i: number): bigint {
    return this.raw[i] ?? 0n;
  }
  /** Logical argument i as the C types see it. */
  arg(i: number): bigint {
    return this.word(this.regs[i] ?? i);
  }
  int(i: number): number {
    return Number(BigInt.asIntN(32, this.arg(i)));
  }
  uint(i: number): number {
    return Number(BigInt.asUintN(32, this.arg(i)));
  }
  long(i: number): bigint {
    return BigInt.asIntN(this.t.is64 ? 64 : 32, this.arg(i));
  }
  ulong(i: number): bigint {
    return BigInt.asUintN(this.t.is64 ? 64 : 32, this.arg(i));
  }
  /** A 64-bit value: one register on ppc64, the aligned pair (high, low) on ppc32. */
  private wide(i: number): bigint {
    if (this.t.is64) return BigInt.asIntN(64, this.arg(i));
    const r = this.regs[i];
    return BigInt.asIntN(64, (BigInt.asUintN(32, this.word(r)) << 32n) | BigInt.asUintN(32, this.word(r + 1)));
  }

  decode(kinds: readonly Kind[]): Part[] {
    this.kinds = kinds;
    let r = 0;
    for (const k of kinds) {
      if (k === "o64" && !this.t.is64 && r % 2 === 1) r++; // pairs start at r3, r5 or r7
      this.regs.push(r);
      r += (k === "o64" && !this.t.is64) || k === "llo" ? 2 : 1;
    }
    return kinds.map((k, i) => this.part(k, i));
  }

  private part(k: Kind, i: number): Part {
    const counted = COUNTED.exec(k);
    if (counted !== null) {
      const n = Number(counted[2]);
      switch (counted[1]) {
        case "ib": return this.buffer(this.addr(i), Number(this.ulong(n)));
        case "iiov": return this.iovec(i, this.int(n), undefined);
        default: return (ret) => (isError(ret) ? this.ptr(i) : this.iovec(i, this.int(n), ret));
      }
    }
    switch (k) {
      case "d": return String(this.int(i));
      case "u": return String(this.uint(i));
      case "l": return String(this.long(i));
      case "lu": return String(this.ulong(i));
      case "x": return hex(this.ulong(i));
      case "p": return this.ptr(i);
      case "o": return `0${this.uint(i).toString(8)}`;
      case "fd": return String(this.int(i));
      case "dfd": return this.int(i) === AT_FDCWD ? "AT_FDCWD" : String(this.int(i));
      case "path": return this.string(i, PATH_MAX);
      case "str": return this.string(i, STRING_LIMIT);
      case "ob": return (ret) => (isError(ret) ? this.ptr(i) : this.buffer(this.addr(i), ret));
      case "ocs": return (ret) => (isError(ret) ? this.ptr(i) : this.string(i, PATH_MAX));
      case "of": return openFlags(this.int(i));
      case "cmode": {
        const f = this.kinds.indexOf("of");
        const flags = f < 0 ? 0 : this.int(f);
        return (flags & O_CREAT) !== 0 || (flags & O_TMPFILE) === O_TMPFILE ? `0${this.uint(i).toString(8)}` : undefined;
      }
      case "prot": return flagsOf(this.int(i), PROT, "PROT_NONE");
      case "mapf": return mmapFlags(this.int(i));
      case "atf": return flagsOf(this.int(i), AT_FLAGS);
      case "acf": return flagsOf(this.int(i), ACCESS_AT_FLAGS);
      case "amode": return this.int(i) === 0 ? "F_OK" : flagsOf(this.int(i), ACCESS_MODE);
      case "clk": return this.named(i, CLOCKS);
      case "tmf": return flagsOf(this.int(i), TIMER_FLAGS);
      case "sig": return signalName(this.int(i));
      case "sh": return this.named(i, SIGMASK_HOW);
      case "iss": return this.sigset(i);
      case "oss": return (ret) => (isError(ret) ? this.ptr(i) : this.sigset(i));
      case "wh": return this.named(i, WHENCE);
      case "fcmd": return this.named(i, FCNTL_CMDS);
      case "farg": return this.fcntlArg(i);
      case "ioreq": return nameOf(this.uint(i), IOCTLS) ?? `0x${this.uint(i).toString(16)}`;
      case "futop": return futexOp(this.int(i));
      case "o64": return String(this.wide(i));
      case "llo": {
        const r = this.regs[i];
        return String(BigInt.asIntN(64, (BigInt.asUintN(32, this.word(r)) << 32n) | BigInt.asUintN(32, this.word(r + 1))));
      }
      case "olo": return (ret) => (isError(ret) ? this.ptr(i) : this.struct(i, 8, (b) => `[${this.i64(b, 0)}]`));
      case "its": return this.timespec(i, this.t.is64 ? 8 : 4, "tv_nsec");
      case "its64": return this.timespec(i, 8, "tv_nsec");
      case "ots": return (ret) => (isError(ret) ? this.ptr(i) : this.timespec(i, this.t.is64 ? 8 : 4, "tv_nsec"));
      case "ots64": return (ret) => (isError(ret) ? this.ptr(i) : this.timespec(i, 8, "tv_nsec"));
      case "otv": return (ret) => (isError(ret) ? this.ptr(i) : this.timespec(i, this.t.is64 ? 8 : 4, "tv_usec"));
      case "ost": return (ret) => (isError(ret) ? this.ptr(i) : this.stat(i));
      case "oux": return (ret) => (isError(ret) ? this.ptr(i) : this.utsname(i));
      case "rlim": return this.named(i, RLIMITS);
      case "madv": return this.named(i, MADVICE);
      case "mrf": return flagsOf(this.int(i), MREMAP_FLAGS);
      case "msf": return flagsOf(this.int(i), MSYNC_FLAGS);
      case "mcl": return flagsOf(this.int(i), MLOCKALL_FLAGS);
      case "grnd": return flagsOf(this.int(i), GRND_FLAGS);
      case "lock": return flagsOf(this.int(i), LOCK_OPS);
      case "prctl": return this.named(i, PRCTL_OPTIONS);
      default: throw new Error(`strace: unknown argument kind ${k}`);
    }
  }

  private named(i: number, names: Names): string {
    return nameOf(this.int(i), names) ?? String(this.int(i));
  }

  /** The argument as a guest address (undefined past 2^53: never readable). */
  private addr(i: number): number {
    const v = this.ulong(i);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(v);
  }

  private ptr(i: number): string {
    const v = this.ulong(i);
    return v === 0n ? "NULL" : hex(v);
  }

  private read(va: number, len: number): Uint8Array | undefined {
    if (va < 0) return undefined;
    if (len === 0) return new Uint8Array(0);
    return this.t.mem.read(va, len);
  }

  /** A NUL-terminated string at argument i, at most `max` bytes shown. */
  private string(i: number, max: number): string {
    const va = this.addr(i);
    if (va === 0) return "NULL";
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let p = va; total <= max;) {
      // Up to the page end at a time: a string that ends before an unreadable page is readable.
      const n = Math.min(PAGE_SIZE - (p % PAGE_SIZE), max + 1 - total);
      const chunk = this.read(p, n);
      if (chunk === undefined) return this.ptr(i);
      const z = chunk.indexOf(0);
      if (z >= 0) {
        parts.push(chunk.subarray(0, z));
        return quote(concat(parts), false);
      }
      parts.push(chunk);
      total += n;
      p += n;
    }
    return quote(concat(parts).subarray(0, max), true);
  }

  /** `len` bytes at `va`, at most STRING_LIMIT shown. */
  private buffer(va: number, len: number): string {
    if (va === 0) return "NULL";
    const shown = Math.min(len, STRING_LIMIT);
    const b = this.read(va, shown);
    return b === undefined ? `0x${va.toString(16)}` : quote(b, len > shown);
  }

  private struct(i: number, size: number, show: (b: DataView) => string): string {
    const va = this.addr(i);
    if (va === 0) return "NULL";
    const b = this.read(va, size);
    return b === undefined ? this.ptr(i) : show(new DataView(b.buffer, b.byteOffset, b.byteLength));
  }

  private i64(b: DataView, o: number): bigint {
    return b.getBigInt64(o, this.t.le);
  }
  private u64(b: DataView, o: number): bigint {
    return b.getBigUint64(o, this.t.le);
  }
  private word64or32(b: DataView, o: number, w: number): bigint {
    return w === 8 ? this.i64(b, o) : BigInt(b.getInt32(o, this.t.le));
  }

  private timespec(i: number, w: number, sub: string): string {
    return this.struct(i, 2 * w, (b) => `{tv_sec=${this.word64or32(b, 0, w)}, ${sub}=${this.word64or32(b, w, w)}}`);
  }

  /** The kernel's sigset: 64 bits (one u64 on ppc64, two u32 words, low first, on ppc32). */
  private sigset(i: number): string {
    return this.struct(i, 8, (b) => {
      const bits = this.t.is64 ? this.u64(b, 0) : (BigInt(b.getUint32(4, this.t.le)) << 32n) | BigInt(b.getUint32(0, this.t.le));
      const set: number[] = [], clear: number[] = [];
      for (let s = 1; s <= 64; s++) ((bits >> BigInt(s - 1)) & 1n) === 1n ? set.push(s) : clear.push(s);
      const names = (l: number[]): string => l.map((s) => signalName(s).replace(/^SIG/, "")).join(" ");
      return set.length > 32 ? `~[${names(clear)}]` : `[${names(set)}]`;
    });
  }

  /** struct stat (ppc64) or struct stat64 (ppc32): the type and mode, and the size or device. */
  private stat(i: number): string {
    const [modeAt, rdevAt, sizeAt, size] = this.t.is64 ? [24, 40, 48, 144] : [16, 32, 48, 104];
    return this.struct(i, size, (b) => {
      const mode = b.getUint32(modeAt, this.t.le);
      const type = nameOf(mode & 0o170000, FILE_TYPES);
      const perms = `0${(mode & 0o7777).toString(8).padStart(3, "0")}`;
      const m = type === undefined ? `0${mode.toString(8)}` : `${type}|${perms}`;
      if (type === "S_IFCHR" || type === "S_IFBLK") {
        const dev = this.u64(b, rdevAt);
        const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
        const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
        return `{st_mode=${m}, st_rdev=makedev(0x${major.toString(16)}, 0x${minor.toString(16)}), ...}`;
      }
      return `{st_mode=${m}, st_size=${this.i64(b, sizeAt)}, ...}`;
    });
  }

  private utsname(i: number): string {
    return this.struct(i, 65 * 2, (b) => {
      const field = (o: number): string => {
        const bytes = new Uint8Array(b.buffer, b.byteOffset + o, 65);
        const z = bytes.indexOf(0);
        return quote(bytes.subarray(0, z < 0 ? 65 : z), false);
      };
      return `{sysname=${field(0)}, nodename=${field(65)}, ...}`;
    });
  }

  /** An iovec array: in (all of each buffer) or out (as much as the call returned). */
  private iovec(i: number, count: number, ret: number | undefined): string {
    const va = this.addr(i);
    if (va === 0) return "NULL";
    const w = this.t.is64 ? 8 : 4;
    const n = Math.max(0, Math.min(count, IOV_LIMIT));
    const b = this.read(va, n * 2 * w);
    if (b === undefined) return this.ptr(i);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const get = (o: number): number => (w === 8 ? Number(this.u64(dv, o)) : dv.getUint32(o, this.t.le));
    let left = ret ?? Infinity;
    const items: string[] = [];
    for (let k = 0; k < n; k++) {
      const base = get(k * 2 * w), len = get(k * 2 * w + w);
      const shown = Math.min(len, left);
      left -= shown;
      items.push(`{iov_base=${this.buffer(base, shown)}, iov_len=${len}}`);
    }
    return `[${items.join(", ")}${count > n ? ", ..." : ""}]`;
  }

  /** fcntl's third argument, by command: absent for the F_GET* commands. */
  private fcntlArg(i: number): Part {
    const cmd = this.int(1);
    switch (cmd) {
      case 1: case 3: case 9: case 11: case 1025: case 1032: case 1034:
        return undefined;
      case 2: return flagsOf(this.int(i), FD_FLAGS);
      case 4: return openFlags(this.int(i));
      case 5: case 6: case 7: case 12: case 13: case 14: case 36: case 37: case 38:
        return this.ptr(i);
      default: return String(this.int(i));
    }
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
