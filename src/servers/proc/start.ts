// Starting procfs and sysfs: called on every processor at boot, in the same order as every
// other server (a server's number is its registration order), each registers a FileSystem
// server with a dispatcher on every processor, so that a guest's read of /proc or /sys is a
// same-processor PPC. The name-space server mounts their root handles at /proc and /sys.
//
// In the parallel mode every worker calls these with its own options: the functions in them
// (memory, accounting) run in that worker and may read only what it can see — shared memory
// (the machine's frame lists) or its own processors' state. Per-process data never comes
// through options: procfs asks the ProcInfo servers, wherever their dispatchers are.

import { Rights, type ServerRegistry } from "../../kernel/ppc/iface.js";
import type { Handle } from "../../kernel/ppc/values.js";
import { FileSystemIface } from "../fs/iface.js";
import { ProcTree, type ProcFsOptions } from "./procfs.js";
import { PseudoFs } from "./pseudo.js";
import { SysTree, type SysFsOptions } from "./sysfs.js";

/**
 * The root handle: every domain may call the tree methods through it (they need no rights);
 * the open-file methods (read, close) need rights that only handles made by open() carry.
 */
const ROOT_RIGHTS = Rights.None;

/** Handle-table slots: open files of all processes at once. */
const HANDLES = 4096;

/** Register procfs on this processor; returns its root handle (the same on every processor). */
export function startProcFs(reg: ServerRegistry, opts: ProcFsOptions): Handle {
  const s = reg.serve(FileSystemIface, opts.domain, (env) => new PseudoFs(env, new ProcTree(env, opts)), {
    handles: HANDLES, restartOnFault: true, root: { owner: opts.domain, ownerRights: ROOT_RIGHTS, otherRights: ROOT_RIGHTS },
  });
  return s.root as Handle;
}

/** Register sysfs on this processor; returns its root handle. */
export function startSysFs(reg: ServerRegistry, opts: SysFsOptions): Handle {
  const s = reg.serve(FileSystemIface, opts.domain, (env) => new PseudoFs(env, new SysTree(env, opts)), {
    handles: HANDLES, restartOnFault: true, root: { owner: opts.domain, ownerRights: ROOT_RIGHTS, otherRights: ROOT_RIGHTS },
  });
  return s.root as Handle;
}

export type { ProcFsOptions } from "./procfs.js";
export type { SysFsOptions } from "./sysfs.js";
