// Boot programs for the memory-system tests (kernel/mem/mem.test.ts): guest threads of one
// address space on two processors, written in a few hand-assembled PowerPC instructions, and
// kernel threads that change the space under them. Every processor runs the program at boot
// (in parallel mode, in its own worker); they meet through a mailbox object in shared memory.

import { PAGE_SIZE } from "../../../machine/memory.js";
import { Pte } from "../../../machine/pagetable.js";
import type { Cpu } from "../../../machine/power/cpu.js";
import type { Finisher } from "../../boot.js";
import type { ObjRef } from "../../cos/manager.js";
import { RootKind, type ObjectType } from "../../cos/types.js";
import type { Kernel } from "../../kernel.js";
import type { SharedWords } from "../../shared.js";
import type { Block } from "../../sched/thread.js";
import { guestThread, ThreadClock, type SyscallResult, type ThreadEnd } from "../../exec/guest-thread.js";
import { FCMDefault, FCMPartitioned, type FCM } from "../fcm.js";
import { RegionKind } from "../region.js";
import { Space } from "../space.js";
import { MemorySystem, PAGE_ALLOCATOR, type MemoryChoices } from "../system.js";
import { hi32, lo32 } from "../va.js";

type Gen<T = void> = Generator<Block, T, unknown>;

/** A mailbox between the processors: words of one shared block. */
export const Mailbox: ObjectType<SharedWords> = {
  id: 0x2f1,
  name: "TestMailbox",
  kind: RootKind.Shared,
  sharedBytes: 32 * 4,
  create: (ctx) => ctx.shared as SharedWords,
};
const MAILBOX = 20;
/** Mailbox words. */
const READY = 0, PROC = 1, STATE = 2, STATE2 = 3, DONE = 4, SIGNAL = 5, CODE = 6, ADDR_LO = 7, ADDR_HI = 8, DONE2 = 9, SYSCALLS = 10, STOP = 11;

export const CODE_VA = 0x10000000, DATA_VA = 0x10010000;

// PowerPC instruction words.
export const lwz = (rt: number, d: number, ra: number): number => ((32 << 26) | (rt << 21) | (ra << 16) | (d & 0xffff)) >>> 0;
export const stw = (rs: number, d: number, ra: number): number => ((36 << 26) | (rs << 21) | (ra << 16) | (d & 0xffff)) >>> 0;
export const addi = (rt: number, ra: number, si: number): number => ((14 << 26) | (rt << 21) | (ra << 16) | (si & 0xffff)) >>> 0;
export const b = (off: number): number => ((18 << 26) | (off & 0x3fffffc)) >>> 0;
export const cmpwi0 = (ra: number): number => ((11 << 26) | (ra << 16)) >>> 0;
export const bne = (off: number): number => ((16 << 26) | (4 << 21) | (2 << 16) | (off & 0xfffc)) >>> 0;
export const SC = 0x44000002;

export function words(ws: number[]): Uint8Array {
  const out = new Uint8Array(ws.length * 4);
  const dv = new DataView(out.buffer);
  ws.forEach((w, i) => dv.setUint32(i * 4, w, true));
  return out;
}

/** Test system calls of the guest code (not Linux's): 900 waits for the other thread, 901 exits, 902 returns at once. */
export const SYS_WAIT_OTHER = 900, SYS_EXIT = 901, SYS_NOP = 902;

function mailbox(k: Kernel): SharedWords {
  const id = k.cos.wellKnown(MAILBOX, Mailbox);
  return k.cos.callNow(id, (w) => w);
}

export function* sleep(k: Kernel, cycles: number): Gen {
  yield { kind: "sleep", until: k.port.now() + cycles };
}

