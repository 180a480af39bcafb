// Trace event classes as data (K42 §7b): major classes (at most 64, one enable-mask bit each),
// the minor ids of each class, and per event its name, the names of its data words, and how it
// shows in the Chrome trace (an instant, or the begin or end of a slice).
//
// Everything here is immutable data. The numeric values are part of the trace format: never
// renumber an existing id; add new ones at the end of their class.

/** Major classes. Value = mask bit number (0..63). */
export const Major = {
  Control: 0,
  Test: 1,
  Mem: 2,
  Sched: 3,
  ClustObj: 4,
  PPC: 5,
  Msg: 6,
  HotSwap: 7,
  Linux: 8,
  Exception: 9,
  User: 10,
} as const;
export type Major = (typeof Major)[keyof typeof Major];

/** Number of major classes the header and the mask can express. */
export const MAJOR_LIMIT = 64;
/** Minor ids are 14 bits. */
export const MINOR_LIMIT = 1 << 14;

/** Names of the defined major classes, indexed by major id. */
export const MAJOR_NAMES: readonly string[] = Object.freeze([
  "Control", "Test", "Mem", "Sched", "ClustObj", "PPC", "Msg", "HotSwap", "Linux", "Exception",
  "User",
]);

// Minor ids, one object per major class, named like the class: `ev2(Major.Sched, Sched.Block, …)`.

/** Control: the trace machinery's own events. Heartbeat and Filler never leave the drain. */
export const Control = { Heartbeat: 0, Filler: 1, Lost: 2 } as const;
export const Test = { Data: 0, Str: 1 } as const;
export const Mem = { LineWait: 0, FrameAlloc: 1, FrameFree: 2, ShootdownStart: 3, ShootdownDone: 4, FramesFreed: 5, PageIn: 6, PageInDone: 7, PageOut: 8 } as const;
export const Sched = { Dispatch: 0, Block: 1, Unblock: 2, ThreadExit: 3, Idle: 4, Preempt: 5 } as const;
export const ClustObj = { Miss: 0, RepCreate: 1, Destroy: 2, Reclaim: 3, IdFree: 4 } as const;
export const PPC = { Call: 0, Return: 1, Error: 2, Refused: 3 } as const;
export const Msg = { Send: 0, Receive: 1 } as const;
/** Hot-swap phase starts (data: object id, round), in protocol order. */
export const HotSwap = { Forward: 0, Block: 1, Transfer: 2, Complete: 3, Done: 4 } as const;
export const Linux = { SyscallEnter: 0, SyscallExit: 1, GuestTime: 2, ThreadPlaced: 3, ThreadMoved: 4, Rebalanced: 5 } as const;
export const Exception = { Fault: 0, Trap: 1 } as const;
export const User = { Mark: 0, Str: 1, Begin: 2, End: 3 } as const;

/**
 * Kinds of slice. A begin event opens a slice of its kind on its processor; an end event closes
 * the innermost open slice of the same kind. "sched" slices (a thread running on a processor)
 * are outermost: ending one suspends the slices opened inside it until the same thread (the
 * Dispatch event's first data word) is dispatched again.
 */
export type SliceKind = "sched" | "ppc" | "syscall" | "user";

/** How an event shows in the Chrome trace. */
export type ChromeShape =
  | { readonly kind: "instant" }
  | { readonly kind: "begin"; readonly slice: SliceKind }
  | { readonly kind: "end"; readonly slice: SliceKind }
  /** Trace machinery (heartbeat, filler): consumed by the drain, never shown. */
  | { readonly kind: "internal" };

export interface EventInfo {
  readonly major: number;
  readonly minor: number;
  /** Minor name, e.g. "Dispatch". */
  readonly name: string;
  /** "Major.Minor", e.g. "Sched.Dispatch". */
  readonly fullName: string;
  /** Names of the data words, in order (extra words are named d4, d5, ...). */
  readonly fields: readonly string[];
  readonly chrome: ChromeShape;
  /** Slice title for begin events, from the data words (default: fullName). */
  readonly label?: (data: readonly number[]) => string;
}

const INSTANT: ChromeShape = { kind: "instant" };
const INTERNAL: ChromeShape = { kind: "internal" };
const begin = (slice: SliceKind): ChromeShape => ({ kind: "begin", slice });
const end = (slice: SliceKind): ChromeShape => ({ kind: "end", slice });

interface Def {
  name: string;
  fields: readonly string[];
  chrome?: ChromeShape;
  label?: (data: readonly number[]) => string;
}

