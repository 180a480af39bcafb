// `k42 run`'s command line: options (node:util parseArgs), then `--` and the program with its
// arguments. Pure: returns what to run or a one-line complaint; the caller prints and exits.

import { parseArgs } from "node:util";
import type { MemoryChoices } from "../kernel/mem/system.js";
import type { EngineKind } from "../machine/power/engine.js";

export interface Volume {
  /** Host directory (absolute). */
  host: string;
  /** Where the guest sees it (absolute, canonical). */
  guest: string;
  readOnly: boolean;
}

export interface RunRequest {
  /** PROGRAM and its arguments; empty: the default job. */
  program: string[];
  root?: string;
  overlay?: string;
  volumes: Volume[];
  /** The guest's environment, in order ("VAR=VAL"). */
  env: string[];
  /** The guest's working directory (absolute guest path). */
  cwd: string;
  user?: { uid: number; gid?: number };
  /** "-": standard error; else a host file. */
  strace?: string;
  trace?: string;
  cpus: number;
  nodes: number;
  cpu?: number;
  parallel: boolean;
  workers?: number;
  seed?: number;
  epoch?: number;
  objects: MemoryChoices;
  engine?: EngineKind;
  maxInstructions?: number;
  /** The machine's cap on processes and threads (--max-procs). */
  maxProcs?: number;
  /** The machine's physical memory in bytes (--memory). */
  memBytes?: number;
  stats: boolean;
  verbose: boolean;
  help: boolean;
}

/** What a docker user expects in a fresh container, before `-e`. */
export const DEFAULT_ENV: readonly string[] = [
  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  "HOME=/root",
  "TERM=xterm",
  "LANG=C.UTF-8",
  "HOSTNAME=k42",
];

export class UsageError extends Error {}

