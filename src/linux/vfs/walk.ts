// The path walker: resolves (start node, path) one component at a time with FileSystem.lookup
// PPCs, as Linux's link_path_walk does, inside the process's root.
//
//   "."        stays; ".." goes to the chain's parent, and stays at the process's root (chroot)
//              and at the name space's root. Search permission on the directory is checked
//              here for them (the server checks it in lookup for every other name).
//   mounts     a directory covered by a mount is replaced by the mounted tree's root (stacked
//              mounts in turn); ".." from a mounted root reaches the mount point's parent
//              because the root's node keeps the mount point's place in the chain.
//   symlinks   resolved here, never by a server: a relative target continues from the link's
//              directory, an absolute one from the process's root; at most 40 links per walk
//              (ELOOP). A final link is followed only when asked (and always before a
//              trailing slash).
//   /proc      the magic links of this process (/proc/<pid>/fd/N, cwd, root) jump to what they
//              name — the open file's node, the working directory — without walking the path
//              their readlink shows (the process's own tables answer; see Vfs.magic).
//   limits     a component longer than 255 bytes is ENAMETOOLONG (the path itself is limited
//              to 4096 bytes when it is read from the guest); a non-directory in the middle
//              is ENOTDIR; a trailing slash requires a directory.

import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import { asJson, type Attr, type Cred } from "../../servers/fs/iface.js";
import { E } from "../errno.js";
import { SysError } from "../sys/guest-mem.js";
import { fsc, type Stubs } from "./fs-call.js";
import { asAttr, type MountTable } from "./mounts.js";
import { MAY_EXEC, isDir, isLink, permits } from "./perm.js";
import { PNode } from "./pnode.js";
import type { OpenFile } from "./open-file.js";

export const MAX_SYMLINKS = 40;
export const NAME_MAX = 255;

/** What a walk needs from the process. */
export interface WalkEnv {
  readonly k: Kernel;
  readonly stubs: Stubs;
  readonly mounts: MountTable;
  /** The process's root directory. */
  readonly root: PNode;
  readonly cred: Cred;
  /** If `link` is one of this process's /proc magic links: where it leads. */
  magic(link: PNode): Jump | undefined;
}

/** Where a magic link leads: a node (a directory or file of the process), and the open file it reopens. */
export interface Jump {
  readonly node: PNode;
  readonly file?: OpenFile;
}

/** The end of a walk: the node, its attributes, and the open file a magic fd link named. */
export interface Found {
  readonly node: PNode;
  readonly attr: Attr;
  readonly file?: OpenFile;
}

/** The directory that holds the last component, and that component (unresolved). */
export interface Parent {
  readonly dir: PNode;
  /** The last component: a name, ".", "..", or "" when the path is only slashes ("/"). */
  readonly name: string;
  /** The path ended with a slash. */
  readonly trailing: boolean;
}

/** The byte length of a component as the guest wrote it (UTF-8). */
function nameBytes(s: string): number {
  return s.length * 3 <= NAME_MAX ? NAME_MAX : new TextEncoder().encode(s).length;
}

/** Components of a path, and whether it ends with a slash. */
function split(path: string): { comps: string[]; trailing: boolean } {
  const comps = path.split("/").filter((c) => c !== "");
  return { comps, trailing: comps.length > 0 && path.endsWith("/") };
}

/** openat2's RESOLVE_* restrictions of a walk. */
export interface Restrict {
  /** RESOLVE_NO_XDEV: crossing a mount (either way) is EXDEV. */
  readonly noXdev?: boolean;
  /** RESOLVE_NO_MAGICLINKS: a /proc magic link is ELOOP. */
  readonly noMagic?: boolean;
  /** RESOLVE_NO_SYMLINKS: any symlink is ELOOP. */
  readonly noSymlinks?: boolean;
  /** RESOLVE_BENEATH: the walk may not leave this directory (EXDEV). */
  readonly beneath?: PNode;
  /** RESOLVE_IN_ROOT: this directory is the walk's root. */
  readonly inRoot?: PNode;
}

/** One walk (its symlink budget spans every part of it, e.g. following a link while creating). */
export class Walk {
  links = 0;
  private readonly root: PNode;

  constructor(private readonly env: WalkEnv, private readonly restrict: Restrict = {}) {
    this.root = restrict.inRoot ?? env.root;
  }

  get k(): Kernel {
    return this.env.k;
  }

  /** An absolute path or symlink target restarts here; EXDEV under RESOLVE_BENEATH. */
  private restart(): PNode {
    if (this.restrict.beneath !== undefined) throw new SysError(E.EXDEV);
    return this.root;
  }

  /** Resolve `path` from `start` (absolute paths from the root); follow a final symlink if `follow`. */
  *resolve(start: PNode, path: string, follow: boolean): Generator<Block, Found, unknown> {
    if (path === "") throw new SysError(E.ENOENT);
    const { comps, trailing } = split(path);
    return yield* this.run(path.startsWith("/") ? this.restart() : start, comps.reverse(), trailing, follow);
  }

  /** Resolve all but the last component of `path`, following links on the way. */
  *parent(start: PNode, path: string): Generator<Block, Parent, unknown> {
    if (path === "") throw new SysError(E.ENOENT);
    const { comps, trailing } = split(path);
    const last = comps.pop();
    const from = path.startsWith("/") ? this.restart() : start;
    if (last === undefined) return { dir: from, name: "", trailing: false };
    const dir = comps.length === 0 ? from : (yield* this.run(from, comps.reverse(), true, true)).node;
    return { dir, name: last, trailing };
  }