/** Set up a thread state running `pc` in 64-bit little-endian mode with `regs`. */
export function newThread(ms: MemorySystem, pc: number, regs: Record<number, number>): number {
  const state = ms.allocFrame();
  const cpu = ms.engine;
  const saved = cpu.stateAddr;
  cpu.attachState(state);
  cpu.setMode(true, true);
  for (const [r, v] of Object.entries(regs)) cpu.setGpr(Number(r), lo32(v), hi32(v));
  cpu.setPc(lo32(pc), hi32(pc));
  cpu.attachState(saved);
  return state;
}

/** Run a guest thread of `space` whose exceptions end it and are reported to the mailbox. */
export function* runGuest(k: Kernel, space: Space, state: number, box: SharedWords, name: string, other: string, maxInstructions = 5e7): Gen<ThreadEnd | undefined> {
  let end: ThreadEnd | undefined;
  const clock = new ThreadClock();
  yield* guestThread(k, {
    name, space, state, maxInstructions,
    choice: () => undefined,
    syscall: (cpu: Cpu): SyscallResult => {
      const nr = cpu.r[0];
      if (nr === SYS_EXIT) return { exitCode: 0 };
      if (nr === SYS_NOP) {
        box.add(SYSCALLS, 1);
        return box.load(STOP) !== 0 ? { exitCode: 0 } : undefined;
      }
      if (nr === SYS_WAIT_OTHER) return { what: `${other} done`, *run() { yield { kind: "event", what: `${other} done` }; return undefined; } };
      return { exitCode: 100, error: `unexpected system call ${nr}` };
    },
    exception: (_cpu, signal, code, addr) => {
      box.store(SIGNAL, signal);
      box.store(CODE, code);
      box.store(ADDR_LO, lo32(addr));
      box.store(ADDR_HI, hi32(addr));
      return { exitCode: 128 + signal, signal };
    },
  }, clock, (e) => { end = e; });
  return end;
}

export interface ChangeResult {
  /** The data word when the change returned, and after the guest ended. */
  before: number;
  after: number;
  signal: number;
  code: number;
  addr: number;
  /** Frames a concurrent allocator filled with a pattern that was found changed. */
  corrupted: number;
  patternFrames: number;
  /** The frame of the page that was changed. */
  dataFrame: number;
}

/**
 * A guest thread on processor 1 increments a word of page P in a loop; a kernel thread on
 * processor 0 waits until it runs, then write-protects (`protect`) or unmaps (`unmap`) P.
 * A third thread on processor 0 keeps taking frames and filling them with a pattern, so that a
 * frame freed too early would be handed out while the guest still writes through a stale TLB.
 */
