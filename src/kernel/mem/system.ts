// The memory system of one processor: the well-known page allocator and anonymous-memory FR,
// the files' page caches (file-cache.ts), the implementation chosen for new FCMs, the processor's execution engine (the Cpu whose TLBs
// hold translations of whichever address space it runs), and the shootdown handler. Installed
// on every processor at boot with the same choices (`k42 run --object TYPE=IMPL`).

import { Cpu } from "../../machine/power/cpu.js";
import type { EngineKind, EngineStats } from "../../machine/power/engine.js";
import type { TableFrames } from "../../machine/pagetable.js";
import type { ObjectType } from "../cos/types.js";
import { ObjectError, type ObjRef } from "../cos/manager.js";
import type { Kernel } from "../kernel.js";
import { MsgKind } from "../messenger.js";
import { FCMDefault, FCMPartitioned, type FCM } from "./fcm.js";
import { FileCaches } from "./file-cache.js";
import { FRComputation, type FR } from "./fr.js";
import { HATDefault, type HAT } from "./hat.js";
import { PageAllocatorShared, allocatorTotals, pageAllocatorNuma, type NodeChoice, type PageAllocator } from "./page-allocator.js";
import { Gte } from "../cos/gtt.js";
import { ProcessDefault, type Process } from "./process.js";
import { RegionDefault } from "./region.js";

/** Well-known object slots of the memory system. */
export const PAGE_ALLOCATOR = 1;
export const FR_COMPUTATION = 2;

/** Implementations selectable per object type, by name (`--object TYPE=IMPL`). */
export const IMPLEMENTATIONS = {
  PageAllocator: ["PageAllocatorNuma", "PageAllocatorShared"],
  FCM: ["FCMDefault", "FCMPartitioned"],
} as const;
export type Customisable = keyof typeof IMPLEMENTATIONS;
export type MemoryChoices = { readonly [T in Customisable]?: string };

export class ChoiceError extends Error {}

/** Check `--object` choices: every type and implementation must exist. */
export function checkChoices(c: Record<string, string>): MemoryChoices {
  for (const [t, impl] of Object.entries(c)) {
    const impls = (IMPLEMENTATIONS as Record<string, readonly string[]>)[t];
    if (impls === undefined) throw new ChoiceError(`no customisable object type ${t} (types: ${Object.keys(IMPLEMENTATIONS).join(", ")})`);
    if (!impls.includes(impl)) throw new ChoiceError(`no implementation ${impl} of ${t} (implementations: ${impls.join(", ")})`);
  }
  return c as MemoryChoices;
}

/** Linux memory-policy modes the allocator follows (uapi/linux/mempolicy.h). */
export const enum Mpol {
  Default = 0,
  Preferred = 1,
  Bind = 2,
  Interleave = 3,
  Local = 4,
  PreferredMany = 5,
}

/** A memory policy (mode and flags, a bit per node) → the nodes to take a page from, in order. */
export type Placement = (mode: number, nodes: number, index: number, localNode: number) => NodeChoice | undefined;

export class MemorySystem {
  readonly allocator: ObjRef<PageAllocator>;
  readonly fr: ObjRef<FR>;
  readonly fcmType: ObjectType<FCM>;
  /** This machine's page allocator implementations (the clustered one has a rep per node). */
  readonly allocatorTypes: { readonly PageAllocatorNuma: ObjectType<PageAllocator>; readonly PageAllocatorShared: ObjectType<PageAllocator> };
  readonly tableFrames: TableFrames;
  /** Files' page caches: the registry, page-in, write-back, truncate. */
  readonly files: FileCaches;
  private cpu: Cpu | undefined;

  private constructor(private readonly k: Kernel, choices: MemoryChoices, private readonly engineKind: EngineKind) {
    const topo = k.topology;
    const even = topo.cpus % topo.nodes === 0 && Array.from({ length: topo.cpus }, (_, c) => c).every((c) => topo.nodeOf(c) === Math.floor(c / (topo.cpus / topo.nodes)));
    this.allocatorTypes = { PageAllocatorNuma: pageAllocatorNuma(even ? topo.cpus / topo.nodes : undefined), PageAllocatorShared };
    const a = this.allocatorTypes[(choices.PageAllocator ?? "PageAllocatorNuma") as keyof MemorySystem["allocatorTypes"]];
    this.fcmType = choices.FCM === "FCMPartitioned" ? FCMPartitioned : FCMDefault;
    for (const t of [this.allocatorTypes.PageAllocatorNuma, PageAllocatorShared, FCMDefault, FCMPartitioned, FRComputation, HATDefault, RegionDefault, ProcessDefault]) {
      k.cos.registerType(t as ObjectType<unknown>);
    }
    this.allocator = k.cos.wellKnown(PAGE_ALLOCATOR, a);
    this.fr = k.cos.wellKnown(FR_COMPUTATION, FRComputation);
    this.tableFrames = { alloc: () => this.allocFrame(), free: (pa) => this.freeFrame(pa) };
    k.onRequest(MsgKind.Shootdown, (_from, hat, reply) => {
      this.flushHere(hat as number);
      reply(0);
    });
    this.files = new FileCaches(k, this);
  }

  /** Install on processor `k` (every processor, at boot, with the same choices). */
  static install(k: Kernel, choices: MemoryChoices = {}, engine: EngineKind = "block"): MemorySystem {
    if (k.memory !== undefined) return k.memory;
    const ms = new MemorySystem(k, checkChoices(choices as Record<string, string>), engine);
    k.memory = ms;
    return ms;
  }

