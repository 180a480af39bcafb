// FRFile: the representative of a file (K42's FRPA/FRVA family): the file's page cache asks
// it to fill a frame, and it has the file's pager (pager.ts) read the bytes — asynchronously,
// in a kernel thread on the pager's processor (file-cache.ts), so the fault answers "in
// progress" at once and the faulting thread waits outside every object. It also carries the
// file's identity for the page-cache registry (the caller's key, a link to the next FR of its
// hash bucket) and its /proc/PID/maps label, and counts the pages read and written.
//
// One object per cached file, of kind Shared: a rep on each processor that uses it, over one
// shared block; the rep on the pager's processor (HOME) holds the pager itself (a JS object of
// that processor), and lets it go when the object is destroyed (cleanup).

import { PAGE_SIZE } from "../../machine/memory.js";
import { RootKind, type ObjectType, type RepContext } from "../cos/types.js";
import type { ObjRef } from "../cos/manager.js";
import type { SharedWords } from "../shared.js";
import type { FCM } from "./fcm.js";
import type { FR } from "./fr.js";
import type { FileKey, FileLabel, Pager } from "./pager.js";
import { loadAddr, storeAddr } from "./va.js";

export interface FRFileOps extends FR {
  /** Set up (on the pager's processor): the cache, the key, the label's frame, the pager. */
  init(fcm: ObjRef<FCM>, key: FileKey, label: FileLabel, labelFrame: number, pager: Pager): void;
  /** The processor whose kernel threads run the pager. */
  readonly home: number;
  readonly fcm: ObjRef<FCM>;
  /** The pager (on the home processor only; undefined elsewhere). */
  readonly pager: Pager | undefined;
  key(): FileKey;
  label(): FileLabel;
  readonly labelFrame: number;
  /** The next FR of the registry's bucket (changed under the registry's lock). */
  readonly next: ObjRef<FRFileOps>;
  setNext(fr: ObjRef<FRFileOps>): void;
  /** Become the cache's closer (false: another closer runs). */
  tryClose(): boolean;
  endClose(): void;
  /** Count a page read / written / failed. */
  count(what: "in" | "out" | "failed"): void;
  stats(): { pageIns: number; pageOuts: number; failures: number };
}

const HOME = 0, FCMW = 1, DEV = 2, INO = 3, NEXT = 5, LABEL = 6, CLOSING = 7, INS = 8, OUTS = 9, FAILS = 10;
const BLOCK_BYTES = 11 * 4;
/** Label frame: dev, ino (2 words), path length, then the path's UTF-8 bytes. */
const LABEL_PATH = 16;

class FileRep implements FRFileOps {
  readonly kind = "file";
  private local: Pager | undefined;

  constructor(private readonly ctx: RepContext, private readonly w: SharedWords) {}

  init(fcm: ObjRef<FCM>, key: FileKey, label: FileLabel, labelFrame: number, pager: Pager): void {
    const w = this.w;
    w.store(HOME, this.ctx.k.cpu);
    w.store(FCMW, fcm);
    w.store(DEV, key[0]);
    storeAddr(w, INO, key[1]);
    w.store(LABEL, labelFrame);
    this.local = pager;
    const mem = this.ctx.k.port.mem;
    const path = new TextEncoder().encode(label.path).subarray(0, PAGE_SIZE - LABEL_PATH);
    const dv = new DataView(mem.buffer, labelFrame, LABEL_PATH);
    dv.setUint32(0, label.dev >>> 0, true);
    dv.setFloat64(4, label.ino, true);
    dv.setUint32(12, path.length, true);
    mem.bytes.set(path, labelFrame + LABEL_PATH);
  }

  get home(): number {
    return this.w.load(HOME);
  }

  get fcm(): ObjRef<FCM> {
    return this.w.load(FCMW) as ObjRef<FCM>;
  }

  get pager(): Pager | undefined {
    return this.local;
  }

  get labelFrame(): number {
    return this.w.load(LABEL);
  }

  key(): FileKey {
    return [this.w.load(DEV) >>> 0, loadAddr(this.w, INO)];
  }

  label(): FileLabel {
    const mem = this.ctx.k.port.mem, at = this.w.load(LABEL);
    const dv = new DataView(mem.buffer, at, LABEL_PATH);
    const n = dv.getUint32(12, true);
    return { dev: dv.getUint32(0, true), ino: dv.getFloat64(4, true), path: new TextDecoder().decode(mem.bytes.slice(at + LABEL_PATH, at + LABEL_PATH + n)) };
  }

  get next(): ObjRef<FRFileOps> {
    return this.w.load(NEXT) as ObjRef<FRFileOps>;
  }

  setNext(fr: ObjRef<FRFileOps>): void {
    this.w.store(NEXT, fr);
  }

  tryClose(): boolean {
    return this.w.cas(CLOSING, 0, 1) === 0;
  }

  endClose(): void {
    this.w.store(CLOSING, 0);
  }

  /** The page-in runs on the pager's processor, in a kernel thread: the fault waits for it. */
  pageIn(pa: number, page: number): "in progress" {
    const ms = this.ctx.k.memory;
    if (ms === undefined) throw new Error("memory system not installed");
    ms.files.startPageIn(this.ctx.id as ObjRef<FRFileOps>, this.home, this.fcm, page, pa);
    return "in progress";
  }

  count(what: "in" | "out" | "failed"): void {
    this.w.add(what === "in" ? INS : what === "out" ? OUTS : FAILS, 1);
  }

  supplied(): number {
    return this.w.load(INS);
  }

  stats(): { pageIns: number; pageOuts: number; failures: number } {
    return { pageIns: this.w.load(INS), pageOuts: this.w.load(OUTS), failures: this.w.load(FAILS) };
  }

  /** The object is being destroyed: the home rep lets the pager go. */
  drop(): void {
    const p = this.local;
    this.local = undefined;
    p?.release?.();
  }
}

export const FRFile: ObjectType<FRFileOps> = {
  id: 0x212,
  name: "FRFile",
  kind: RootKind.Shared,
  sharedBytes: BLOCK_BYTES,
  create: (ctx) => new FileRep(ctx, ctx.shared as SharedWords),
  cleanup: (rep) => (rep as FileRep).drop(),
};