export function changeUnderGuest(k: Kernel, a: unknown): Finisher | void {
  const args = a as { op: "protect" | "unmap"; objects?: MemoryChoices };
  const ms = MemorySystem.install(k, args.objects ?? {});
  const box = mailbox(k);
  if (k.cpu === 1) {
    k.sched.spawn("incrementer", (function* (): Gen {
      while (box.load(READY) === 0) yield* sleep(k, 500);
      const space = new Space(k, box.load(PROC) as ObjRef<never>);
      yield* runGuest(k, space, box.load(STATE), box, "incrementer", "");
      box.store(DONE, 1);
    })(), undefined, { guest: true });
    return;
  }
  if (k.cpu !== 0) return;
  const space = new Space(k, ms.newSpace());
  space.mapFresh(CODE_VA, CODE_VA + PAGE_SIZE, { prot: Pte.Read | Pte.Exec, kind: RegionKind.Image, flags: 0 });
  space.mapFresh(DATA_VA, DATA_VA + 2 * PAGE_SIZE, { prot: Pte.Read | Pte.Write, kind: RegionKind.Anonymous, flags: 0 });
  // loop: lwz r5,0(r4); addi r5,r5,1; stw r5,0(r4); stw r5,0(r7); b loop — r4 the page that
  // changes, r7 a witness page next to it that stays: a store to it after the change returned
  // would mean a load or store of the first page succeeded through a stale translation.
  space.poke(CODE_VA, words([lwz(5, 0, 4), addi(5, 5, 1), stw(5, 0, 4), stw(5, 0, 7), b(-16)]));
  const state = newThread(ms, CODE_VA, { 4: DATA_VA, 7: DATA_VA + PAGE_SIZE });
  box.store(PROC, space.proc);
  box.store(STATE, state);
  box.store(READY, 1);
  const mem = k.port.mem;
  const result: ChangeResult = { before: -1, after: -1, signal: 0, code: 0, addr: 0, corrupted: 0, patternFrames: 0, dataFrame: -1 };
  let finished = false;
  const PATTERN = 0x5a5a5a5a;
  k.sched.spawn("allocator", (function* (): Gen {
    // Frames keep their pattern until checked: a stale store through the guest's old
    // translation would show in one of them (checked when it is let go, and at the end).
    const frames: number[] = [];
    const check = (f: number): void => {
      if (mem.i32.subarray(f >> 2, (f + PAGE_SIZE) >> 2).some((w) => w !== PATTERN)) result.corrupted++;
    };
    while (!finished) {
      const pa = ms.allocFrame();
      mem.i32.fill(PATTERN, pa >> 2, (pa + PAGE_SIZE) >> 2);
      frames.push(pa);
      if (frames.length > 256) {
        const f = frames.shift() as number;
        check(f);
        ms.freeFrame(f);
      }
      yield* sleep(k, 300);
    }
    result.patternFrames = frames.length;
    for (const f of frames) {
      check(f);
      ms.freeFrame(f);
    }
  })());
  k.sched.spawn("changer", (function* (): Gen {
    const WITNESS = DATA_VA + PAGE_SIZE;
    // Wait until the guest runs (it may not have touched the witness page yet: then it is -1).
    let frame = space.resident(WITNESS);
    while (frame < 0 || mem.i32[frame >> 2] < 1000) {
      yield* sleep(k, 2000);
      frame = space.resident(WITNESS);
    }
    result.dataFrame = space.resident(DATA_VA);
    if (args.op === "protect") yield* space.protect(DATA_VA, DATA_VA + PAGE_SIZE, Pte.Read);
    else yield* space.unmap(DATA_VA, DATA_VA + PAGE_SIZE);
    result.before = mem.i32[frame >> 2];
    for (let i = 0; i < 200 && box.load(DONE) === 0; i++) yield* sleep(k, 5000);
    result.after = mem.i32[frame >> 2];
    // Let the allocator run a little longer with the frames the unmap freed.
    yield* sleep(k, 20000);
    finished = true;
    result.signal = box.load(SIGNAL);
    result.code = box.load(CODE);
    result.addr = (box.load(ADDR_HI) >>> 0) * 2 ** 32 + (box.load(ADDR_LO) >>> 0);
    yield* space.teardown();
  })());
  return () => result;
}

/** Two guest threads of one address space, each waiting for the other: a deadlock. */
export function guestDeadlock(k: Kernel, a: unknown): Finisher | void {
  const ms = MemorySystem.install(k, (a as { objects?: MemoryChoices } | undefined)?.objects ?? {});
  const box = mailbox(k);
  if (k.cpu > 1) return;
  if (k.cpu === 0) {
    const space = new Space(k, ms.newSpace());
    space.mapFresh(CODE_VA, CODE_VA + PAGE_SIZE, { prot: Pte.Read | Pte.Exec, kind: RegionKind.Image, flags: 0 });
    space.poke(CODE_VA, words([addi(0, 0, SYS_WAIT_OTHER), SC, b(0)]));
    box.store(PROC, space.proc);
    box.store(STATE, newThread(ms, CODE_VA, {}));
    box.store(STATE2, newThread(ms, CODE_VA, {}));
    box.store(READY, 1);
  }
  const [me, other] = k.cpu === 0 ? ["g0", "g1"] : ["g1", "g0"];
  k.sched.spawn(me, (function* (): Gen {
    while (box.load(READY) === 0) yield* sleep(k, 500);
    const space = new Space(k, box.load(PROC) as ObjRef<never>);
    yield* runGuest(k, space, box.load(k.cpu === 0 ? STATE : STATE2), box, me, other);
  })(), undefined, { guest: true });
}

