// Test harness for the file servers: a deterministic machine with the file servers started on
// every processor (as the integrator does), and client threads in their own protection
// domains that call them through real PPC stubs. Tests only (it reaches into the kernel).

import { deterministicKernels, prepare } from "../../../kernel/boot.js";
import type { Kernel } from "../../../kernel/kernel.js";
import type { Block } from "../../../kernel/sched/thread.js";
import { PPCError } from "../../../kernel/ppc/errors.js";
import type { Handle, Json } from "../../../kernel/ppc/values.js";
import type { Stub } from "../../../kernel/ppc/iface.js";
import { FileSystemIface, NameSpaceIface, type Attr, type Cred, type FileSystemStub, type Mount } from "../iface.js";
import { FileServers, type FileServersOptions, type StartedFileServers } from "../start.js";

export type Gen<T = void> = Generator<Block, T, unknown>;

export interface Client {
  readonly k: Kernel;
  readonly ns: Stub<typeof NameSpaceIface>;
  readonly started: StartedFileServers;
  /** The file server mounted at `path` (a mount table path, e.g. "/", "/tmp"). */
  fs(path: string): FileSystemStub;
  mount(path: string): Mount;
}

export interface ClientSpec {
  readonly cpu: number;
  readonly domain: number;
  readonly body: (c: Client) => Gen;
}

export interface HarnessResult {
  readonly servers: FileServers;
  readonly threadErrors: string[];
  readonly deadlock: string | undefined;
}

export function runClients(cpus: number, opts: FileServersOptions, clients: readonly ClientSpec[], servers = new FileServers(opts)): HarnessResult {
  const b = prepare({ mode: "deterministic", cpus, memBytes: 64 << 20 });
  const { machine, kernels } = deterministicKernels(b);
  const started = kernels.map((k) => servers.start(k));
  for (const c of clients) {
    const k = kernels[c.cpu];
    const s = started[c.cpu];
    const client: Client = {
      k, started: s, ns: k.ppc.stub(NameSpaceIface, s.namespace),
      fs: (path) => k.ppc.stub(FileSystemIface, handleOf(s, path)),
      mount: (path) => mountOf(s, path),
    };
    k.sched.spawn(`client ${c.domain}`, c.body(client), c.domain);
  }
  let run;
  try {
    run = machine.run(kernels);
  } finally {
    b.input.close();
  }
  servers.stop();
  return { servers, threadErrors: kernels.flatMap((k) => k.threadErrors.map((e) => `cpu ${k.cpu} ${e.thread}: ${e.error}`)), deadlock: run.deadlock };
}

function mountOf(s: StartedFileServers, path: string): Mount {
  const m = [...s.mounts].reverse().find((x) => x.path === path);
  if (m === undefined) throw new Error(`no mount at ${path}`);
  return m;
}

function handleOf(s: StartedFileServers, path: string): Handle {
  const m = mountOf(s, path);
  return { server: m.server, xh: m.xh };
}

/** The errno a call failed with, or its value. */
export function* errnoOf<T>(g: Gen<T>): Gen<T | { errno: number }> {
  try {
    return yield* g;
  } catch (e) {
    if (e instanceof PPCError && e.errno !== undefined) return { errno: e.errno };
    throw e;
  }
}

/** Just the errno of a failing call (0 when it succeeded). */
export function* errno(g: Gen<unknown>): Gen<number> {
  try {
    yield* g;
    return 0;
  } catch (e) {
    if (e instanceof PPCError && e.errno !== undefined) return e.errno;
    throw e;
  }
}

export const ROOT: Cred = { uid: 0, gid: 0, groups: [] };
export const user = (uid: number, gid = uid, groups: number[] = []): Cred => ({ uid, gid, groups });
export const cj = (c: Cred): Json => c as unknown as Json;

export const attrOf = (j: unknown): Attr => j as Attr;
