// The file servers with procfs and sysfs, started as the integrator will: the file servers
// first (procfs needs the name space's handle for /proc/mounts), then ProcInfo, procfs and
// sysfs, then their mounts added to the boot table. A process reads /proc/self/mounts through
// procfs, which reads the name space's table: the whole boot layout, in order, with options.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OpenFlag, type Time } from "../../servers/fs/iface.js";
import { MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_RELATIME } from "../../servers/fs/ops.js";
import { startProcFs, startSysFs } from "../../servers/proc/start.js";
import { serveProcInfo } from "../proc-info.js";
import { EPOCH, MEMORY, fakeProcess, fakeTable } from "../testing/proc-programs.js";
import { ROOT, runClients } from "./testing/harness.js";
import { FsClient } from "./testing/client.js";

const PROCINFO_DOMAIN = 21, PROCFS_DOMAIN = 22, SYSFS_DOMAIN = 23, PROCESS_DOMAIN = 142;

test("file servers with procfs and sysfs: /proc/self/mounts shows the boot table", () => {
  let t = EPOCH;
  const root = mkdtempSync(join(tmpdir(), "k42fs-proc-"));
  const vol = mkdtempSync(join(tmpdir(), "k42fs-vol-"));
  const table = fakeTable([fakeProcess({ pid: 42, domain: PROCESS_DOMAIN, comm: "sh", uid: 0, gid: 0 })]);
  let text = "";
  const r = runClients(2, { root, seed: 1, now: (): Time => [t++, 0], binds: [{ host: vol, guest: "/data", readonly: true }] }, [{
    cpu: 1, domain: PROCESS_DOMAIN,
    body: function* (c) {
      const proc = new FsClient(c, c.fs("/proc"), ROOT);
      const self = yield* proc.lookup(yield* proc.root(), "self");
      const pid = yield* proc.lookup(yield* proc.root(), yield* proc.readlink(self.ino));
      const f = yield* proc.open((yield* proc.lookup(pid.ino, "mounts")).ino, OpenFlag.RdOnly);
      text = yield* f.text(0, 4096);
      yield* f.close();
      const sys = new FsClient(c, c.fs("/sys"), ROOT);
      assert.ok((yield* sys.names(yield* sys.root())).includes("devices"));
    },
  }], (k, s) => {
    const procInfo = serveProcInfo(k.ppc, table, { domain: PROCINFO_DOMAIN, procfsDomain: PROCFS_DOMAIN });
    const proc = startProcFs(k.ppc, {
      domain: PROCFS_DOMAIN, procInfo: [procInfo], nameSpace: s.namespace, memory: () => MEMORY, bootEpoch: EPOCH,
      hostname: "k42", release: "6.1.0-k42ts", version: "#1 SMP k42ts",
    });
    const sys = startSysFs(k.ppc, { domain: SYSFS_DOMAIN, memory: () => MEMORY, bootEpoch: EPOCH });
    const pseudo = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME;
    return [
      { path: "/proc", fstype: "proc", source: "proc", flags: pseudo, root: proc },
      { path: "/sys", fstype: "sysfs", source: "sysfs", flags: pseudo, root: sys },
    ];
  });
  assert.deepEqual(r.threadErrors, []);
  assert.equal(text, [
    "/dev/root / ext4 rw,noatime 0 0",
    "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
    "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0",
    "devtmpfs /dev devtmpfs rw,nosuid,relatime 0 0",
    "devpts /dev/pts devpts rw,nosuid,noexec,relatime 0 0",
    "shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime 0 0",
    "tmpfs /tmp tmpfs rw,nosuid,nodev,relatime 0 0",
    `${vol} /data ext4 ro,relatime 0 0`,
    "",
  ].join("\n"));
});