export interface SwapLoadResult {
  /** Pages whose word was not what the guest wrote. */
  wrong: number;
  pages: number;
  exit: number | undefined;
  swaps: number;
  /** Frames allocated per node, summed over the allocator's reps, at the end. */
  allocated: number[];
  types: string[];
}

/**
 * A guest thread touches `pages` fresh pages of one region (each fault takes a frame from the
 * page allocator through the region's FCM) while a kernel thread on another processor
 * hot-swaps the page allocator and that FCM back and forth.
 */
export function swapUnderLoad(k: Kernel, a: unknown): Finisher | void {
  const args = a as { pages: number; swaps: number };
  const ms = MemorySystem.install(k, {});
  const box = mailbox(k);
  const BASE = 0x20000000;
  if (k.cpu === 0) {
    const space = new Space(k, ms.newSpace());
    space.mapFresh(CODE_VA, CODE_VA + PAGE_SIZE, { prot: Pte.Read | Pte.Exec, kind: RegionKind.Image, flags: 0 });
    space.mapFresh(BASE, BASE + args.pages * PAGE_SIZE, { prot: Pte.Read | Pte.Write, kind: RegionKind.Anonymous, flags: 0 });
    // loop: stw r6,0(r4); addi r4,r4,4096; addi r6,r6,-1; cmpwi r6,0; bne loop; li r0,901; sc
    space.poke(CODE_VA, words([stw(6, 0, 4), addi(4, 4, 4096), addi(6, 6, -1), cmpwi0(6), bne(-16), addi(0, 0, SYS_EXIT), SC]));
    box.store(PROC, space.proc);
    box.store(STATE, newThread(ms, CODE_VA, { 4: BASE, 6: args.pages }));
    box.store(READY, 1);
    const result: SwapLoadResult = { wrong: 0, pages: args.pages, exit: undefined, swaps: 0, allocated: [], types: [] };
    k.sched.spawn("toucher", (function* (): Gen {
      const end = yield* runGuest(k, space, box.load(STATE), box, "toucher", "");
      result.exit = end?.exitCode;
      for (let i = 0; i < args.pages; i++) {
        const v = space.peek(BASE + i * PAGE_SIZE, 4);
        if (new DataView(v.buffer).getInt32(0, true) !== args.pages - i) result.wrong++;
      }
      box.store(DONE, 1);
      while (box.load(DONE2) === 0) yield* sleep(k, 1000);
      yield* space.teardown();
      const t = k.cos.type(k.gtt.get(PAGE_ALLOCATOR, 1 /* Gte.Type */));
      result.allocated = ms.allocatorTotals().allocated;
      result.types.push(t.name);
    })(), undefined, { guest: true });
    return () => result;
  }
  if (k.cpu !== 1) return;
  const out = { swaps: 0 };
  k.sched.spawn("swapper", (function* (): Gen {
    while (box.load(READY) === 0) yield* sleep(k, 500);
    const space = new Space(k, box.load(PROC) as ObjRef<never>);
    const fcm = space.find(BASE)?.fcm;
    if (fcm === undefined) throw new Error("no region at BASE");
    for (let i = 0; i < args.swaps && box.load(DONE) === 0; i++) {
      const types = ms.allocatorTypes;
      yield* k.swap.switchObject(PAGE_ALLOCATOR, i % 2 === 0 ? types.PageAllocatorShared : types.PageAllocatorNuma);
      yield* k.swap.switchObject(fcm, i % 2 === 0 ? FCMPartitioned : FCMDefault);
      out.swaps++;
      yield* sleep(k, 3000);
    }
    box.store(DONE2, 1);
  })());
  return () => out;
}

