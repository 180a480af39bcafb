// `k42 syscalls [--arch ppc64|ppc32] [--status implemented|partial|enosys]`: the system-call
// table of an architecture with each call's status (what is missing, or the errno it returns
// and why), then a line of counts. Exit status 0, or 2 on a usage error (one line).
// Every call of `out` passes complete lines.

import { E, errnoName } from "../linux/errno.js";
import { syscallTable } from "../linux/syscalls/registry.js";
import { describeStatus, type Arch, type SyscallEntry } from "../linux/syscalls/status.js";
import { assertNever } from "../machine/assert.js";

export const SYSCALLS_USAGE = "usage: k42 syscalls [--arch ppc64|ppc32] [--status implemented|partial|enosys]";

type Filter = "implemented" | "partial" | "enosys";

function matches(e: SyscallEntry, f: Filter | undefined): boolean {
  switch (f) {
    case undefined: return true;
    case "implemented": return e.status.kind === "implemented";
    case "partial": return e.status.kind === "partial";
    case "enosys": return e.status.kind === "errno" && e.status.errno === E.ENOSYS;
    default: return assertNever(f, "status filter");
  }
}

export function syscallsCommand(args: string[], out: (s: string) => void, err: (s: string) => void = out): number {
  let arch: Arch = "ppc64";
  let filter: Filter | undefined;
  const usage = (msg: string): number => {
    err(`k42 syscalls: ${msg}\n${SYSCALLS_USAGE}\n`);
    return 2;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    if (flag === "--arch") {
      const v = value();
      if (v !== "ppc64" && v !== "ppc32") return usage("--arch needs ppc64 or ppc32");
      arch = v;
    } else if (flag === "--status") {
      const v = value();
      if (v !== "implemented" && v !== "partial" && v !== "enosys") return usage("--status needs implemented, partial or enosys");
      filter = v;
    } else return usage(`unknown argument ${a}`);
  }
  const table = syscallTable(arch);
  const shown = [...table.entries()].filter((e) => matches(e, filter));
  const width = Math.max(...shown.map((e) => e.name.length), 4);
  out(`${"NR".padStart(4)}  ${"NAME".padEnd(width)}  STATUS\n`);
  for (const e of shown) out(`${String(e.nr).padStart(4)}  ${e.name.padEnd(width)}  ${describeStatus(e.status, errnoName)}\n`);
  const c = table.counts();
  const total = c.implemented + c.partial + c.errno;
  const enosys = [...table.entries()].filter((e) => matches(e, "enosys")).length;
  const other = c.errno - enosys;
  out(`${arch}: ${total} system calls: ${c.implemented} implemented, ${c.partial} partial, ${enosys} ENOSYS${other > 0 ? `, ${other} other errno` : ""}` +
    `${filter === undefined ? "" : ` (${shown.length} shown)`}\n`);
  return 0;
}
