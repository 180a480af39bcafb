// Starting the file servers: the guest root (hostfs over --root, with --overlay), bind mounts,
// devfs, devpts, /dev/shm and /tmp (tmpfs), and the name-space server whose mount table lists
// them with the mounts of other servers (procfs, sysfs) given by the caller.
//
// Call order (the integrator's):
//   const fs = new FileServers(opts);          // once per JS thread (per machine in deterministic mode)
//   for (const k of kernels) {                 // on EVERY processor at boot, in the same order:
//     const s = fs.start(k.ppc);               //   file servers, then the name space
//     const proc = startProcFs(k.ppc, { …, nameSpace: s.namespace }), sys = startSysFs(…);
//     fs.addMounts([{ path: "/proc", …, root: proc }, { path: "/sys", …, root: sys }]);
//   }
//   … run the machine …
//   fs.stop();                                 // after it stopped: writes --overlay, closes host files
//
// One shared state. Each file system is one object graph (its tree, its open files) that every
// processor's dispatcher calls: made once, by the first dispatcher's factory, and shared by the
// FileServers object's other processors. In deterministic mode every processor runs in one JS
// thread, so dispatchers go on every processor (`cpus` default) and a guest's read is a local
// PPC. In parallel mode each worker thread has its own FileServers object and JS objects cannot
// cross workers: pass `cpus: [0]` (fileServerCpus), so only processor 0's worker has
// dispatchers and state; other processors reach them by cross-processor PPC. Shared-memory
// file-system state, for dispatchers everywhere in parallel mode too, is later work.
//
// Protection: a server never sees the Kernel. `start` is given the processor's ServerRegistry
// (`k.ppc`); the servers' objects get their ServerEnv (open-file handles) and their state.

import { realpathSync, statSync } from "node:fs";
import { sep } from "node:path";
import { FileSystemIface, NameSpaceIface, type Mount, type Time } from "./iface.js";
import { Rights, type ServerRegistry } from "../../kernel/ppc/iface.js";
import type { Handle } from "../../kernel/ppc/values.js";
import { MemoryDevices } from "./devices.js";
import { FileServersError } from "./errno.js";
import { createDevfs } from "./devfs.js";
import { createHostFs, type HostFs } from "./hostfs/hostfs.js";
import { realpathAllowingMissing } from "./hostfs/host.js";
import { Passthrough } from "./hostfs/passthrough.js";
import { MountTable, NameSpaceServer, isCanonicalPath } from "./namespace.js";
import { MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_NOATIME, MS_RDONLY, MS_RELATIME, type FileSystemOps } from "./ops.js";
import { FileSystemServer, OpenTable } from "./server.js";
import { DEVPTS_SUPER_MAGIC, createTmpfs } from "./tmpfs.js";

/** -v HOST:GUEST[:ro] */
export interface BindMount {
  readonly host: string;
  /** Canonical absolute guest path ("/data"); not "/". */
  readonly guest: string;
  readonly readonly: boolean;
}

/** A mount of another server's tree (procfs at /proc, sysfs at /sys). */
export interface ExtraMount {
  readonly path: string;
  readonly fstype: string;
  readonly source: string;
  /** MS_* flags. */
  readonly flags: number;
  /** The server's root handle (the same on every processor). */
  readonly root: Handle;
}

export interface FileServersOptions {
  /** Host directory of the guest root (--root). */
  readonly root: string;
  /** Host directory keeping the root's upper layer across runs (--overlay). */
  readonly overlay?: string;
  readonly binds?: readonly BindMount[];
  /** The guest's realtime clock: every time stamp the servers make. */
  readonly now: () => Time;
  /** Seed of /dev/random and /dev/urandom. */
  readonly seed: number;
  /** Mounts of other servers, listed after "/" in this order (e.g. /proc, /sys). */
  readonly extraMounts?: readonly ExtraMount[];
  /** Processors with dispatchers (default: all). Parallel mode: [0] — see above. */
  readonly cpus?: readonly number[];
  /** Protection domains: the servers get domainBase, domainBase + 1, … (default FS_DOMAIN_BASE). */
  readonly domainBase?: number;
  /** The domain that may call NameSpace.mount (default 0, the kernel's). */
  readonly mountDomain?: number;
  /** Size of each tmpfs (/tmp, /dev/shm) as statfs reports it (default 256 MiB). */
  readonly tmpfsBytes?: number;
  /** Open-file handle slots per file server (default 65536). */
  readonly handles?: number;
}

export const FS_DOMAIN_BASE = 0x10000;
const DEFAULT_HANDLES = 65536;
const DEFAULT_TMPFS = 256 << 20;
/** st_dev of the first mount ("/"), then one more per mount in table order (anonymous 0:N). */
const FIRST_DEV = 0x20;