export interface ShootdownBenchResult {
  /** mprotect calls made (each one shoots down the other processor's translation). */
  calls: number;
  /** Machine time per call (cycles in deterministic mode, ns of real time in parallel mode). */
  perCall: number;
  /** Processors asked per call (1: the one running the guest). */
  remote: number;
}

/**
 * mprotect with a TLB shootdown across 2 processors: a guest thread on processor 1 keeps
 * reading page P (so its TLB holds P's translation) until a flag page says stop; a kernel
 * thread on processor 0 flips P between read-only and read-write `calls` times, each flip
 * removing the translation from processor 1 before it returns.
 */
export function shootdownBench(k: Kernel, a: unknown): Finisher | void {
  const args = a as { calls: number };
  const ms = MemorySystem.install(k, {});
  const box = mailbox(k);
  const FLAG = DATA_VA + PAGE_SIZE;
  if (k.cpu === 1) {
    k.sched.spawn("reader", (function* (): Gen {
      while (box.load(READY) === 0) yield* sleep(k, 500);
      yield* runGuest(k, new Space(k, box.load(PROC) as ObjRef<never>), box.load(STATE), box, "reader", "");
      box.store(DONE, 1);
    })(), undefined, { guest: true });
    return;
  }
  if (k.cpu !== 0) return;
  const space = new Space(k, ms.newSpace());
  space.mapFresh(CODE_VA, CODE_VA + PAGE_SIZE, { prot: Pte.Read | Pte.Exec, kind: RegionKind.Image, flags: 0 });
  space.mapFresh(DATA_VA, DATA_VA + 2 * PAGE_SIZE, { prot: Pte.Read | Pte.Write, kind: RegionKind.Anonymous, flags: 0 });
  // loop: lwz r6,0(r4); lwz r5,0(r7); cmpwi r5,0; beq loop; li r0,901; sc
  const beq = ((16 << 26) | (12 << 21) | (2 << 16) | (-12 & 0xfffc)) >>> 0;
  space.poke(CODE_VA, words([lwz(6, 0, 4), lwz(5, 0, 7), cmpwi0(5), beq, addi(0, 0, SYS_EXIT), SC]));
  box.store(PROC, space.proc);
  box.store(STATE, newThread(ms, CODE_VA, { 4: DATA_VA, 7: FLAG }));
  box.store(READY, 1);
  const result: ShootdownBenchResult = { calls: args.calls, perCall: 0, remote: 0 };
  k.sched.spawn("protector", (function* (): Gen {
    // Wait until the reader runs: both pages resident (it reads the flag page too).
    while (space.resident(DATA_VA) < 0 || space.resident(FLAG) < 0) yield* sleep(k, 1000);
    const flag = space.resident(FLAG);
    const t0 = k.port.now();
    for (let i = 0; i < args.calls; i++) {
      yield* space.protect(DATA_VA, DATA_VA + PAGE_SIZE, i % 2 === 0 ? Pte.Read : Pte.Read | Pte.Write);
    }
    result.perCall = (k.port.now() - t0) / args.calls;
    result.remote = space.call((p) => k.cos.callNow(p.hat, (h) => h.holders().filter((c) => c !== 0).length));
    k.port.mem.i32[flag >> 2] = 1; // stop the reader
    while (box.load(DONE) === 0 && box.load(SIGNAL) === 0) yield* sleep(k, 1000);
    yield* space.teardown();
  })());
  return () => result;
}

export interface SyscallLoopResult {
  /** Steps the kernel thread got while the guest looped on system calls. */
  steps: number;
  syscalls: number;
  exit: number | undefined;
}

/**
 * A guest thread on processor 0 making system calls in a loop (each returns at once) and a
 * kernel thread on the same processor that wants to run `steps` times: the guest's slice is
 * charged across its system calls, so it is preempted and the other thread gets its turns.
 */