  /**
   * The node named `name` in directory `dir` ("." and ".." included), crossing mounts, without
   * following a symlink (a magic link is reported as the link: use `jump`).
   */
  *child(dir: PNode, name: string): Generator<Block, Found, unknown> {
    if (name === "." || name === "..") {
      yield* this.searchable(dir);
      const n = name === "." ? dir : this.up(dir);
      if (n.mnt.dev !== dir.mnt.dev && this.restrict.noXdev === true) throw new SysError(E.EXDEV);
      return { node: n, attr: yield* this.getattr(n) };
    }
    if (nameBytes(name) > NAME_MAX) throw new SysError(E.ENAMETOOLONG);
    const env = this.env;
    const a = asAttr(yield* fsc(env.stubs.tree(env.k, dir.mnt.root).lookup(dir.ino, name, asJson(env.cred))));
    return yield* this.crossDown(new PNode(dir, name, dir.mnt, a.ino), a);
  }

  /**
   * Follow symlink `link` (found in `dir`) as the last component: where its target leads,
   * following further links if `follow`. Counts against the walk's budget of 40.
   */
  *follow(dir: PNode, link: PNode, follow: boolean, trailing = false): Generator<Block, Found, unknown> {
    const target = yield* this.linkTarget(link);
    if (typeof target !== "string") return { node: target.node, attr: yield* this.getattr(target.node), ...(target.file !== undefined ? { file: target.file } : {}) };
    const { comps, trailing: t } = split(target);
    return yield* this.run(target.startsWith("/") ? this.restart() : dir, comps.reverse(), trailing || t, follow);
  }

  /** The link's target path, or the jump of a magic link; ELOOP past the budget. */
  *linkTarget(link: PNode): Generator<Block, string | Jump, unknown> {
    const r = this.restrict;
    if (++this.links > MAX_SYMLINKS || r.noSymlinks === true) throw new SysError(E.ELOOP);
    const jump = this.env.magic(link);
    if (jump !== undefined) {
      if (r.noMagic === true) throw new SysError(E.ELOOP);
      if (r.beneath !== undefined || r.inRoot !== undefined) throw new SysError(E.EXDEV);
      return jump;
    }
    const env = this.env;
    const target = yield* fsc(env.stubs.tree(env.k, link.mnt.root).readlink(link.ino));
    if (target === "") throw new SysError(E.ENOENT);
    return target;
  }

  /** A directory's node one level up: the chain's parent, except at the process's root. */
  up(dir: PNode): PNode {
    if (this.restrict.beneath !== undefined && dir.same(this.restrict.beneath)) throw new SysError(E.EXDEV);
    if (dir.same(this.root) || dir.parent === undefined) return dir;
    return dir.parent;
  }

  *getattr(n: PNode): Generator<Block, Attr, unknown> {
    return asAttr(yield* fsc(this.env.stubs.tree(this.env.k, n.mnt.root).getattr(n.ino)));
  }

  /** EACCES unless the caller may search directory `dir`. */
  private *searchable(dir: PNode): Generator<Block, void, unknown> {
    if (this.env.cred.uid === 0) return; // CAP_DAC_READ_SEARCH
    if (!permits(yield* this.getattr(dir), this.env.cred, MAY_EXEC)) throw new SysError(E.EACCES);
  }

  /** Replace a covered directory by the root of the mount on top of it (stacked mounts in turn). */
  private *crossDown(n: PNode, a: Attr): Generator<Block, Found, unknown> {
    let node = n, attr = a;
    if (!isDir(attr)) return { node, attr };
    for (let m = this.env.mounts.covering(node.mnt.dev, node.ino); m !== undefined; m = this.env.mounts.covering(node.mnt.dev, node.ino)) {
      if (this.restrict.noXdev === true) throw new SysError(E.EXDEV);
      node = new PNode(node.parent, node.name, m, m.rootIno);
      attr = yield* this.getattr(node);
    }
    return { node, attr };
  }

  /** The loop: `stack` holds the components still to walk, the next one last. */
  private *run(start: PNode, stack: string[], trailing: boolean, follow: boolean): Generator<Block, Found, unknown> {
    let cur = start;
    let mustDir = trailing;
    let file: OpenFile | undefined;
    let found: Found | undefined;
    for (;;) {
      const name = stack.pop();
      if (name === undefined) {
        const attr = found?.node === cur ? found.attr : yield* this.getattr(cur);
        if (mustDir && !isDir(attr)) throw new SysError(E.ENOTDIR);
        return file === undefined ? { node: cur, attr } : { node: cur, attr, file };
      }
      const last = stack.length === 0;
      file = undefined;
      const f = yield* this.child(cur, name);
      if (isLink(f.attr) && (!last || follow || mustDir)) {
        const target = yield* this.linkTarget(f.node);
        if (typeof target !== "string") {
          cur = target.node;
          file = target.file;
          found = { node: cur, attr: yield* this.getattr(cur) };
          if (!last && !isDir(found.attr)) throw new SysError(E.ENOTDIR);
          continue;
        }
        const parts = split(target);
        if (last && parts.trailing) mustDir = true;
        if (target.startsWith("/")) {
          const r = this.restart();
          if (r.mnt.dev !== cur.mnt.dev && this.restrict.noXdev === true) throw new SysError(E.EXDEV);
          cur = r;
        }
        for (let i = parts.comps.length - 1; i >= 0; i--) stack.push(parts.comps[i]);
        found = undefined;
        continue;
      }
      if (!last && !isDir(f.attr)) throw new SysError(E.ENOTDIR);
      cur = f.node;
      found = f;
    }
  }
}
