// Descriptors in flight (SCM_RIGHTS). A sent descriptor's open file is held by the message as
// one more reference of the sending process (OpenFile.retain, the way a dup holds it), so that
// the sender may close its descriptor at once and the description lives on, as Linux's skb
// holds a struct file. The receiver gets a descriptor naming the same description:
//   - in the sending process itself, that very OpenFile (the message's reference passes to the
//     new descriptor);
//   - in another process, that process's own OpenFile on the description, made the way fork
//     makes the child's (a server handle shared to the receiver's domain, FileObject.share) —
//     asked from the sender's domain, which owns the handles: a kernel thread in the sender's
//     protection domain does it (and gives back the message's reference), the receiver waits
//     for it. The personality never acts for a domain other than its thread's in any other way.
// A message dropped unread (its socket closed) gives its references back the same way.
//
// Not built: Linux's garbage collector of in-flight sockets (a socket sent over itself, or in a
// cycle, and then closed stays until the run ends).

import type { Kernel } from "../../kernel/kernel.js";
import type { Handle } from "../../kernel/ppc/values.js";
import type { Block } from "../../kernel/sched/thread.js";
import { E } from "../errno.js";
import { SysError } from "../sys/guest-mem.js";
import { untilReady } from "../sys/wait.js";
import { fsc } from "../vfs/fs-call.js";
import type { OpenFile } from "../vfs/open-file.js";
import type { Vfs } from "../vfs/vfs.js";
import type { Carried } from "./unix.js";

/** One descriptor in flight: the sender's open file, its Vfs and protection domain. */
interface Passed {
  readonly file: OpenFile;
  readonly vfs: Vfs;
  readonly domain: number;
}

/** The descriptors one message carries. */
export class FileRights implements Carried {
  constructor(readonly files: readonly Passed[]) {}

  get count(): number {
    return this.files.length;
  }
}

/** The message's references on the open files of descriptors `fds` of the sending process (EBADF for a closed one). */
export function carry(v: Vfs, domain: number, fds: readonly number[]): FileRights {
  const files = fds.map((fd) => v.file(fd));
  return new FileRights(files.map((f) => ({ file: f.retain(), vfs: v, domain })));
}

/**
 * Run `body` in protection domain `domain`: at once when the calling thread acts for it, else in
 * a kernel thread of that domain, which the caller waits for (not interruptibly: the work is
 * short and must not be left half done).
 */
function* inDomain<T>(k: Kernel, domain: number, what: string, body: () => Generator<Block, T, unknown>): Generator<Block, T, unknown> {
  if (k.ppc.currentDomain() === domain) return yield* body();
  const ch = k.waits.create();
  let out: { ok: T } | { err: unknown } | undefined;
  k.sched.spawn(what, (function* () {
    try {
      out = { ok: yield* body() };
    } catch (e) {
      out = { err: e };
    }
    k.waits.notify(ch);
  })(), domain);
  try {
    const r = yield* untilReady(k, (w, until) => k.waits.block(w, until), [ch], what, function* () {
      return out;
    });
    if ("err" in r) throw r.err;
    return r.ok;
  } finally {
    k.waits.destroy(ch);
  }
}

/** The message's reference on `p` goes (in the sender's domain). */
function* giveBack(k: Kernel, p: Passed): Generator<Block, void, unknown> {
  if (--p.file.refs > 0) return;
  yield* p.vfs.release(k, p.file);
}

/** A dropped message's descriptors: every reference given back. */
export function* dropRights(k: Kernel, r: Carried): Generator<Block, void, unknown> {
  if (!(r instanceof FileRights)) throw new Error("descriptors in flight of an unknown kind");
  for (const p of r.files) yield* inDomain(k, p.domain, "SCM_RIGHTS drop", () => giveBack(k, p));
}

/**
 * The receiving process's open files for the first `max` descriptors of `r` (the others are
 * dropped, as scm_detach_fds drops what the control buffer cannot hold). `keep` (MSG_PEEK): the
 * message keeps its references and the receiver gets new ones.
 */
export function* receiveRights(k: Kernel, v: Vfs, domain: number, r: Carried, max: number, keep: boolean): Generator<Block, OpenFile[], unknown> {
  if (!(r instanceof FileRights)) throw new Error("descriptors in flight of an unknown kind");
  const out: OpenFile[] = [];
  for (const [i, p] of r.files.entries()) {
    if (i >= max) {
      if (!keep) yield* inDomain(k, p.domain, "SCM_RIGHTS drop", () => giveBack(k, p));
      continue;
    }
    if (p.vfs === v) {
      out.push(keep ? p.file.retain() : p.file);
      continue;
    }
    out.push(yield* inDomain(k, p.domain, "SCM_RIGHTS transfer", function* () {
      const f = p.file;
      const h = f.handle === undefined ? undefined : ((yield* fsc(p.vfs.stubs.file(k, f.handle).share(domain))) as Handle);
      const obj = f.obj === undefined ? undefined : yield* f.obj.share(k, domain);
      const mine = v.adopt(f, h, obj);
      if (!keep) yield* giveBack(k, p);
      return mine;
    }));
  }
  return out;
}

/** EINVAL unless `n` descriptors fit one message. */
export function checkCount(n: number, max: number): void {
  if (n > max) throw new SysError(E.EINVAL);
}