// One row per major, minors in id order (index = minor id).
const DEFS: readonly (readonly Def[])[] = [
  /* Control */ [
    { name: "Heartbeat", fields: ["time"], chrome: INTERNAL },
    { name: "Filler", fields: [], chrome: INTERNAL },
    { name: "Lost", fields: ["words"] },
  ],
  /* Test */ [
    { name: "Data", fields: ["a", "b", "c", "d"] },
    { name: "Str", fields: ["a"] },
  ],
  /* Mem */ [
    { name: "LineWait", fields: ["line", "wait", "obj"] },
    { name: "FrameAlloc", fields: ["pa", "node"] },
    { name: "FrameFree", fields: ["pa", "node"] },
    /** An address space's translations are being removed from the processors that may hold them. */
    { name: "ShootdownStart", fields: ["space", "seq", "cpus"] },
    /** Every processor of the shootdown has flushed (the frames it covered may now be freed). */
    { name: "ShootdownDone", fields: ["space", "seq"] },
    /** Frames released by an unmap went back to the page allocator (after shootdown `seq`). */
    { name: "FramesFreed", fields: ["space", "seq", "frames"] },
    /** A file page's read starts (on the pager's processor) into frame `pa`. */
    { name: "PageIn", fields: ["cache", "page", "pa"] },
    /** It ended: ok 1, failed 0, read again 2. */
    { name: "PageInDone", fields: ["cache", "page", "ok"] },
    /** A dirty file page is written out (err: 0 or the pager's errno). */
    { name: "PageOut", fields: ["cache", "page", "err"] },
  ],
  /* Sched */ [
    { name: "Dispatch", fields: ["thread", "dispatcher"], chrome: begin("sched"), label: (d) => `thread ${d[0] ?? "?"}` },
    { name: "Block", fields: ["thread", "reason"], chrome: end("sched") },
    { name: "Unblock", fields: ["thread", "reason"] },
    { name: "ThreadExit", fields: ["thread", "status"], chrome: end("sched") },
    { name: "Idle", fields: [] },
    { name: "Preempt", fields: ["thread"], chrome: end("sched") },
  ],
  /* ClustObj */ [
    { name: "Miss", fields: ["obj", "type"] },
    { name: "RepCreate", fields: ["obj", "type", "cluster"] },
    { name: "Destroy", fields: ["obj", "type"] },
    { name: "Reclaim", fields: ["obj", "cpu"] },
    { name: "IdFree", fields: ["obj", "home"] },
  ],
  /* PPC */ [
    { name: "Call", fields: ["obj", "method", "caller"], chrome: begin("ppc"), label: (d) => `ppc ${d[0] ?? "?"}.${d[1] ?? "?"}` },
    { name: "Return", fields: ["obj", "method"], chrome: end("ppc") },
    { name: "Error", fields: ["obj", "method", "code"], chrome: end("ppc") },
    { name: "Refused", fields: ["obj", "method", "reason"] },
  ],
  /* Msg */ [
    { name: "Send", fields: ["to", "kind", "words"] },
    { name: "Receive", fields: ["from", "kind", "words"] },
  ],
  /* HotSwap */ [
    { name: "Forward", fields: ["obj", "round"] },
    { name: "Block", fields: ["obj", "round"] },
    { name: "Transfer", fields: ["obj", "round"] },
    { name: "Complete", fields: ["obj", "round"] },
    { name: "Done", fields: ["obj", "round"] },
  ],
  /* Linux */ [
    { name: "SyscallEnter", fields: ["nr", "arg0", "arg1", "arg2"], chrome: begin("syscall"), label: (d) => `syscall ${d[0] ?? "?"}` },
    { name: "SyscallExit", fields: ["nr", "result"], chrome: end("syscall") },
    /** The seed and boot epoch (seconds) a process's clocks and randomness use: they repeat the run. */
    { name: "GuestTime", fields: ["seed", "epoch"] },
    /** A guest thread placed on another processor than its process's home (its user code runs there). */
    { name: "ThreadPlaced", fields: ["tid", "cpu"] },
    /** A guest thread's user code moved to another processor (its affinity, or the balancer's move). */
    { name: "ThreadMoved", fields: ["tid", "from", "to"] },
    /** The balancer moved threads: the most and fewest runnable threads of a processor afterwards, and the moves. */
    { name: "Rebalanced", fields: ["most", "fewest", "moves"] },
  ],
  /* Exception */ [
    { name: "Fault", fields: ["pc", "addr", "access"] },
    { name: "Trap", fields: ["pc", "kind"] },
  ],
  /* User */ [
    { name: "Mark", fields: ["a", "b", "c", "d"] },
    { name: "Str", fields: ["a"] },
    { name: "Begin", fields: ["id"], chrome: begin("user"), label: (d) => `user ${d[0] ?? "?"}` },
    { name: "End", fields: ["id"], chrome: end("user") },
  ],
];

const TABLE: readonly (readonly EventInfo[])[] = Object.freeze(
  DEFS.map((row, major) =>
    Object.freeze(
      row.map((d, minor): EventInfo =>
        Object.freeze({
          major,
          minor,
          name: d.name,
          fullName: `${MAJOR_NAMES[major]}.${d.name}`,
          fields: Object.freeze([...d.fields]),
          chrome: d.chrome ?? INSTANT,
          ...(d.label ? { label: d.label } : {}),
        }),
      ),
    ),
  ),
);

/** Name of a major class ("Sched"), or "M<n>" for an undefined one. */
export function majorName(major: number): string {
  return MAJOR_NAMES[major] ?? `M${major}`;
}

/**
 * Description of an event. Undefined ids get a generic instant description
 * ("Sched.m17", fields d0, d1, ...), so decoding never fails on ids it does not know.
 */
export function eventInfo(major: number, minor: number): EventInfo {
  const known = TABLE[major]?.[minor];
  if (known) return known;
  return {
    major,
    minor,
    name: `m${minor}`,
    fullName: `${majorName(major)}.m${minor}`,
    fields: [],
    chrome: INSTANT,
  };
}

/** Name of data word i of an event: its field name, or "d<i>" past the declared fields. */
export function fieldName(info: EventInfo, i: number): string {
  return info.fields[i] ?? `d${i}`;
}

/** All defined events (for tools and tests). */
export function allEvents(): EventInfo[] {
  return TABLE.flat();
}
