// A memory file system as FileSystemOps: the tree (tree.ts), attribute changes (attrs.ts) and
// open files (open.ts) put together. tmpfs, devfs and hostfs are instances of it.

import type { Attr, Cred, DirPage, SetAttr, StatFs } from "../iface.js";
import type { FileSystemOps, OpenFile } from "../ops.js";
import { getxattr, listxattr, removexattr, setattr, setxattr } from "./attrs.js";
import { openNode, type DeviceTable } from "./open.js";
import type { MemTree } from "./tree.js";

export class MemFs implements FileSystemOps {
  constructor(readonly tree: MemTree, private readonly devices: DeviceTable) {}

  rootIno(): number {
    return this.tree.root.ino;
  }
  statfs(): StatFs {
    return this.tree.statfs();
  }
  lookup(dir: number, name: string, cred: Cred): Attr {
    return this.tree.lookup(dir, name, cred);
  }
  getattr(ino: number): Attr {
    return this.tree.node(ino).attr();
  }
  setattr(ino: number, set: SetAttr, cred: Cred): Attr {
    return setattr(this.tree, ino, set, cred);
  }
  readlink(ino: number): string {
    return this.tree.readlink(ino);
  }
  readdir(dir: number, cookie: number, max: number): DirPage {
    return this.tree.readdir(dir, cookie, max);
  }
  create(dir: number, name: string, mode: number, exclusive: boolean, cred: Cred): Attr {
    return this.tree.create(dir, name, mode, exclusive, cred);
  }
  mkdir(dir: number, name: string, mode: number, cred: Cred): Attr {
    return this.tree.mkdir(dir, name, mode, cred);
  }
  mknod(dir: number, name: string, mode: number, rdev: number, cred: Cred): Attr {
    return this.tree.mknod(dir, name, mode, rdev, cred);
  }
  symlink(dir: number, name: string, target: string, cred: Cred): Attr {
    return this.tree.symlink(dir, name, target, cred);
  }
  link(ino: number, dir: number, name: string, cred: Cred): Attr {
    return this.tree.link(ino, dir, name, cred);
  }
  unlink(dir: number, name: string, cred: Cred): void {
    this.tree.unlink(dir, name, cred);
  }
  rmdir(dir: number, name: string, cred: Cred): void {
    this.tree.rmdir(dir, name, cred);
  }
  rename(olddir: number, oldname: string, newdir: number, newname: string, flags: number, cred: Cred): void {
    this.tree.rename(olddir, oldname, newdir, newname, flags, cred);
  }
  open(ino: number, flags: number, cred: Cred): OpenFile {
    return openNode(this.tree, ino, flags, cred, this.devices);
  }
  getxattr(ino: number, name: string): Uint8Array {
    return getxattr(this.tree, ino, name);
  }
  listxattr(ino: number): string[] {
    return listxattr(this.tree, ino);
  }
  setxattr(ino: number, name: string, value: Uint8Array, flags: number, cred: Cred): void {
    setxattr(this.tree, ino, name, value, flags, cred);
  }
  removexattr(ino: number, name: string, cred: Cred): void {
    removexattr(this.tree, ino, name, cred);
  }
}
