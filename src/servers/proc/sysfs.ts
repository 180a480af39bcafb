// sysfs: the parts of /sys that describe the machine to NUMA- and topology-aware programs
// (glibc's get_nprocs, lscpu, numactl, libnuma): /sys/devices/system/cpu and
// /sys/devices/system/node, built from the machine's shape when the server starts.
//
// The emulated machine as Linux would see it: every processor a core of one hardware thread,
// every NUMA node one package (socket) holding its processors and its memory; node distances 10
// within a node and 20 to another (Linux's LOCAL_DISTANCE and REMOTE_DISTANCE; the machine has
// one remote class). Masks are nr_cpu_ids (the machine's processors) bits wide.

import type { MachineShape, ServerEnv } from "../../kernel/ppc/iface.js";
import type { StatFs, Time } from "../fs/iface.js";
import { EINVAL, ENOENT } from "./errno.js";
import { FixedNodes } from "./fixed.js";
import { bitmapList, bitmapMask, utf8 } from "./format.js";
import type { MachineMemory } from "./proc-system.js";
import { refuse, type Caller, type Gen, type ListEntry, type PNode, type PseudoTree } from "./pseudo.js";

export interface SysFsOptions {
  /** sysfs's own protection domain. */
  readonly domain: number;
  /** The machine's memory now, per node (nodeN/meminfo). */
  readonly memory: () => MachineMemory;
  /** Node distances (nodeN/distance); default 10 within a node, 20 between nodes. */
  readonly distance?: (a: number, b: number) => number;
  /** CLOCK_REALTIME at boot in seconds since 1970 (node times). */
  readonly bootEpoch: number;
  /** NR_CPUS - 1 of the kernel (cpu/kernel_max); default 63 (k42ts machines have at most 64 processors). */
  readonly kernelMax?: number;
}

export const SYSFS_MAGIC = 0x62656572;
const PAGE = 4096;

/** The kB lines of nodeN/meminfo ("Node 0 MemTotal:       1048576 kB"). */
function nodeMeminfo(node: number, total: number, free: number): string {
  const line = (label: string, bytes: number): string =>
    `Node ${node} ${`${label}:`.padEnd(16)}${String(Math.floor(bytes / 1024)).padStart(8)} kB\n`;
  return line("MemTotal", total) + line("MemFree", free) + line("MemUsed", total - free);
}

export class SysTree implements PseudoTree {
  readonly rootIno = 1;
  readonly blksize = PAGE;
  readonly statfs: StatFs = {
    type: SYSFS_MAGIC, bsize: PAGE, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0, namelen: 255, frsize: PAGE,
    flags: 2 | 4 | 8 | 1024, // nosuid, nodev, noexec, relatime
  };
  private readonly t: FixedNodes;

  constructor(env: ServerEnv, opts: SysFsOptions) {
    const time: Time = [Math.floor(opts.bootEpoch), 0];
    // sysfs attribute files report a page as their size (kernfs); directories and links 0.
    this.t = new FixedNodes((i) => i + 1, time, PAGE);
    build(this.t, env.machine, opts);
  }

  private index(ino: number): number {
    const i = ino - 1;
    if (!Number.isInteger(i) || i < 0 || i >= this.t.count) refuse(ENOENT);
    return i;
  }

  *node(ino: number): Gen<PNode> {
    return this.t.node(this.index(ino));
  }

  *parent(dir: PNode): Gen<PNode> {
    return this.t.node(this.t.get(this.index(dir.ino)).parent);
  }

  *lookup(dir: PNode, name: string): Gen<PNode> {
    const i = this.t.child(this.index(dir.ino), name);
    if (i === undefined) refuse(ENOENT);
    return this.t.node(i);
  }

  *list(dir: PNode): Gen<ListEntry[]> {
    return this.t.list(this.index(dir.ino));
  }

  *readlink(n: PNode, c: Caller): Gen<string> {
    const link = this.t.get(this.index(n.ino)).link;
    if (link === undefined) refuse(EINVAL);
    return yield* link(c);
  }

  *content(n: PNode, c: Caller): Gen<Uint8Array> {
    const text = this.t.get(this.index(n.ino)).text;
    if (text === undefined) refuse(ENOENT);
    return utf8(yield* text(c));
  }

  openKey(ino: number): number {
    return ino;
  }

  keyIno(key: number): number {
    return key;
  }
}

function build(t: FixedNodes, m: MachineShape, o: SysFsOptions): void {
  const cpus = [...Array(m.cpus).keys()];
  const nodes = [...Array(m.nodes).keys()];
  const mask = (set: readonly number[]): string => `${bitmapMask(set, m.cpus)}\n`;
  const list = (set: readonly number[]): string => `${bitmapList(set)}\n`;
  const distance = o.distance ?? ((a: number, b: number) => (a === b ? 10 : 20));

  const devices = t.dir(0, "devices");
  const system = t.dir(devices, "system");
  const cpu = t.dir(system, "cpu");
  t.file(cpu, "online", () => list(cpus));
  t.file(cpu, "possible", () => list(cpus));
  t.file(cpu, "present", () => list(cpus));
  t.file(cpu, "offline", () => "\n");
  t.file(cpu, "kernel_max", () => `${o.kernelMax ?? 63}\n`);
  for (const c of cpus) {
    const node = m.nodeOf(c);
    const pkg = m.cpusOf(node);
    const d = t.dir(cpu, `cpu${c}`);
    t.file(d, "online", () => "1\n");
    const topo = t.dir(d, "topology");
    t.file(topo, "core_id", () => `${c}\n`);
    t.file(topo, "physical_package_id", () => `${node}\n`);
    for (const [name, set] of [["thread_siblings", [c]], ["core_cpus", [c]], ["core_siblings", pkg], ["package_cpus", pkg]] as const) {
      t.file(topo, name, () => mask(set));
      t.file(topo, `${name}_list`, () => list(set));
    }
    t.link(d, `node${node}`, () => `../../node/node${node}`);
  }

  const nodeDir = t.dir(system, "node");
  for (const name of ["online", "possible", "has_cpu", "has_normal_memory", "has_memory"]) t.file(nodeDir, name, () => list(nodes));
  for (const n of nodes) {
    const d = t.dir(nodeDir, `node${n}`);
    const mine = m.cpusOf(n);
    t.file(d, "cpumap", () => mask(mine));
    t.file(d, "cpulist", () => list(mine));
    t.file(d, "distance", () => `${nodes.map((x) => distance(n, x)).join(" ")}\n`);
    t.file(d, "meminfo", () => {
      const mem = o.memory().nodes[n] ?? { totalBytes: 0, freeBytes: 0 };
      return nodeMeminfo(n, mem.totalBytes, mem.freeBytes);
    });
    for (const c of mine) t.link(d, `cpu${c}`, () => `../../cpu/cpu${c}`);
  }
}
