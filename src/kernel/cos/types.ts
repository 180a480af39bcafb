// Clustered-object types: how an object's root creates representatives, and how an
// implementation exchanges state with another during a hot-swap. One ObjectType per
// implementation (the unit of hot-swap is the unit of code); a type is immutable data plus
// functions, registered under the same numeric id on every processor.

import type { SharedWords } from "../shared.js";
import type { Kernel } from "../kernel.js";

/** How many representatives an object has (K42's root classes). */
export const enum RootKind {
  /** One rep for all processors (CObjRootSingleRep); its state lives in shared memory. */
  Shared = 0,
  /** One rep per processor (CObjRootMultiRep, cluster size 1), created on first use there. */
  PerProcessor = 1,
  /** One rep per cluster of `clusterSize` consecutive processors. */
  PerCluster = 2,
}

/** What a rep is given when its processor creates it (at a miss). */
export interface RepContext {
  /** The kernel of the processor creating the rep (reps may call other objects through it). */
  readonly k: Kernel;
  readonly id: number;
  readonly cpu: number;
  /** Index of the rep's cluster: 0 for Shared, the processor for PerProcessor. */
  readonly cluster: number;
  readonly clusters: number;
  /** True on the processor that created this cluster's rep first (it initialises shared state). */
  readonly first: boolean;
  /** This cluster's shared block (type.sharedBytes), or undefined if the type has none. */
  readonly shared: SharedWords | undefined;
  /** The shared block of any cluster (rep enumeration over shared state). */
  block(cluster: number): SharedWords;
  /** State handed over by the hot-swap that installed this type (importState's seed), if any. */
  readonly seed: unknown;
}

/** Where state goes during a hot-swap transfer. */
export interface TransferTarget {
  readonly clusters: number;
  block(cluster: number): SharedWords;
}

export interface ExportedState {
  /** What exportShared produced (from the shared blocks), or undefined. */
  readonly shared: unknown;
  /** What exportLocal produced on each processor holding a rep. */
  readonly locals: readonly { readonly cpu: number; readonly part: unknown }[];
}

export interface ObjectType<R = unknown> {
  /** Stable numeric id (the GTT stores it); unique per implementation version. */
  readonly id: number;
  readonly name: string;
  readonly kind: RootKind;
  /** For PerCluster: processors per cluster. */
  readonly clusterSize?: number;
  /** Bytes of shared state per cluster (padded to 128-byte lines), 0/undefined for none. */
  readonly sharedBytes?: number;
  create(ctx: RepContext): R;
  /** Release a rep's processor-local resources (at destruction or after a swap). */
  cleanup?(rep: R): void;
  /** State-transfer formats this type exports / imports, by number (lowest common one is chosen). */
  readonly exports?: readonly number[];
  readonly imports?: readonly number[];
  /** Export the state held in shared blocks (run once, on the swap's coordinator). */
  exportShared?(format: number, src: TransferTarget): unknown;
  /** Export processor-local rep state (run on every processor that has a rep). */
  exportLocal?(rep: R, format: number): unknown;
  /** Build the new object's state: write its shared blocks; return per-cluster seeds for reps. */
  importState?(format: number, from: ExportedState, into: TransferTarget): readonly unknown[] | undefined;
  /** Named operations run on every rep by gather() (function shipping for rep enumeration). */
  readonly gatherOps?: Readonly<Record<string, (rep: R, arg: unknown) => unknown>>;
}

/** Number of clusters of a type on a machine of `cpus` processors. */
export function clustersOf(t: ObjectType, cpus: number): number {
  switch (t.kind) {
    case RootKind.Shared:
      return 1;
    case RootKind.PerProcessor:
      return cpus;
    case RootKind.PerCluster:
      return Math.ceil(cpus / Math.max(1, t.clusterSize ?? 1));
  }
}

export function clusterOf(t: ObjectType, cpu: number): number {
  switch (t.kind) {
    case RootKind.Shared:
      return 0;
    case RootKind.PerProcessor:
      return cpu;
    case RootKind.PerCluster:
      return Math.floor(cpu / Math.max(1, t.clusterSize ?? 1));
  }
}

/** Bytes of one cluster's shared block, padded to lines (0 if none). */
export function blockBytes(t: ObjectType): number {
  const b = t.sharedBytes ?? 0;
  return b === 0 ? 0 : Math.ceil(b / 128) * 128 + 128; // +1 line: the cluster's "created" word
}

/** Best common transfer format (lowest number), or undefined. */
export function negotiate(from: ObjectType, to: ObjectType): number | undefined {
  const imp = new Set(to.imports ?? []);
  let best: number | undefined;
  for (const f of from.exports ?? []) if (imp.has(f) && (best === undefined || f < best)) best = f;
  return best;
}