const OPTIONS = {
  root: { type: "string" },
  overlay: { type: "string" },
  volume: { type: "string", short: "v", multiple: true },
  env: { type: "string", short: "e", multiple: true },
  workdir: { type: "string", short: "w" },
  user: { type: "string", short: "u" },
  strace: { type: "string" },
  trace: { type: "string" },
  cpus: { type: "string" },
  numa: { type: "string" },
  cpu: { type: "string" },
  parallel: { type: "boolean" },
  workers: { type: "string" },
  seed: { type: "string" },
  epoch: { type: "string" },
  object: { type: "string", multiple: true },
  engine: { type: "string" },
  "max-instructions": { type: "string" },
  "max-procs": { type: "string" },
  memory: { type: "string" },
  stats: { type: "boolean" },
  verbose: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Index of "--" or of the program's name in `args` (args.length if neither). */
function programStart(args: readonly string[]): number {
  const takesValue = new Set<string>();
  for (const [name, o] of Object.entries(OPTIONS)) {
    if (o.type !== "string") continue;
    takesValue.add(`--${name}`);
    if ("short" in o) takesValue.add(`-${o.short}`);
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--" || !a.startsWith("-") || a === "-") return i;
    if (a === "--strace") continue;
    if (takesValue.has(a)) i++; // "--root DIR", "-v H:G"; "--root=DIR" and "-vH:G" carry their value
  }
  return args.length;
}

function whole(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} needs a whole number from ${min} to ${max} (got ${JSON.stringify(v)})`);
  return n;
}

/** A guest path made canonical ("/a/./b/../c/" → "/a/c"); must be absolute. */
export function canonicalGuestPath(p: string, what: string): string {
  if (!p.startsWith("/")) throw new UsageError(`${what}: ${JSON.stringify(p)} is not an absolute path`);
  const out: string[] = [];
  for (const c of p.split("/")) {
    if (c === "" || c === ".") continue;
    if (c === "..") out.pop();
    else out.push(c);
  }
  return "/" + out.join("/");
}

/** Parse `k42 run`'s arguments; `hostEnv` answers `-e VAR` (copy the host's value). */
export function parseRunArgs(args: readonly string[], hostEnv: Readonly<Record<string, string | undefined>>, hostCwd: string): RunRequest {
  // Options end at "--" or at the first word that is not an option or an option's value (the
  // program: its own options are its own, as with docker run). `--strace` alone means standard
  // error (parseArgs has no optional values).
  const sep = programStart(args);
  const opts = args.slice(0, sep).map((a) => (a === "--strace" ? "--strace=-" : a));
  const rest = args.slice(sep < args.length && args[sep] === "--" ? sep + 1 : sep);
  let parsed;
  try {
    parsed = parseArgs({ args: opts, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split("\n")[0]);
  }
  const v = parsed.values;
  const program = [...parsed.positionals, ...rest];
  const cpus = whole("cpus", v.cpus, 1, 64) ?? 1;
  const nodes = whole("numa", v.numa, 1, 64) ?? 1;
  if (nodes > cpus) throw new UsageError(`--numa ${nodes}: more NUMA nodes than processors (${cpus})`);
  const cpu = whole("cpu", v.cpu, 0, 63);
  if (cpu !== undefined && cpu >= cpus) throw new UsageError(`--cpu ${cpu}: the machine has processors 0..${cpus - 1}`);
  const workers = whole("workers", v.workers, 1, 64);
  if (workers !== undefined && v.parallel !== true) throw new UsageError("--workers needs --parallel");
  let engine: EngineKind | undefined;
  if (v.engine !== undefined) {
    if (v.engine !== "block" && v.engine !== "step" && v.engine !== "wasm") throw new UsageError(`--engine needs block, step or wasm (got ${JSON.stringify(v.engine)})`);
    engine = v.engine;
  }
  const objects: Record<string, string> = {};
  for (const o of v.object ?? []) {
    const m = /^([A-Za-z]+)=([A-Za-z]+)$/.exec(o);
    if (m === null) throw new UsageError(`--object needs TYPE=IMPL, e.g. --object PageAllocator=PageAllocatorShared (got ${JSON.stringify(o)})`);
    objects[m[1]] = m[2];
  }
  let maxInstructions: number | undefined;
  if (v["max-instructions"] !== undefined) {
    maxInstructions = Number(v["max-instructions"]);
    if (!Number.isFinite(maxInstructions) || maxInstructions <= 0) throw new UsageError("--max-instructions needs a positive number");
  }
  const maxProcs = whole("max-procs", v["max-procs"], 2, 1 << 20);
  let memBytes: number | undefined;
  if (v.memory !== undefined) {
    const m = /^(\d+)([KMG]?)$/i.exec(v.memory);
    const unit = { "": 1, K: 1 << 10, M: 1 << 20, G: 1 << 30 }[(m?.[2] ?? "").toUpperCase() as "" | "K" | "M" | "G"];
    memBytes = m === null ? NaN : Number(m[1]) * unit;
    // Frames are 4 KiB; at least 16 MiB (the kernel's own tables), at most 16 GiB (a wasm memory's 4 GiB per node bound aside).
    if (!(memBytes >= 16 << 20 && memBytes <= 16 * 2 ** 30)) throw new UsageError(`--memory needs a size from 16M to 16G, like 512M or 2G (got ${JSON.stringify(v.memory)})`);
  }
  const volumes: Volume[] = (v.volume ?? []).map((s) => {
    const parts = s.split(":");
    const ro = parts.length === 3 && parts[2] === "ro";
    if (parts.length < 2 || parts.length > 3 || (parts.length === 3 && parts[2] !== "ro" && parts[2] !== "rw") || parts[0] === "") {
      throw new UsageError(`--volume needs HOST:GUEST or HOST:GUEST:ro (got ${JSON.stringify(s)})`);
    }
    const host = parts[0].startsWith("/") ? parts[0] : `${hostCwd}/${parts[0]}`;
    return { host, guest: canonicalGuestPath(parts[1], "--volume"), readOnly: ro };
  });
  const env = [...DEFAULT_ENV];
  const setEnv = (kv: string): void => {
    const name = kv.slice(0, kv.indexOf("="));
    const i = env.findIndex((e) => e.startsWith(`${name}=`));
    if (i >= 0) env[i] = kv;
    else env.push(kv);
  };
  for (const e of v.env ?? []) {
    const eq = e.indexOf("=");
    const name = eq < 0 ? e : e.slice(0, eq);
    if (name === "" || /[\0]/.test(e)) throw new UsageError(`-e needs VAR or VAR=VALUE (got ${JSON.stringify(e)})`);
    if (eq >= 0) setEnv(e);
    else {
      const host = hostEnv[name];
      if (host !== undefined) setEnv(`${name}=${host}`); // docker: `-e VAR` copies the host's value, or nothing
    }
  }
  let user: RunRequest["user"];
  if (v.user !== undefined) {
    const m = /^(\d+)(?::(\d+))?$/.exec(v.user);
    if (m === null || Number(m[1]) > 0xfffffffe || (m[2] !== undefined && Number(m[2]) > 0xfffffffe)) {
      throw new UsageError(`--user needs UID or UID:GID as numbers (got ${JSON.stringify(v.user)})`);
    }
    user = { uid: Number(m[1]), ...(m[2] !== undefined ? { gid: Number(m[2]) } : {}) };
  }
  if (v.trace === "") throw new UsageError("--trace needs a file name");
  if (v.strace === "") throw new UsageError("--strace=FILE needs a file name");
  return {
    program,
    ...(v.root !== undefined ? { root: v.root } : {}),
    ...(v.overlay !== undefined ? { overlay: v.overlay } : {}),
    volumes, env,
    cwd: v.workdir === undefined ? "/" : canonicalGuestPath(v.workdir, "-w"),
    ...(user !== undefined ? { user } : {}),
    ...(v.strace !== undefined ? { strace: v.strace } : {}),
    ...(v.trace !== undefined ? { trace: v.trace } : {}),
    cpus, nodes, ...(cpu !== undefined ? { cpu } : {}),
    parallel: v.parallel === true, ...(workers !== undefined ? { workers } : {}),
    ...(v.seed !== undefined ? { seed: whole("seed", v.seed, 0, 0xffffffff) } : {}),
    ...(v.epoch !== undefined ? { epoch: whole("epoch", v.epoch, 0, 2 ** 40) } : {}),
    objects, ...(engine !== undefined ? { engine } : {}),
    ...(maxInstructions !== undefined ? { maxInstructions } : {}),
    ...(maxProcs !== undefined ? { maxProcs } : {}), ...(memBytes !== undefined ? { memBytes } : {}),
    stats: v.stats === true, verbose: v.verbose === true, help: v.help === true,
  };
}
