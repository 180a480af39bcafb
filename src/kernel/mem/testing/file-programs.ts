// Boot programs for the file page-cache tests (kernel/mem/file.test.ts): address spaces that
// map a file shared and private, guest threads on two processors that read and write through
// those mappings, and a kernel "driver" thread on processor 0 that sets up each step, checks
// frames and the file's bytes, and writes what it saw into a log the test compares. The file
// is a fake (FakeFile): bytes in a JS array of processor 0 with a pager that can take time
// (a sleep per page, so that faults meet page-ins under way) and count its calls.
//
// Processor 1 runs guest threads on request: the driver writes the space and the thread state
// into the mailbox and bumps REQ; processor 1 runs the thread and answers with ACK and the
// thread's end (exit status, signal, si_code, address).

import { PAGE_SIZE } from "../../../machine/memory.js";
import { Pte } from "../../../machine/pagetable.js";
import { Access } from "../../../machine/power/mmu.js";
import type { Cpu } from "../../../machine/power/cpu.js";
import type { Finisher } from "../../boot.js";
import type { ObjRef } from "../../cos/manager.js";
import type { Kernel } from "../../kernel.js";
import type { SharedWords } from "../../shared.js";
import type { Block, Thread } from "../../sched/thread.js";
import { guestThread, ThreadClock, type SyscallResult } from "../../exec/guest-thread.js";
import { FCMDefault, FCMPartitioned } from "../fcm.js";
import type { FileSource, Pager } from "../pager.js";
import type { Process } from "../process.js";
import { RegionKind } from "../region.js";
import { Space } from "../space.js";
import { MemorySystem, type MemoryChoices } from "../system.js";
import { hi32, lo32 } from "../va.js";
import { CODE_VA, DATA_VA, Mailbox, SC, SYS_EXIT, addi, b, bne, cmpwi0, lwz, newThread, sleep, stw, words } from "./programs.js";

/** stwx rs,ra,rb */
const stwx = (rs: number, ra: number, rb: number): number => ((31 << 26) | (rs << 21) | (ra << 16) | (rb << 11) | (151 << 1)) >>> 0;

type Gen<T = void> = Generator<Block, T, unknown>;

const P = PAGE_SIZE;
const FILE_BOX = 21;
/** Mailbox words: a request to processor 1 and its answer. */
const REQ = 0, ACK = 1, PROC = 2, STATE = 3, STOP = 4, EXIT = 5, SIGNAL = 6, CODE = 7, ADDR_LO = 8, ADDR_HI = 9, BUDGET = 10;

/** A guest's instructions before it is ended (unless the request names another budget). */
const DEFAULT_BUDGET = 1e7;

/** Guest routines at fixed offsets of each space's code page. */
const READER = CODE_VA, STORE = CODE_VA + 0x100, STORE_LOOP = CODE_VA + 0x200, COUNTER = CODE_VA + 0x300, TICKER = CODE_VA + 0x400;
/** Where each space maps the file (shared, a second shared view, private), and the reader's output. */
const FA = 0x20000000, FB = 0x30000000, FZ = 0x40000000, OUT = DATA_VA;

const RW = Pte.Read | Pte.Write;