export function syscallLoop(k: Kernel, a: unknown): Finisher | void {
  const args = a as { steps: number };
  const ms = MemorySystem.install(k, {});
  const box = mailbox(k);
  if (k.cpu !== 0) return;
  const space = new Space(k, ms.newSpace());
  space.mapFresh(CODE_VA, CODE_VA + PAGE_SIZE, { prot: Pte.Read | Pte.Exec, kind: RegionKind.Image, flags: 0 });
  space.poke(CODE_VA, words([addi(0, 0, SYS_NOP), SC, b(-8)]));
  const state = newThread(ms, CODE_VA, {});
  const result: SyscallLoopResult = { steps: 0, syscalls: 0, exit: undefined };
  k.sched.spawn("syscaller", (function* (): Gen {
    const end = yield* runGuest(k, space, state, box, "syscaller", "");
    result.exit = end?.exitCode;
    result.syscalls = box.load(SYSCALLS);
    yield* space.teardown();
  })(), undefined, { guest: true });
  k.sched.spawn("other", (function* (): Gen {
    for (; result.steps < args.steps; result.steps++) yield { kind: "yield" };
    box.store(STOP, 1);
  })());
  return () => result;
}

export interface CowResult {
  /** What each step saw (frames compared, bytes read). */
  log: string[];
}

/**
 * The FCM copy-on-write tree as fork will use it: F holds pages; fork moves them into a new
 * parent P that F and a child C then share read-only; a write on either side copies the page
 * into the writer's own FCM; the parent's page stays as it was; tearing both down frees P.
 */
export function cowTree(k: Kernel, _a: unknown): Finisher | void {
  if (k.cpu !== 0) return;
  const ms = MemorySystem.install(k, {});
  const cos = k.cos, mem = k.port.mem;
  const log: string[] = [];
  const F = ms.newAnonymousFcm(false);
  cos.callNow(F, (f) => f.addRef(1));
  const page = (id: ObjRef<FCM>, n: number, write: boolean): { pa: number; readOnly: boolean } => {
    const r = cos.callNow(id, (f) => f.getPage(n, write));
    if (r === "bus" || "wait" in r) throw new Error("anonymous memory is never in progress nor beyond an end");
    return r;
  };
  const f0 = page(F, 0, true);
  mem.bytes[f0.pa] = 42;
  page(F, 1, true);
  // fork: P takes F's pages; F and C read through P.
  const P = ms.newAnonymousFcm(false);
  const state = cos.callNow(F, (f) => f.handOver());
  cos.callNow(P, (p) => p.adopt(state, 2));
  cos.callNow(F, (f) => f.setParent(P));
  const C = ms.newAnonymousFcm(false);
  cos.callNow(C, (c) => { c.setParent(P); c.addRef(1); });
  const cr = page(C, 0, false), fr = page(F, 0, false);
  log.push(`read shares the parent's frame: ${cr.pa === f0.pa && fr.pa === f0.pa} read-only: ${cr.readOnly && fr.readOnly} byte ${mem.bytes[cr.pa]}`);
  const cw = page(C, 0, true);
  const copied = mem.bytes[cw.pa];
  mem.bytes[cw.pa] = 7;
  log.push(`child write copies: ${cw.pa !== f0.pa} writable: ${!cw.readOnly} copy had ${copied} -> now ${mem.bytes[cw.pa]}; parent still ${mem.bytes[f0.pa]}`);
  const fw = page(F, 0, true);
  log.push(`original write copies too: ${fw.pa !== f0.pa && fw.pa !== cw.pa} sees ${mem.bytes[fw.pa]}`);
  log.push(`page 2 never written: zero-filled in the child: ${mem.bytes[page(C, 2, false).pa] === 0}`);
  // Tear down: C then F; P goes when its last child does.
  const drop = (id: ObjRef<FCM>): number[] => {
    if (cos.callNow(id, (f) => f.addRef(-1)) > 0) return [];
    const t = cos.callNow(id, (f) => f.teardown());
    const frames = [...t.frames];
    if (t.parent !== 0 && cos.callNow(t.parent, (p) => p.addRef(-1)) === 0) frames.push(...cos.callNow(t.parent, (p) => p.teardown()).frames);
    return frames;
  };
  const fromC = drop(C), fromF = drop(F);
  log.push(`child teardown frees its own pages only: ${!fromC.includes(f0.pa) && fromC.includes(cw.pa)}`);
  log.push(`last child frees the parent's pages: ${fromF.includes(f0.pa) && fromF.includes(fw.pa)}`);
  return () => ({ log } satisfies CowResult);
}

