// A boot program for the file servers in either run mode (boot.ts calls it on every processor;
// in parallel mode inside each worker): every processor starts the servers with dispatchers on
// processor 0 only (fileServerCpus("parallel")), so processor 0's worker holds the one state;
// each processor's client writes a file to /tmp, waits until every processor's file is there,
// and reads them all back — through local PPCs on processor 0 and cross-processor PPCs elsewhere.

import type { Finisher } from "../../../kernel/boot.js";
import type { Kernel } from "../../../kernel/kernel.js";
import type { Block } from "../../../kernel/sched/thread.js";
import { PPCError } from "../../../kernel/ppc/errors.js";
import { FileSystemIface, NameSpaceIface, OpenFlag, type Attr, type Mount, type Time } from "../../../servers/fs/iface.js";
import { FileServers, fileServerCpus } from "../../../servers/fs/start.js";

type Gen<T = void> = Generator<Block, T, unknown>;
const CRED = { uid: 0, gid: 0, groups: [] };

export function fsShared(k: Kernel, a: unknown): Finisher {
  const args = a as { root: string; mode: "deterministic" | "parallel" };
  let t = 1_700_000_000;
  const servers = new FileServers({ root: args.root, seed: 5, now: (): Time => [t++, 0], cpus: fileServerCpus("parallel") });
  const started = servers.start(k.ppc);
  const out: { files?: string[]; contents?: string[]; error?: string } = {};
  k.sched.spawn(`fs client ${k.cpu}`, (function* (): Gen {
    try {
      const ns = k.ppc.stub(NameSpaceIface, started.namespace);
      const table = (yield* ns.mounts()) as unknown as { mounts: Mount[] };
      const m = table.mounts.find((x) => x.path === "/tmp");
      if (m === undefined) throw new Error("no /tmp");
      const fs = k.ppc.stub(FileSystemIface, { server: m.server, xh: m.xh });
      const root = yield* fs.root();
      // Written under a temporary name, then renamed: readers see whole files only.
      const a = (yield* fs.create(root, `tmp-${k.cpu}`, 0o644, true, CRED)) as unknown as Attr;
      const h = yield* fs.open(a.ino, OpenFlag.WrOnly, CRED);
      yield* k.ppc.stub(FileSystemIface, h).write(0, Buffer.from(`written on cpu ${k.cpu}`), false);
      yield* k.ppc.stub(FileSystemIface, h).close();
      yield* fs.rename(root, `tmp-${k.cpu}`, root, `from-${k.cpu}`, 1, CRED);
      const n = k.topology.cpus;
      for (let tries = 0; ; tries++) {
        const page = (yield* fs.readdir(root, 0, 100, CRED)) as unknown as { entries: [string][] };
        if (page.entries.filter((e) => e[0].startsWith("from-")).length >= n) break;
        if (tries > 100_000) throw new Error("the other processors' files never appeared");
        yield { kind: "yield" };
      }
      out.files = [];
      out.contents = [];
      for (let c = 0; c < n; c++) {
        const f = (yield* fs.lookup(root, `from-${c}`, CRED)) as unknown as Attr;
        const r = yield* fs.open(f.ino, OpenFlag.RdOnly, CRED);
        out.contents.push(Buffer.from(yield* k.ppc.stub(FileSystemIface, r).read(0, 100)).toString());
        yield* k.ppc.stub(FileSystemIface, r).close();
        out.files.push(`from-${c}`);
      }
    } catch (e) {
      if (!(e instanceof PPCError)) throw e;
      out.error = e.message;
    }
  })(), 100 + k.cpu);
  return () => {
    servers.stop();
    return { out, holdsState: servers.holdsState, local: k.ppc.stats.localCalls, remote: k.ppc.stats.remoteCalls };
  };
}