/** The dispatcher processors for a run mode (see the file comment). */
export function fileServerCpus(mode: "deterministic" | "parallel"): readonly number[] | undefined {
  return mode === "parallel" ? [0] : undefined;
}

/** What start() made on one processor (the same values on every processor). */
export interface StartedFileServers {
  /** The name-space server's root handle (mounts: any domain; mount: mountDomain). */
  readonly namespace: Handle;
  /** The root handles of this object's file systems, by mount path ("/", "/dev", …, the binds). */
  readonly roots: ReadonlyMap<string, Handle>;
}

export { FileServersError };

/** Check the options' host paths and guest paths; throws FileServersError. */
export function checkFileServersOptions(o: FileServersOptions): void {
  const dir = (p: string, what: string): string => {
    let real: string;
    try {
      real = realpathSync(p);
    } catch {
      throw new FileServersError(`${what} ${p} does not exist`);
    }
    if (!statSync(real).isDirectory()) throw new FileServersError(`${what} ${p} is not a directory`);
    return real;
  };
  const root = dir(o.root, "root");
  if (o.overlay !== undefined) {
    const ov = realpathAllowingMissing(o.overlay);
    if (ov === root || ov.startsWith(root === sep ? sep : root + sep)) {
      throw new FileServersError(`overlay ${o.overlay} is inside the root ${o.root}: the guest would see it and the host tree would change`);
    }
  }
  const seen = new Set<string>();
  for (const b of o.binds ?? []) {
    dir(b.host, "volume");
    if (!isCanonicalPath(b.guest) || b.guest === "/") throw new FileServersError(`volume target ${b.guest} must be an absolute path other than /`);
    if (seen.has(b.guest)) throw new FileServersError(`two volumes at ${b.guest}`);
    seen.add(b.guest);
  }
  for (const m of o.extraMounts ?? []) if (!isCanonicalPath(m.path)) throw new FileServersError(`mount path ${m.path} is not canonical`);
}

/** One file system to serve: how to make it (once), and where it goes in the mount table. */
interface FsSpec {
  readonly make: () => FileSystemOps;
  readonly path: string;
  readonly fstype: string;
  readonly source: string;
  readonly flags: number;
}

/** The shared state: made once, on the first processor with a dispatcher. */
interface State {
  readonly fs: FileSystemOps[];
  readonly opens: OpenTable[];
  readonly root: HostFs;
}

export class FileServers {
  private state: State | undefined = undefined;
  private table: MountTable | undefined = undefined;
  private readonly specs: FsSpec[];
  /** Root handles of the specs (the same on every processor; set by the first start). */
  private roots: Handle[] | undefined = undefined;
  private extras: readonly ExtraMount[] | undefined = undefined;

  constructor(readonly opts: FileServersOptions) {
    checkFileServersOptions(opts);
    const o = opts;
    const devices = new MemoryDevices(o.seed);
    const bytes = o.tmpfsBytes ?? DEFAULT_TMPFS;
    const now = o.now;
    // Registration order = server numbers: the same on every processor.
    this.specs = [
      { path: "/", fstype: "ext4", source: "/dev/root", flags: MS_NOATIME, make: () => createHostFs({ root: o.root, now, devices, ...(o.overlay !== undefined ? { overlay: o.overlay } : {}) }) },
      ...(o.binds ?? []).map((b): FsSpec => ({
        path: b.guest, fstype: "ext4", source: b.host, flags: b.readonly ? MS_RDONLY : MS_RELATIME,
        make: () => (b.readonly ? createHostFs({ root: b.host, now, devices, readonly: true }) : new Passthrough(b.host, now)),
      })),
      { path: "/dev", fstype: "devtmpfs", source: "devtmpfs", flags: MS_NOSUID | MS_RELATIME, make: () => createDevfs({ now, devices }) },
      {
        path: "/dev/pts", fstype: "devpts", source: "devpts", flags: MS_NOSUID | MS_NOEXEC | MS_RELATIME,
        make: () => createTmpfs({ now, devices, bytes: 0, rootPerm: 0o755, magic: DEVPTS_SUPER_MAGIC, flags: MS_NOSUID | MS_NOEXEC }),
      },
      { path: "/dev/shm", fstype: "tmpfs", source: "shm", flags: MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME, make: () => createTmpfs({ now, devices, bytes }) },
      { path: "/tmp", fstype: "tmpfs", source: "tmpfs", flags: MS_NOSUID | MS_NODEV | MS_RELATIME, make: () => createTmpfs({ now, devices, bytes }) },
    ];
    if (o.extraMounts !== undefined) this.addMounts(o.extraMounts);
  }