  /** This processor's execution engine (created on first use; `k42 run --engine` chooses its kind). */
  get engine(): Cpu {
    this.cpu ??= new Cpu(this.k.port.mem, undefined, this.engineKind);
    this.cpu.node = this.k.topology.nodeOf(this.k.cpu);
    return this.cpu;
  }

  /** The engine's counters, if this processor has run guest code with an engine that keeps any. */
  engineStats(): EngineStats | undefined {
    return this.cpu?.engine.stats?.();
  }

  allocFrame(choice?: NodeChoice): number {
    return this.k.cos.callNow(this.allocator, (a) => a.alloc(choice));
  }

  freeFrame(pa: number): void {
    this.k.cos.callNow(this.allocator, (a) => a.free(pa));
  }

  /** Frames allocated and freed per node, summed over the allocator's reps (its shared blocks). */
  allocatorTotals(): { allocated: number[]; freed: number[] } {
    const k = this.k, g = k.gtt;
    const t = k.cos.type(g.get(this.allocator, Gte.Type));
    return allocatorTotals(k.cos.target(t, g.get(this.allocator, Gte.Shared), this.allocator), k.port.mem.nodes.length);
  }

  newAnonymousFcm(shared: boolean): ObjRef<FCM> {
    const id = this.k.cos.create(this.fcmType);
    this.k.cos.callNow(id, (f) => f.init(this.fr, shared, 0 as ObjRef<FCM>));
    return id;
  }

  /**
   * A private mapping's FCM over `parent` (a file's page cache): it reads the parent's pages
   * until it writes one (copy-on-write). It holds a reference on the parent, dropped when it dies.
   */
  newCowChild(parent: ObjRef<FCM>): ObjRef<FCM> {
    const cos = this.k.cos;
    cos.callNow(parent, (p) => p.addRef(1)); // first: a hot-swap of the parent (ObjectBusy) leaves nothing behind
    const id = cos.create(this.fcmType);
    cos.callNow(id, (f) => f.init(this.fr, false, parent));
    return id;
  }

  /** A new, empty address space: its HAT and Process. */
  newSpace(): ObjRef<Process> {
    const k = this.k;
    const hat = k.cos.create(HATDefault);
    k.cos.callNow(hat, (h) => h.init());
    const p = k.cos.create(ProcessDefault);
    k.cos.callNow(p, (x) => x.init(hat));
    return p;
  }

  /**
   * How a memory policy becomes a choice of nodes. The kernel's own rule (below) serves kernel
   * programs; a personality installs its operating system's exact rule (Linux's mempolicy).
   */
  placement: Placement = (mode, nodes, index) => this.kernelPlacement(mode, nodes, index);

  /**
   * The nodes a page comes from under memory policy `mode`/`nodes` (a bit per node), for the
   * page numbered `index` (interleave spreads by page number). undefined: the allocator's own
   * order (this processor's node first).
   */
  policyChoice(mode: number, nodes: number, index: number): NodeChoice | undefined {
    return this.placement(mode, nodes, index, this.k.topology.nodeOf(this.k.cpu));
  }

  private kernelPlacement(mode: number, nodes: number, index: number): NodeChoice | undefined {
    const here = this.k.topology.nodeOf(this.k.cpu);
    const list: number[] = [];
    for (let n = 0; n < 32; n++) if ((nodes & (1 << n)) !== 0) list.push(n);
    switch (mode & 0xff) {
      case Mpol.Default:
      case Mpol.Local:
        return undefined;
      case Mpol.Preferred:
      case Mpol.PreferredMany:
        return list.length === 0 ? undefined : { nodes: list.includes(here) ? [here, ...list.filter((n) => n !== here)] : list, strict: false };
      case Mpol.Bind:
        return { nodes: list.includes(here) ? [here, ...list.filter((n) => n !== here)] : list, strict: true };
      case Mpol.Interleave: {
        if (list.length === 0) return undefined;
        const first = list[Math.abs(Math.floor(index)) % list.length];
        return { nodes: [first, ...list.filter((n) => n !== first)], strict: false };
      }
      default:
        return undefined;
    }
  }

  /** Run `hat`'s translations on this processor's engine from now on (the HAT records it). */
  attach(hat: ObjRef<HAT>): Cpu {
    const cpu = this.engine;
    if (cpu.space !== hat) {
      const pt = this.k.cos.callNow(hat, (h) => {
        h.attach(this.k.cpu);
        return h.pt;
      });
      cpu.attachSpace(hat, pt);
    }
    return cpu;
  }

  /** Shootdown on this processor: forget `hat`'s translations (or note that none are held). */
  flushHere(hat: number): void {
    const cpu = this.cpu;
    if (cpu !== undefined && cpu.space === hat) {
      cpu.flushTlb();
      return;
    }
    // Not running that space: its TLBs were flushed when it switched away; stop asking us.
    try {
      this.k.cos.callNow(hat as ObjRef<HAT>, (h) => h.detach(this.k.cpu));
    } catch (e) {
      if (!(e instanceof ObjectError)) throw e; // the space is already gone: nothing to detach from
    }
  }

  /** Forget the space the engine runs (the space is going away). */
  leave(hat: number): void {
    const cpu = this.cpu;
    if (cpu !== undefined && cpu.space === hat) cpu.attachSpace(0, undefined);
  }
}