/** A file whose bytes live in a JS array of its processor; its pager counts calls and may take time. */
export class FakeFile implements Pager {
  bytes: Uint8Array;
  ins = 0;
  outs = 0;
  released = false;
  /** Reads at or past this offset fail with EIO (-1: none). */
  failFrom = -1;
  /** A read of `offset` waits until this says go (the test holds guests at a point). */
  gate: (offset: number) => boolean = () => true;
  constructor(private readonly k: Kernel, init: Uint8Array, private readonly delay: number) {
    this.bytes = init.slice();
  }
  *pageIn(offset: number, length: number): Gen<Uint8Array | number> {
    this.ins++;
    if (this.delay > 0) yield* sleep(this.k, this.delay);
    while (!this.gate(offset)) yield* sleep(this.k, 1000);
    if (this.failFrom >= 0 && offset >= this.failFrom) return 5; // EIO
    return this.bytes.slice(offset, offset + length);
  }
  *pageOut(offset: number, data: Uint8Array): Gen<number> {
    this.outs++;
    if (this.delay > 0) yield* sleep(this.k, this.delay);
    if (offset + data.length > this.bytes.length) {
      const grown = new Uint8Array(offset + data.length);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes.set(data, offset);
    return 0;
  }
  release(): void {
    this.released = true;
  }
  word(offset: number): number {
    return new DataView(this.bytes.buffer, this.bytes.byteOffset).getUint32(offset, true);
  }
}

/** File contents: each page's first word is 0x1000 + its number, the second 0x2000 + it; the rest a pattern. */
function pattern(len: number): Uint8Array {
  const b = new Uint8Array(len), dv = new DataView(b.buffer);
  for (let i = 0; i < len; i++) b[i] = (i * 7 + 3) & 0xff;
  for (let p = 0; p * P + 8 <= len; p++) {
    dv.setUint32(p * P, 0x1000 + p, true);
    dv.setUint32(p * P + 4, 0x2000 + p, true);
  }
  return b;
}

const source = (file: FakeFile, ino = 42): FileSource => ({
  key: [0x802, ino], label: { dev: 0x802, ino, path: `/data/file${ino}` }, size: file.bytes.length, pager: () => file,
});

function mailbox(k: Kernel): SharedWords {
  return k.cos.callNow(k.cos.wellKnown(FILE_BOX, Mailbox), (w) => w);
}

/** Frames taken from the page allocator and not given back, machine-wide. */
function outstanding(ms: MemorySystem): number {
  const t = ms.allocatorTotals();
  return t.allocated.reduce((x, y) => x + y, 0) - t.freed.reduce((x, y) => x + y, 0);
}

/** How a guest thread ended. */
interface End {
  exit: number;
  signal: number;
  code: number;
  addr: number;
}

const show = (e: End): string => (e.signal === 0 ? `exit ${e.exit}` : `signal ${e.signal} code ${e.code} at +0x${(e.addr % 0x10000000).toString(16)}`);

/** Run a guest thread of `space` at `pc` here; its end (exceptions end it). */
function* runHere(k: Kernel, space: Space, state: number, maxInstructions = DEFAULT_BUDGET): Gen<End> {
  const end: End = { exit: -1, signal: 0, code: 0, addr: 0 };
  yield* guestThread(k, {
    name: "guest", space, state, maxInstructions,
    choice: () => undefined,
    syscall: (cpu: Cpu): SyscallResult => (cpu.r[0] === SYS_EXIT ? { exitCode: 0 } : { exitCode: 100, error: `system call ${cpu.r[0]}` }),
    exception: (_cpu, signal, code, addr) => {
      Object.assign(end, { signal, code, addr });
      return { exitCode: 128 + signal, signal };
    },
  }, new ThreadClock(), (e) => { end.exit = e.exitCode; });
  return end;
}

/** Processor 1: run guest threads the driver asks for until told to stop. */
function remoteRunner(k: Kernel, box: SharedWords): void {
  k.sched.spawn("runner", (function* (): Gen {
    let seen = 0;
    while (box.load(STOP) === 0) {
      const req = box.load(REQ);
      if (req === seen) {
        yield* sleep(k, 500);
        continue;
      }
      seen = req;
      const e = yield* runHere(k, new Space(k, box.load(PROC) as ObjRef<Process>), box.load(STATE), box.load(BUDGET) || DEFAULT_BUDGET);
      box.store(EXIT, e.exit);
      box.store(SIGNAL, e.signal);
      box.store(CODE, e.code);
      box.store(ADDR_LO, lo32(e.addr));
      box.store(ADDR_HI, hi32(e.addr));
      box.store(ACK, seen);
    }
  })(), undefined, { guest: true });
}

/** The driver's view of the machine: its kernel, memory system, mailbox, and the threads it started. */
class Driver {
  private seq = 0;
  private readonly states: number[] = [];
  /** Lines for the log once the machine has stopped (destruction is deferred past quiescence). */
  readonly atEnd: (() => string)[] = [];
  constructor(readonly k: Kernel, readonly ms: MemorySystem, readonly box: SharedWords) {}