export interface MigrateResult {
  /** r5 at the end (the loop's count), the processors that ran the thread, the exit status. */
  count: number;
  ranOn: number[];
  exit: number | undefined;
}

/**
 * Migration: a guest thread counts to `n` in r5; processor 0 runs it for part of the way, then
 * processor 1 points its own engine at the same state block and runs it to the end.
 */
export function migrate(k: Kernel, a: unknown): Finisher | void {
  const args = a as { n: number; first: number };
  const ms = MemorySystem.install(k, {});
  const box = mailbox(k);
  const ranOn: number[] = [];
  if (k.cpu === 0) {
    const space = new Space(k, ms.newSpace());
    space.mapFresh(CODE_VA, CODE_VA + PAGE_SIZE, { prot: Pte.Read | Pte.Exec, kind: RegionKind.Image, flags: 0 });
    // loop: addi r5,r5,1; addi r6,r6,-1; cmpwi r6,0; bne loop; li r0,901; sc
    space.poke(CODE_VA, words([addi(5, 5, 1), addi(6, 6, -1), cmpwi0(6), bne(-12), addi(0, 0, SYS_EXIT), SC]));
    const state = newThread(ms, CODE_VA, { 5: 0, 6: args.n });
    box.store(PROC, space.proc);
    box.store(STATE, state);
    k.sched.spawn("first half", (function* (): Gen {
      const end = yield* runGuest(k, space, state, box, "first half", "", args.first);
      if (end?.signal !== 9) throw new Error(`the first half ended with ${JSON.stringify(end)}`);
      box.store(READY, 1); // hand the state block over
    })(), undefined, { guest: true });
    return () => ({ ranOn: [0] });
  }
  if (k.cpu !== 1) return;
  const result: MigrateResult = { count: -1, ranOn, exit: undefined };
  k.sched.spawn("second half", (function* (): Gen {
    while (box.load(READY) === 0) yield* sleep(k, 500);
    const space = new Space(k, box.load(PROC) as ObjRef<never>);
    const state = box.load(STATE);
    const end = yield* runGuest(k, space, state, box, "second half", "");
    result.exit = end?.exitCode;
    result.count = k.port.mem.i32[(state + 5 * 8) >> 2];
    yield* space.teardown();
  })(), undefined, { guest: true });
  return () => result;
}

/** Every processor takes `n` frames through the clustered allocator; processor 0 reports its shape. */
export function allocatorReps(k: Kernel, a: unknown): Finisher | void {
  const n = (a as { n: number }).n;
  const ms = MemorySystem.install(k, {});
  k.sched.spawn("taker", (function* (): Gen {
    const frames: number[] = [];
    for (let i = 0; i < n; i++) frames.push(ms.allocFrame());
    for (const f of frames) ms.freeFrame(f);
  })());
  if (k.cpu !== 0) return;
  return () => {
    const g = k.gtt, t = k.cos.type(g.get(PAGE_ALLOCATOR, 1 /* Gte.Type */));
    const tgt = k.cos.target(t, g.get(PAGE_ALLOCATOR, 3 /* Gte.Shared */), PAGE_ALLOCATOR);
    // Each cluster's block: word 1 + node = frames allocated on that node through that rep.
    const perRep = Array.from({ length: tgt.clusters }, (_, c) => Array.from({ length: k.topology.nodes }, (_, nd) => tgt.block(c).load(1 + nd)));
    return { clusters: tgt.clusters, perRep };
  };
}
