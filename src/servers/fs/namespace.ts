// The name-space server: the mount table (K42's mount-point server). Clients read it whole and
// cache it under its generation number, which grows with every change; the path walker crosses
// a mount point by looking its path up in the table. One shared table for every processor's
// dispatcher; `mount` needs the Control right (the root handle's owner domain).

import { NameSpaceIface, type Mount } from "./iface.js";
import type { Impl } from "../../kernel/ppc/iface.js";
import type { Json } from "../../kernel/ppc/values.js";
import { Errno, fail } from "./errno.js";

/** The table itself (shared state). */
export class MountTable {
  /** 1 for the boot table; every change adds one. */
  generation = 1;
  readonly mounts: Mount[];

  constructor(boot: readonly Mount[]) {
    this.mounts = boot.map((m) => Object.freeze({ ...m }));
  }

  add(m: Mount): void {
    this.mounts.push(Object.freeze({ ...m }));
    this.generation = (this.generation + 1) >>> 0 || 1;
  }

  json(): Json {
    return { generation: this.generation, mounts: this.mounts.map((m) => ({ ...m })) };
  }
}

/** "/" or "/a/b": absolute, no empty, "." or ".." component, no trailing slash. */
export function isCanonicalPath(p: string): boolean {
  if (p === "/") return true;
  if (!p.startsWith("/") || p.endsWith("/") || p.includes("\0")) return false;
  return p.slice(1).split("/").every((c) => c !== "" && c !== "." && c !== "..");
}

const isU32 = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

/** A Mount from the wire (EINVAL for anything malformed). */
export function parseMount(j: Json): Mount {
  if (j === null || typeof j !== "object" || Array.isArray(j)) fail(Errno.EINVAL, "mount");
  const o = j as { readonly [k: string]: Json };
  const { path, server, xh, fstype, source, flags, dev } = o;
  if (typeof path !== "string" || !isCanonicalPath(path)) fail(Errno.EINVAL, "mount path");
  if (!isU32(server) || !isU32(xh) || !isU32(flags) || !isU32(dev)) fail(Errno.EINVAL, "mount numbers");
  if (typeof fstype !== "string" || typeof source !== "string") fail(Errno.EINVAL, "mount names");
  return { path, server, xh, fstype, source, flags, dev };
}

export class NameSpaceServer implements Impl<typeof NameSpaceIface> {
  /** `table`: the shared table (made at the first call, once the boot mounts are all known). */
  constructor(private readonly table: () => MountTable) {}

  mounts(): Json {
    return this.table().json();
  }
  generation(): number {
    return this.table().generation;
  }
  /** Mount over a directory the client found (the server has no walker: it checks only the data). */
  mount(m: Json): void {
    this.table().add(parseMount(m));
  }
}
