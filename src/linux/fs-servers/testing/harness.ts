// Test harness for the file servers (src/servers/fs): a deterministic machine with the file
// servers started on every processor (as the integrator does), and client threads in their own
// protection domains that call them through real PPC stubs, as the personality will. The tests
// live here, above the servers, because a file under src/servers may not reach into the
// kernel (layering.test.ts) and these boot one. Tests only.

import { deterministicKernels, prepare } from "../../../kernel/boot.js";
import type { Kernel } from "../../../kernel/kernel.js";
import type { Block } from "../../../kernel/sched/thread.js";
import { PPCError } from "../../../kernel/ppc/errors.js";
import type { Handle, Json } from "../../../kernel/ppc/values.js";
import type { Stub } from "../../../kernel/ppc/iface.js";
import { FileSystemIface, NameSpaceIface, type Attr, type Cred, type FileSystemStub, type Mount } from "../../../servers/fs/iface.js";
import { FileServers, type ExtraMount, type FileServersOptions, type StartedFileServers } from "../../../servers/fs/start.js";

export type Gen<T = void> = Generator<Block, T, unknown>;

export interface Client {
  readonly k: Kernel;
  readonly ns: Stub<typeof NameSpaceIface>;
  readonly started: StartedFileServers;
  /** The boot mount table. */
  readonly mounts: readonly Mount[];
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

/**
 * Boot `cpus` processors, start the file servers on each (then `more`, which may register other
 * servers and return their mounts, as the integrator does with procfs and sysfs), run the
 * clients until the machine stops, stop the servers.
 */
export function runClients(
  cpus: number, opts: FileServersOptions, clients: readonly ClientSpec[],
  more?: (k: Kernel, s: StartedFileServers) => readonly ExtraMount[],
): HarnessResult {
  const servers = new FileServers(opts);
  const b = prepare({ mode: "deterministic", cpus, memBytes: 64 << 20 });
  const { machine, kernels } = deterministicKernels(b);
  const started = kernels.map((k) => {
    const s = servers.start(k.ppc);
    if (more !== undefined) servers.addMounts(more(k, s));
    return s;
  });
  for (const c of clients) {
    const k = kernels[c.cpu];
    const s = started[c.cpu];
    const mounts = servers.bootMounts();
    const client: Client = {
      k, started: s, mounts, ns: k.ppc.stub(NameSpaceIface, s.namespace),
      fs: (path) => k.ppc.stub(FileSystemIface, handleOf(mounts, path)),
      mount: (path) => mountOf(mounts, path),
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

function mountOf(mounts: readonly Mount[], path: string): Mount {
  const m = [...mounts].reverse().find((x) => x.path === path);
  if (m === undefined) throw new Error(`no mount at ${path}`);
  return m;
}

function handleOf(mounts: readonly Mount[], path: string): Handle {
  const m = mountOf(mounts, path);
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
