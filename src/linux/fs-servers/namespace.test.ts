// The name-space server through real PPC calls: the boot mount table (standard layout, extra
// mounts of other servers, binds last), its generation, and mount refused to every domain but
// the mount domain, visible on every processor once made.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PPCError, PpcErr } from "../../kernel/ppc/errors.js";
import type { Json } from "../../kernel/ppc/values.js";
import type { Mount, Time } from "../../servers/fs/iface.js";
import { Errno } from "../../servers/fs/errno.js";
import { runClients, errno } from "./testing/harness.js";

const MOUNT_DOMAIN = 77;

test("name space: the boot table, generation, and mount rights", () => {
  let t = 1_700_000_000;
  const base = mkdtempSync(join(tmpdir(), "k42fs-ns-"));
  const proc = { server: 250, xh: 257 };
  const seen: Record<string, unknown> = {};
  let mounted = false;
  const r = runClients(2, {
    root: base, seed: 1, now: (): Time => [t++, 0], mountDomain: MOUNT_DOMAIN,
    binds: [{ host: base, guest: "/mnt/data", readonly: true }],
    extraMounts: [{ path: "/proc", fstype: "proc", source: "proc", flags: 14, root: proc }],
  }, [
    {
      cpu: 0, domain: MOUNT_DOMAIN,
      body: function* (c) {
        const table = (yield* c.ns.mounts()) as unknown as { generation: number; mounts: Mount[] };
        seen.paths = table.mounts.map((m) => [m.path, m.fstype, m.source, m.flags]);
        seen.devs = new Set(table.mounts.map((m) => m.dev)).size === table.mounts.length;
        seen.proc = table.mounts[1].server === proc.server && table.mounts[1].xh === proc.xh;
        seen.gen0 = table.generation;
        seen.gen1 = table.generation === 1;
        seen.genCall = (yield* c.ns.generation()) === table.generation;
        seen.startedSame = JSON.stringify(c.mounts) === JSON.stringify(table.mounts);
        seen.rootsMatch = table.mounts.every((m) => m.fstype === "proc" || (c.started.roots.get(m.path)?.server === m.server));
        const m: Mount = { path: "/media", server: 3, xh: 257, fstype: "tmpfs", source: "none", flags: 0, dev: 99 };
        yield* c.ns.mount(m as unknown as Json);
        seen.bad = yield* errno(c.ns.mount({ ...m, path: "/a/../b" } as unknown as Json));
        seen.badShape = yield* errno(c.ns.mount({ path: "/x" } as unknown as Json));
        mounted = true;
      },
    },
    {
      cpu: 1, domain: 100,
      body: function* (c) {
        while (!mounted) yield { kind: "yield" };
        const table = (yield* c.ns.mounts()) as unknown as { generation: number; mounts: Mount[] };
        seen.after = [table.generation, table.mounts[table.mounts.length - 1].path];
        try {
          yield* c.ns.mount({ path: "/evil", server: 0, xh: 257, fstype: "x", source: "x", flags: 0, dev: 1 } as unknown as Json);
          seen.intruder = "mounted";
        } catch (e) {
          if (!(e instanceof PPCError)) throw e;
          seen.intruder = e.code;
        }
      },
    },
  ]);
  assert.deepEqual(r.threadErrors, []);
  assert.deepEqual(seen.paths, [
    ["/", "ext4", "/dev/root", 1024],
    ["/proc", "proc", "proc", 14],
    ["/dev", "devtmpfs", "devtmpfs", 2 | (1 << 21)],
    ["/dev/pts", "devpts", "devpts", 2 | 8 | (1 << 21)],
    ["/dev/shm", "tmpfs", "shm", 2 | 4 | 8 | (1 << 21)],
    ["/tmp", "tmpfs", "tmpfs", 2 | 4 | (1 << 21)],
    ["/mnt/data", "ext4", base, 1],
  ]);
  assert.equal(seen.devs, true, "every mount has its own st_dev");
  assert.equal(seen.proc, true);
  assert.equal(seen.genCall, true);
  assert.equal(seen.gen1, true, "the boot table is generation 1");
  assert.equal(seen.startedSame, true);
  assert.equal(seen.rootsMatch, true);
  assert.equal(seen.bad, Errno.EINVAL);
  assert.equal(seen.badShape, Errno.EINVAL);
  assert.deepEqual(seen.after, [(seen.gen0 as number) + 1, "/media"], "the new mount, seen from processor 1");
  assert.equal(seen.intruder, PpcErr.Rights);
});