  /** A new address space with the guest routines and an output page. */
  space(): Space {
    const s = new Space(this.k, this.ms.newSpace());
    s.mapFresh(CODE_VA, CODE_VA + P, { prot: Pte.Read | Pte.Exec, kind: RegionKind.Image, flags: 0 });
    s.mapFresh(OUT, OUT + P, { prot: RW, kind: RegionKind.Anonymous, flags: 0 });
    // READER: r4 pages from r4 on, one word each, to r7 (r6 of them); STORE: *r4 = r5;
    // STORE_LOOP: r6 pages from r4 on get r5 at byte r8 (a store per page).
    s.poke(READER, words([lwz(5, 0, 4), stw(5, 0, 7), addi(4, 4, P), addi(7, 7, 4), addi(6, 6, -1), cmpwi0(6), bne(-24), addi(0, 0, SYS_EXIT), SC]));
    s.poke(STORE, words([stw(5, 0, 4), addi(0, 0, SYS_EXIT), SC]));
    s.poke(STORE_LOOP, words([stwx(5, 4, 8), addi(4, 4, P), addi(6, 6, -1), cmpwi0(6), bne(-16), addi(0, 0, SYS_EXIT), SC]));
    // COUNTER: r6 times, the word at r4 plus one.
    s.poke(COUNTER, words([lwz(5, 0, 4), addi(5, 5, 1), stw(5, 0, 4), addi(6, 6, -1), cmpwi0(6), bne(-20), addi(0, 0, SYS_EXIT), SC]));
    // TICKER: the word at r4 plus one, and r9 plus one, until the word at r7 is not 0; then r9 to r7 + 4.
    s.poke(TICKER, words([lwz(5, 0, 4), addi(5, 5, 1), stw(5, 0, 4), addi(9, 9, 1), lwz(10, 0, 7), cmpwi0(10), bne(8), b(-28), stw(9, 4, 7), addi(0, 0, SYS_EXIT), SC]));
    return s;
  }

  private thread(pc: number, regs: Record<number, number>): number {
    const st = newThread(this.ms, pc, regs);
    this.states.push(st);
    return st;
  }

  /**
   * Start a guest thread on processor `where`; the returned generator waits for its end.
   * `budget`: its instructions before it is ended (processor 1; default 10 million).
   */
  start(where: 0 | 1, space: Space, pc: number, regs: Record<number, number>, budget = DEFAULT_BUDGET): Gen<End> {
    const state = this.thread(pc, regs);
    const k = this.k;
    if (where === 0) {
      const out: { end?: End } = {};
      const t: Thread = k.sched.spawn("local guest", (function* (): Gen {
        out.end = yield* runHere(k, space, state);
      })(), undefined, { guest: true });
      return (function* (): Gen<End> {
        if (out.end === undefined) yield { kind: "join", thread: t.id };
        return out.end as End;
      })();
    }
    const box = this.box, seq = ++this.seq;
    box.store(PROC, space.proc);
    box.store(STATE, state);
    box.store(BUDGET, budget);
    box.store(REQ, seq);
    return (function* (): Gen<End> {
      while (box.load(ACK) !== seq) yield* sleep(k, 1000);
      return { exit: box.load(EXIT), signal: box.load(SIGNAL), code: box.load(CODE), addr: (box.load(ADDR_HI) >>> 0) * 2 ** 32 + (box.load(ADDR_LO) >>> 0) };
    })();
  }

  *run(where: 0 | 1, space: Space, pc: number, regs: Record<number, number>): Gen<End> {
    return yield* this.start(where, space, pc, regs);
  }

  /** The word at `va` as a read would see it (bringing the page in; never marking it dirty). */
  *read(space: Space, va: number): Gen<number | string> {
    const r = yield* space.faultIn(va, Access.Read);
    if (r.kind !== "mapped") return r.kind;
    return new DataView(this.k.port.mem.buffer).getUint32(r.pa + (va % P), true);
  }

  /** The words the reader routine left in the output page. */
  out(space: Space, n: number): string {
    const b = space.peek(OUT, n * 4), dv = new DataView(b.buffer);
    return Array.from({ length: n }, (_, i) => dv.getUint32(i * 4, true).toString(16)).join(" ");
  }