  /**
   * Register every server on this processor (call on every processor at boot, in the same
   * order): the file systems, then the name space. `extraMounts`: as addMounts.
   */
  start(reg: ServerRegistry, extraMounts?: readonly ExtraMount[]): StartedFileServers {
    const o = this.opts;
    const base = o.domainBase ?? FS_DOMAIN_BASE;
    const common = { ...(o.cpus !== undefined ? { cpus: o.cpus } : {}), restartOnFault: true };
    const roots: Handle[] = [];
    this.specs.forEach((spec, i) => {
      const domain = base + 1 + i;
      const s = reg.serve(FileSystemIface, domain, (env) => new FileSystemServer(this.shared().fs[i], this.shared().opens[i], env), {
        ...common, handles: o.handles ?? DEFAULT_HANDLES,
        root: { owner: domain, ownerRights: Rights.All, otherRights: Rights.None },
      });
      if (s.root === undefined) throw new Error("file server without a root handle");
      roots.push(s.root);
    });
    if (this.roots !== undefined && JSON.stringify(this.roots) !== JSON.stringify(roots)) {
      throw new Error("FileServers.start: the servers got other numbers on this processor (registration order differs)");
    }
    this.roots = roots;
    const ns = reg.serve(NameSpaceIface, base, () => new NameSpaceServer(() => this.mountTable()), {
      ...common, root: { owner: o.mountDomain ?? 0, ownerRights: Rights.All, otherRights: Rights.None },
    });
    if (ns.root === undefined) throw new Error("name space without a root handle");
    if (extraMounts !== undefined) this.addMounts(extraMounts);
    return { namespace: ns.root, roots: new Map(this.specs.map((sp, i) => [sp.path, roots[i]])) };
  }

  /**
   * Other servers' trees to mount at boot (procfs at /proc, sysfs at /sys), listed after "/":
   * call after start (procfs may need the name space's handle first) and before the machine
   * runs, with the same list on every processor (again on each is fine).
   */
  addMounts(extra: readonly ExtraMount[]): void {
    for (const m of extra) if (!isCanonicalPath(m.path)) throw new FileServersError(`mount path ${m.path} is not canonical`);
    if (this.extras !== undefined) {
      if (JSON.stringify(this.extras) !== JSON.stringify(extra)) throw new Error("FileServers.addMounts: a different list of extra mounts");
      return;
    }
    if (this.table !== undefined) throw new Error("FileServers.addMounts: the mount table is in use already");
    this.extras = extra.map((m) => ({ ...m, root: { server: m.root.server, xh: m.root.xh } }));
  }

  /** The boot mount table: "/", the extra mounts, /dev …, /tmp, then the binds. */
  bootMounts(): Mount[] {
    const roots = this.roots;
    if (roots === undefined) throw new Error("FileServers.bootMounts before start");
    const entry = (spec: { path: string; fstype: string; source: string; flags: number }, h: Handle): Omit<Mount, "dev"> => ({
      path: spec.path, server: h.server, xh: h.xh, fstype: spec.fstype, source: spec.source, flags: spec.flags,
    });
    const own = this.specs.map((s, i) => entry(s, roots[i]));
    const binds = own.slice(1, 1 + (this.opts.binds?.length ?? 0));
    const rest = own.slice(1 + binds.length);
    const extras = (this.extras ?? []).map((m) => entry(m, m.root));
    return [own[0], ...extras, ...rest, ...binds].map((m, i): Mount => ({ ...m, dev: FIRST_DEV + i }));
  }

  /** The shared state, made on first use (by the first dispatcher's factory). */
  private shared(): State {
    if (this.state !== undefined) return this.state;
    const fs = this.specs.map((s) => s.make());
    const handles = this.opts.handles ?? DEFAULT_HANDLES;
    this.state = { fs, opens: fs.map(() => new OpenTable(handles - 2)), root: fs[0] as HostFs };
    return this.state;
  }

  /** The shared mount table, made at the name space's first call from the boot mounts. */
  private mountTable(): MountTable {
    this.table ??= new MountTable(this.bootMounts());
    return this.table;
  }

  /** True on the thread whose processors hold the servers' state. */
  get holdsState(): boolean {
    return this.state !== undefined;
  }

  /** Write the root's upper layer to --overlay (no-op without one, or where no state is held). */
  flush(): void {
    this.state?.root.flush();
  }

  /** After the machine stopped: flush the overlay, then close the files left open (host descriptors). */
  stop(): void {
    this.flush();
    for (const t of this.state?.opens ?? []) t.closeAll();
  }
}
