// Calls from the Linux personality to the file servers: client stubs (one per server and
// processor, made on first use) and the translation of a failed PPC into an errno. A server's
// refusal (ServerErrno) arrives as PPCError code Errno and becomes that errno; any other PPC
// failure — the server threw (a fault: it restarts), a stale handle, no dispatcher — is EIO
// for the guest, as a failing disk would be. Exceptions that are not PPC failures are host bugs
// and pass through untouched.

import type { Kernel } from "../../kernel/kernel.js";
import { PPCError } from "../../kernel/ppc/errors.js";
import type { Handle } from "../../kernel/ppc/values.js";
import type { Block } from "../../kernel/sched/thread.js";
import { FileSystemIface, NameSpaceIface, type FileSystemStub } from "../../servers/fs/iface.js";
import type { Stub } from "../../kernel/ppc/iface.js";
import { E } from "../errno.js";
import { SysError } from "../sys/guest-mem.js";

export type NameSpaceStub = Stub<typeof NameSpaceIface>;

/** Run one server call; a PPC failure becomes SysError(errno), EIO unless the server refused with an errno. */
export function* fsc<T>(call: Generator<Block, T, unknown>): Generator<Block, T, unknown> {
  try {
    return yield* call;
  } catch (e) {
    if (e instanceof PPCError) throw new SysError(e.errno ?? E.EIO, e.message);
    throw e;
  }
}

/**
 * The stubs this process uses, for the kernel of the processor it runs on now. Stubs are bound
 * to one processor's PPC layer: when the thread is found on another processor, they are made
 * again there.
 */
export class Stubs {
  private k: Kernel | undefined;
  private readonly fs = new Map<number, FileSystemStub>();
  private readonly files = new Map<number, FileSystemStub>();
  private ns: NameSpaceStub | undefined;

  private on(k: Kernel): void {
    if (this.k === k) return;
    this.k = k;
    this.fs.clear();
    this.files.clear();
    this.ns = undefined;
  }

  /** The tree methods of the server whose root handle is `h`. */
  tree(k: Kernel, h: Handle): FileSystemStub {
    this.on(k);
    let s = this.fs.get(h.server);
    if (s === undefined) {
      s = k.ppc.stub(FileSystemIface, h);
      this.fs.set(h.server, s);
    }
    return s;
  }

  /** The open-file methods behind an open-file handle (cached while the handle is in use). */
  file(k: Kernel, h: Handle): FileSystemStub {
    this.on(k);
    const key = h.server * 0x100000000 + h.xh;
    let s = this.files.get(key);
    if (s === undefined) {
      s = k.ppc.stub(FileSystemIface, h);
      this.files.set(key, s);
    }
    return s;
  }

  /** Forget the stub of a closed open-file handle. */
  dropFile(h: Handle): void {
    this.files.delete(h.server * 0x100000000 + h.xh);
  }

  names(k: Kernel, h: Handle): NameSpaceStub {
    this.on(k);
    this.ns ??= k.ppc.stub(NameSpaceIface, h);
    return this.ns;
  }
}

/** The largest transfer in one read/write PPC: a local call takes big ones; a message is 16 KiB. */
export function chunkFor(k: Kernel, server: number): number {
  return k.ppc.server(server)?.here === true ? 1 << 20 : 8 << 10;
}