  /** Stop processor 1's runner; give the thread states back. */
  finish(): void {
    this.box.store(STOP, 1);
    for (const s of this.states) this.ms.freeFrame(s);
    this.states.length = 0;
  }
}

const hex = (n: number | string): string => (typeof n === "number" ? n.toString(16) : n);

export interface FileLog {
  log: string[];
}

/** Both processors run programs; processor 0's driver `body` writes the log. */
function twoProcessors(k: Kernel, objects: MemoryChoices | undefined, body: (d: Driver, log: string[]) => Gen): Finisher | void {
  const ms = MemorySystem.install(k, objects ?? {});
  const box = mailbox(k);
  if (k.cpu === 1) {
    remoteRunner(k, box);
    return;
  }
  if (k.cpu !== 0) return;
  const log: string[] = [];
  const d = new Driver(k, ms, box);
  const before = outstanding(ms);
  k.sched.spawn("driver", (function* (): Gen {
    try {
      yield* body(d, log);
    } finally {
      d.finish();
    }
  })());
  // Every frame went back (checked when the machine stopped: page-ins, closes and reclaims done).
  return () => ({ log: [...log, ...d.atEnd.map((f) => f()), `frames outstanding after: ${outstanding(ms) - before}`] } satisfies FileLog);
}

/**
 * Shared and private mappings of one file in two address spaces, guests on two processors:
 * one page-in per page however many faults; one frame per page for every shared mapping; a
 * private mapping reads the file until it writes (then its copy is its own and the file is
 * unchanged); shared writes reach the file on msync (and only dirty pages: a second msync
 * writes nothing) and at the end; update() from write() shows in every mapping but a private copy.
 */
export function fileShare(k: Kernel, a: unknown): Finisher | void {
  const args = a as { delay: number; objects?: MemoryChoices };
  return twoProcessors(k, args.objects, function* (d, log) {
    const file = new FakeFile(k, pattern(4 * P + 100), args.delay);
    const files = d.ms.files;
    const cache = yield* files.acquire(source(file));
    const A = d.space(), B = d.space();
    const pages = 5;
    yield* A.mapFile(FA, FA + pages * P, { prot: RW, kind: RegionKind.File, flags: 0, file: cache.id, offset: 0, shared: true });
    yield* B.mapFile(FB, FB + pages * P, { prot: RW, kind: RegionKind.File, flags: 0, file: cache.id, offset: 0, shared: true });
    yield* B.mapFile(FZ, FZ + pages * P, { prot: RW, kind: RegionKind.File, flags: 0, file: cache.id, offset: 0, shared: false });
    // Both processors read every page at once: each page's read is held until the other
    // processor's fault on the page has joined it (so they do meet, in both run modes).
    file.gate = (offset) => k.cos.callNow(cache.id, (c) => c.info().joined) > offset / P;
    const ra = d.start(0, A, READER, { 4: FA, 6: pages, 7: OUT });
    const rb = d.start(1, B, READER, { 4: FB, 6: pages, 7: OUT });
    log.push(`readers: ${show(yield* ra)}, ${show(yield* rb)}; A saw ${d.out(A, pages)}; B saw ${d.out(B, pages)}`);
    const st = yield* cache.stats();
    log.push(`page-ins ${st.pageIns} (pager called ${file.ins}), faults that joined a read under way ${st.joined}, pages cached ${st.pages}`);
    const same = [...Array(pages).keys()].every((p) => A.resident(FA + p * P) === B.resident(FB + p * P) && A.resident(FA + p * P) >= 0);
    log.push(`shared mappings map the same frames: ${same}`);
    // The private mapping reads through to the cache: no page-in, the cache's frames.
    log.push(`private reader: ${show(yield* d.run(1, B, READER, { 4: FZ, 6: pages, 7: OUT }))} saw ${d.out(B, pages)}; page-ins ${file.ins}; same frames ${B.resident(FZ) === B.resident(FB)}`);
    // A shared write: seen by the other space and by the private mapping's untouched page, not by the file yet.
    log.push(`shared store: ${show(yield* d.run(0, A, STORE, { 4: FA + P + 8, 5: 0xaaaa }))}; B sees ${hex(yield* d.read(B, FB + P + 8))}, private sees ${hex(yield* d.read(B, FZ + P + 8))}, file has ${hex(file.word(P + 8))}`);
    // A private write copies: the cache and the file keep their bytes.
    log.push(`private store: ${show(yield* d.run(1, B, STORE, { 4: FZ + 8, 5: 0xbbbb }))}; private sees ${hex(yield* d.read(B, FZ + 8))} in its own frame ${B.resident(FZ) !== B.resident(FB)}; shared sees ${hex(yield* d.read(B, FB + 8))}`);
    log.push(`msync: failed ${yield* A.msync(FA, FA + pages * P)}; page-outs ${file.outs}; file has ${hex(file.word(P + 8))} at page 1, ${hex(file.word(8))} at page 0`);
    log.push(`msync again: failed ${yield* A.msync(FA, FA + pages * P)}; page-outs ${file.outs}`);
    // After write-back the page is clean again: its next write faults and dirties it again.
    yield* d.run(0, A, STORE, { 4: FA + P + 12, 5: 0xcccc });
    log.push(`store after write-back, msync: failed ${yield* A.msync(FA, FA + 2 * P)}; page-outs ${file.outs}; file has ${hex(file.word(P + 12))}`);
    // write() to the file: resident pages take the bytes, in every mapping but a private copy.
    const held = yield* files.find([0x802, 42]);
    if (held === undefined) throw new Error("the file is not in the registry");
    // (The server has the bytes first; then the cache is told.)
    for (const [off, bytes] of [[8, [0x11, 0x22, 0x33, 0x44]], [2 * P + 4, [0x55, 0x66, 0x77, 0x08]]] as const) {
      file.bytes.set(bytes, off);
      yield* held.update(off, new Uint8Array(bytes));
    }
    log.push(`update: shared sees ${hex(yield* d.read(A, FA + 8))}, private copy keeps ${hex(yield* d.read(B, FZ + 8))}, private untouched sees ${hex(yield* d.read(B, FZ + 2 * P + 4))}`);
    yield* held.release();
    yield* cache.release();
    // A shared write nobody syncs: the end of the cache writes it back.
    yield* d.run(1, B, STORE, { 4: FB + 3 * P, 5: 0xdddd });
    const maps = (yield* B.labelled()).filter((r) => r.label !== undefined).map((r) => `${r.start.toString(16)} ${r.label?.path} ino ${r.label?.ino} off ${r.offset}`);
    log.push(`maps of B: ${maps.join("; ")}`);
    yield* A.teardown();
    log.push(`after A's teardown: page-outs ${file.outs}`);
    yield* B.teardown();
    log.push(`after B's teardown: page-outs ${file.outs}, file has ${hex(file.word(3 * P))} at page 3, still cached ${(yield* files.find([0x802, 42])) !== undefined}`);
    d.atEnd.push(() => `pager released ${file.released}`);
  });
}

/**
 * Truncate under mappings: pages past the new end leave every mapping (a private copy too);
 * an access there is SIGBUS (BUS_ADRERR); the tail of the last page reads zero; a mapping
 * longer than the file is SIGBUS past its end from the start; a read error is SIGBUS.
 */
export function fileTruncate(k: Kernel, a: unknown): Finisher | void {
  const args = a as { delay: number; objects?: MemoryChoices };
  return twoProcessors(k, args.objects, function* (d, log) {
    const file = new FakeFile(k, pattern(4 * P), args.delay);
    const cache = yield* d.ms.files.acquire(source(file, 7));
    const A = d.space();
    yield* A.mapFile(FA, FA + 6 * P, { prot: RW, kind: RegionKind.File, flags: 0, file: cache.id, offset: 0, shared: true });
    yield* A.mapFile(FZ, FZ + 4 * P, { prot: RW, kind: RegionKind.File, flags: 0, file: cache.id, offset: 0, shared: false });
    log.push(`past the end (page 4 of 4): ${show(yield* d.run(1, A, READER, { 4: FA + 4 * P, 6: 1, 7: OUT }))}`);
    log.push(`read all: ${show(yield* d.run(1, A, READER, { 4: FA, 6: 4, 7: OUT }))} ${d.out(A, 4)}`);
    yield* d.run(0, A, STORE, { 4: FZ + 3 * P, 5: 0x3333 }); // a private copy of page 3
    yield* d.run(0, A, STORE, { 4: FZ + P, 5: 0x1111 }); // and of page 1
    file.bytes = file.bytes.slice(0, P + P / 2); // the server truncates, then tells the cache
    yield* cache.truncate(P + P / 2);
    log.push(`truncated to 1.5 pages: size ${yield* cache.size()}, cached pages ${(yield* cache.stats()).pages}`);
    log.push(`shared page 2: ${show(yield* d.run(1, A, READER, { 4: FA + 2 * P, 6: 1, 7: OUT }))}`);
    log.push(`private copy of page 3: ${show(yield* d.run(1, A, READER, { 4: FZ + 3 * P, 6: 1, 7: OUT }))}`);
    log.push(`page 1 tail: ${hex(yield* d.read(A, FA + P + P / 2))} (before the end: ${hex(yield* d.read(A, FA + P + P / 2 - 4))}), private copy of page 1 keeps ${hex(yield* d.read(A, FZ + P))}`);
    // The file grows again (a write past the end): the page is the file's once more.
    const grow = (at: number, bytes: number[]): Uint8Array => {
      const g = new Uint8Array(Math.max(file.bytes.length, at + bytes.length));
      g.set(file.bytes);
      g.set(bytes, at);
      file.bytes = g;
      return new Uint8Array(bytes);
    };
    yield* cache.update(3 * P, grow(3 * P, [1, 2, 3, 4]));
    log.push(`grown to ${yield* cache.size()}: shared page 3 ${hex(yield* d.read(A, FA + 3 * P))}, page 2 ${hex(yield* d.read(A, FA + 2 * P))}`);
    file.failFrom = 3 * P;
    file.bytes = file.bytes.slice(0, 3 * P);
    yield* cache.truncate(3 * P); // drops page 3 from the cache again
    yield* cache.update(4 * P - 4, grow(4 * P - 4, [0, 0, 0, 0])); // the file is 4 pages again; page 3 must be read
    log.push(`read error: ${show(yield* d.run(1, A, READER, { 4: FA + 3 * P, 6: 1, 7: OUT }))}; failures ${(yield* cache.stats()).failures}`);
    file.failFrom = -1;
    log.push(`read again: ${show(yield* d.run(1, A, READER, { 4: FA + 3 * P, 6: 1, 7: OUT }))} ${d.out(A, 1)}`);
    yield* cache.release();
    yield* A.teardown();
    d.atEnd.push(() => `pager released ${file.released}`);
  });
}

/**
 * Page-ins that race the end of their mapping: a guest waits for a page whose read takes long
 * while processor 0 unmaps the region (the guest's retry is SIGSEGV), and a second page-in is
 * under way when the last mapping goes (the cache ends after it); nothing leaks.
 *
 * Each read is held (the pager's gate) until the unmap has returned: the unmap falls inside the
 * read in both run modes. A read that merely took long (a delay) left the order to the host in
 * the parallel mode: a driver held up past the read's end — a busy host pausing processor 0's
 * worker — unmapped after the guest had its page, and the guest, rightly, read it (exit 0).
 */
export function fileRace(k: Kernel, a: unknown): Finisher | void {
  const args = a as { objects?: MemoryChoices };
  return twoProcessors(k, args.objects, function* (d, log) {
    const file = new FakeFile(k, pattern(4 * P), 20_000);
    let unmapped = false;
    file.gate = () => unmapped;
    const files = d.ms.files;
    const cache = yield* files.acquire(source(file, 9));
    const A = d.space();
    yield* A.mapFile(FA, FA + 4 * P, { prot: RW, kind: RegionKind.File, flags: 0, file: cache.id, offset: 0, shared: true });
    yield* cache.release();
    const g = d.start(1, A, READER, { 4: FA, 6: 1, 7: OUT });
    while (file.ins === 0) yield* sleep(k, 1000); // the read is under way
    yield* A.unmap(FA, FA + 4 * P); // the last mapping: only the page-in holds the cache now
    unmapped = true;
    log.push(`shared mapping unmapped during its page-in: guest ${show(yield* g)}; still cached ${(yield* files.find([0x802, 9])) !== undefined}`);
    // A private mapping: its copy-on-write FCM goes at once, the cache when its page-in ends.
    unmapped = false;
    const again = yield* files.acquire(source(file, 9));
    yield* A.mapFile(FA, FA + 4 * P, { prot: RW, kind: RegionKind.File, flags: 0, file: again.id, offset: 0, shared: false });
    yield* again.release();
    const g2 = d.start(1, A, STORE, { 4: FA + 2 * P, 5: 1 });
    while (file.ins < 2) yield* sleep(k, 1000);
    yield* A.unmap(FA, FA + 4 * P);
    unmapped = true;
    log.push(`private mapping unmapped during its page-in: guest ${show(yield* g2)}; still cached ${(yield* files.find([0x802, 9])) !== undefined}; pages read ${file.ins}`);
    yield* A.teardown();
    d.atEnd.push(() => `pager released ${file.released}`);
  });
}

/**
 * The file's FCM hot-swapped between its two implementations while guests on two processors
 * write through a shared mapping and fault its pages in: every page read once, every word written reaches the file.
 */
export function fileSwap(k: Kernel, a: unknown): Finisher | void {
  const args = a as { pages: number; swaps: number };
  return twoProcessors(k, {}, function* (d, log) {
    const file = new FakeFile(k, pattern(args.pages * P), 2000);
    const cache = yield* d.ms.files.acquire(source(file, 11));
    const A = d.space(), B = d.space();
    yield* A.mapFile(FA, FA + args.pages * P, { prot: RW, kind: RegionKind.File, flags: 0, file: cache.id, offset: 0, shared: true });
    yield* B.mapFile(FB, FB + args.pages * P, { prot: RW, kind: RegionKind.File, flags: 0, file: cache.id, offset: 0, shared: true });
    const ga = d.start(0, A, STORE_LOOP, { 4: FA, 5: 0xa1, 6: args.pages, 8: 8 });
    const gb = d.start(1, B, STORE_LOOP, { 4: FB, 5: 0xb2, 6: args.pages, 8: 12 });
    // The second half of the pages is held until two swaps are done: they happen while the
    // writers run, with page-ins under way.
    let swaps = 0;
    file.gate = (offset) => offset < (args.pages / 2) * P || swaps >= 2;
    for (let i = 0; i < args.swaps && file.ins < args.pages; i++) {
      yield* k.swap.switchObject(cache.id, i % 2 === 0 ? FCMPartitioned : FCMDefault);
      swaps++;
      yield* sleep(k, 5000);
    }
    log.push(`writers: ${show(yield* ga)}, ${show(yield* gb)}; swapped while they ran: ${swaps >= 2}`);
    log.push(`msync: failed ${yield* A.msync(FA, FA + args.pages * P)}`);
    let wrong = 0;
    for (let p = 0; p < args.pages; p++) if (file.word(p * P + 8) !== 0xa1 || file.word(p * P + 12) !== 0xb2) wrong++;
    log.push(`pages in the file with a wrong word: ${wrong}; page-ins ${file.ins} for ${args.pages} pages`);
    yield* cache.release();
    yield* A.teardown();
    yield* B.teardown();
    d.atEnd.push(() => `pager released ${file.released}`);
  });
}

/**
 * Write-back racing a writer: a guest on processor 1 increments a word of a shared file page
 * in a loop while processor 0 msyncs again and again (each write-back clears the page's dirty
 * mark and write-protects it, and the writer's next store faults and marks it again). No
 * store may be lost: the last msync writes the final count, and the counts the file saw only grow.
 */
export function fileWriteBack(k: Kernel, a: unknown): Finisher | void {
  const args = a as { n: number };
  return twoProcessors(k, {}, function* (d, log) {
    const file = new FakeFile(k, pattern(2 * P), 0);
    const cache = yield* d.ms.files.acquire(source(file, 13));
    const A = d.space();
    yield* A.mapFile(FA, FA + 2 * P, { prot: RW, kind: RegionKind.File, flags: 0, file: cache.id, offset: 0, shared: true });
    yield* cache.release();
    const start = file.word(P);
    const g = d.start(1, A, COUNTER, { 4: FA + P, 6: args.n });
    const seen: number[] = [];
    while (d.box.load(ACK) === 0) {
      yield* A.msync(FA, FA + 2 * P);
      seen.push(file.word(P) - start);
      yield* sleep(k, 3000);
    }
    const end = yield* g;
    const failed = yield* A.msync(FA, FA + 2 * P);
    log.push(`writer ${show(end)}; final msync failed ${failed}; file counts ${file.word(P) - start} of ${args.n}`);
    log.push(`write-backs while it ran: ${seen.length > 3}; counts only grew: ${seen.every((v, i) => i === 0 || v >= seen[i - 1])}; some in between: ${seen.some((v) => v > 0 && v < args.n)}`);
    yield* A.teardown();
  });
}

/**
 * A write-back that runs while write permission is being taken away: processor 0 mprotects a
 * writer's shared file mapping read-only while another of its threads keeps flushing the file;
 * stores that land through the writer's stale translation before the shootdown completes are
 * marked dirty again after it, so the last flush writes the last count the writer stored.
 */
export function fileProtectRace(k: Kernel, a: unknown): Finisher | void {
  const args = a as { at: number };
  return twoProcessors(k, {}, function* (d, log) {
    const file = new FakeFile(k, pattern(2 * P), 0);
    const cache = yield* d.ms.files.acquire(source(file, 17));
    const A = d.space();
    yield* A.mapFile(FA, FA + 2 * P, { prot: RW, kind: RegionKind.File, flags: 0, file: cache.id, offset: 0, shared: true });
    const start = file.word(P);
    const g = d.start(1, A, COUNTER, { 4: FA + P, 6: 100_000_000 });
    let frame = A.resident(FA + P);
    while (frame < 0 || new DataView(k.port.mem.buffer).getUint32(frame, true) - start < args.at) {
      yield* sleep(k, 2000);
      frame = A.resident(FA + P);
    }
    let stop = false, flushes = 0;
    const flusher = k.sched.spawn("flusher", (function* (): Gen {
      while (!stop) {
        yield* cache.flush();
        flushes++;
        yield { kind: "yield" };
      }
    })());
    yield* A.protect(FA, FA + 2 * P, Pte.Read);
    stop = true;
    yield { kind: "join", thread: flusher.id };
    const end = yield* g;
    yield* cache.flush();
    const last = new DataView(k.port.mem.buffer).getUint32(frame, true);
    log.push(`writer ${show(end)}; flushes during the change ${flushes > 0}; the file has the last count the writer stored: ${file.word(P) === last}`);
    yield* cache.release();
    yield* A.teardown();
  });
}

/**
 * Page migration racing a writer (not a file's page, but the same two-processor driver): a guest
 * on processor 1 increments a word of an anonymous page in a loop, counting in a register too,
 * while processor 0 moves the page to a new frame again and again (each move after the count
 * changed: the writer runs through every one). Told to stop, the guest stores its own count:
 * the page must hold every increment (migrate-race.test.ts: stores through a translation another
 * processor still held once landed in the old frame after the copy).
 */
export function migrateRace(k: Kernel, a: unknown): Finisher | void {
  const args = a as { moves: number };
  return twoProcessors(k, {}, function* (d, log) {
    const A = d.space();
    yield* A.map(FA, FA + P, { prot: RW, kind: RegionKind.Anonymous, flags: 0 });
    A.poke(FA, new Uint8Array(4)); // the page exists before the first move
    // A budget far above what the moves take (they wait for the writer, not the other way), so
    // that a host that holds processor 0 up does not end the writer first.
    const g = d.start(1, A, TICKER, { 4: FA, 7: OUT, 9: 0 }, 1e9);
    let moved = 0, last = 0;
    for (let i = 0; i < args.moves && d.box.load(ACK) === 0; i++) {
      for (let c = yield* d.read(A, FA); c === last && d.box.load(ACK) === 0; c = yield* d.read(A, FA)) yield* sleep(k, 2000);
      last = (yield* d.read(A, FA)) as number;
      if ((yield* A.migrate([FA], { nodes: [0], strict: true })) === 0) moved++;
    }
    A.poke(OUT, new Uint8Array([1, 1, 1, 1])); // stop
    const end = yield* g;
    const count = yield* d.read(A, FA), own = yield* d.read(A, OUT + 4);
    log.push(`writer ${show(end)}; moved ${moved} of ${args.moves}; the page holds every increment: ${count === own} (${typeof own === "number" && own > 0})`);
    yield* A.teardown();
  });
}
