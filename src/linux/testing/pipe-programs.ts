// A program for pipe-wait.test.ts, booted on every processor of a 2-processor machine: the
// personality's pipe ends and FIFO opens (vfs/pipe-file.ts) over the real pipe server, with a
// reader on processor 1 that must block and be woken by a writer on processor 0 — what one
// guest process cannot show (it would wait for itself). The processors meet in the kernel
// control block's last words: processor 0 makes the pipe and publishes its ends there.

import type { Kernel } from "../../kernel/kernel.js";
import type { Finisher } from "../../kernel/boot.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { Handle } from "../../kernel/ppc/values.js";
import { EndMode } from "../../servers/pipe/iface.js";
import { PipeServers, pipeServerCpus } from "../../servers/pipe/start.js";
import { Console } from "../vfs/console.js";
import { O } from "../vfs/open-file.js";
import { PipeEnd, makePipe, openFifo } from "../vfs/pipe-file.js";
import { PNode, type MountPoint } from "../vfs/pnode.js";
import type { Found } from "../vfs/walk.js";
import { Vfs } from "../vfs/vfs.js";
import { SysError } from "../sys/guest-mem.js";

type Gen<T = void> = Generator<Block, T, unknown>;

/** Control-block words: the published pipe (ready flag, server, the ends' xh, ino, channels) and the phase. */
const W_READY = 1010, W_SERVER = 1011, W_RD_XH = 1012, W_WR_XH = 1013, W_INO = 1014, W_RD = 1015, W_WR = 1016, W_PHASE = 1017;
/** Both threads act for one protection domain (one process), as the end handles require. */
const DOMAIN = 1;

function vfsFor(pipes: Handle): Vfs {
  return new Vfs({ ns: { server: 0, xh: 0 }, console: new Console({ stdout: () => true, stderr: () => true }), nofile: () => 1024, pid: () => 1, epoch: () => 0, pipes });
}

/** A FIFO node as a walk would find it (the pipe server keys FIFOs by server and inode only). */
function fifoNode(): Found {
  const mnt: MountPoint = { id: 1, dev: 0x20, root: { server: 99, xh: 1 }, rootIno: 1, path: "/", fstype: "tmpfs", source: "tmpfs", flags: 0 };
  const t: [number, number] = [0, 0];
  return {
    node: new PNode(undefined, "fifo", mnt, 42),
    attr: { ino: 42, mode: 0o010600, nlink: 1, uid: 0, gid: 0, size: 0, blocks: 0, blksize: 4096, rdev: 0, atime: t, mtime: t, ctime: t, btime: t },
  };
}

const ROOT_CRED = { uid: 0, gid: 0, groups: [] };

function* sleep(k: Kernel, ns: number): Gen {
  yield { kind: "sleep", until: k.port.now() + ns };
}

function* phase(k: Kernel, n: number): Gen {
  while (k.ctl.load(W_PHASE) < n) yield* sleep(k, 1000);
}

/**
 * The pipe server has its dispatcher on processor 0 only, in both modes (each processor's call
 * of this program makes its own PipeServers: only one may hold the pipes), so the reader's
 * calls cross processors.
 */
export function pipeWaits(k: Kernel): Finisher {
  const servers = new PipeServers({ cpus: pipeServerCpus("parallel") ?? [0] });
  const root = servers.start(k.ppc, k.waits.notifier());
  const v = vfsFor(root);
  const log: string[] = [];
  const dec = new TextDecoder();
  if (k.cpu === 0) {
    k.sched.spawn("writer", (function* (): Gen {
      // 0. A FIFO: the reader's blocking open waits until this open for writing.
      yield* phase(k, 1);
      yield* sleep(k, 200_000);
      const fw = yield* openFifo(k, v, ROOT_CRED, fifoNode(), O.WRONLY, O.WRONLY);
      log.push("opened the FIFO for writing");
      yield* phase(k, 2);
      yield* v.release(k, fw);
      const [r, w] = yield* makePipe(k, v, 0, { uid: 0, gid: 0, time: [0, 0] });
      const re = r.obj as PipeEnd, we = w.obj as PipeEnd;
      for (const [i, x] of [[W_SERVER, re.handle.server], [W_RD_XH, re.handle.xh], [W_WR_XH, we.handle.xh], [W_INO, re.ino], [W_RD, re.rd], [W_WR, re.wr]] as const) k.ctl.store(i, x);
      k.ctl.store(W_READY, 1);
      // 1. The reader blocks on an empty pipe; a write wakes it.
      yield* phase(k, 3);
      yield* sleep(k, 200_000);
      const hello = new TextEncoder().encode("hello");
      log.push(`wrote ${yield* we.write(k, v, w, 5, (off, len) => hello.subarray(off, off + len))}`);
      // 2. A blocking write into a full pipe waits until the reader makes room.
      yield* phase(k, 4);
      w.flags |= O.NONBLOCK;
      const page = new Uint8Array(4096).fill(7);
      let filled = 0;
      for (;;) {
        try {
          filled += yield* we.write(k, v, w, 4096, (off, len) => page.subarray(off, off + len));
        } catch (e) {
          if (!(e instanceof SysError)) throw e;
          log.push(`full at ${filled}: errno ${e.errno}`);
          break;
        }
      }
      w.flags &= ~O.NONBLOCK;
      const big = new Uint8Array(6000).fill(8);
      log.push(`blocking write of 6000 took ${yield* we.write(k, v, w, 6000, (off, len) => big.subarray(off, off + len))}`);
      // 3. The last writer goes: the blocked reader sees end of file.
      yield* phase(k, 5);
      yield* sleep(k, 200_000);
      yield* v.release(k, w);
      log.push("closed the write end");
      yield* phase(k, 6);
      yield* v.release(k, r);
    })(), DOMAIN);
  } else if (k.cpu === 1) {
    k.sched.spawn("reader", (function* (): Gen {
      k.ctl.store(W_PHASE, 1);
      const t = k.port.now();
      const fr = yield* openFifo(k, v, ROOT_CRED, fifoNode(), O.RDONLY, O.RDONLY);
      log.push(`the FIFO open for reading waited for a writer: ${k.port.now() - t >= 200_000}`);
      k.ctl.store(W_PHASE, 2);
      yield* v.release(k, fr);
      while (k.ctl.load(W_READY) === 0) yield* sleep(k, 1000);
      const h: Handle = { server: k.ctl.load(W_SERVER), xh: k.ctl.load(W_RD_XH) };
      const end = new PipeEnd(h, k.ctl.load(W_INO), k.ctl.load(W_RD), k.ctl.load(W_WR), EndMode.Read, undefined);
      const f = v.newFile("pipe", O.RDONLY, undefined, undefined, undefined, end);
      const read = function* (len: number): Gen<Uint8Array> {
        const parts: Uint8Array[] = [];
        const n = yield* end.read(k, v, f, len, (_off, data) => {
          parts.push(data.slice());
          return data.length;
        });
        const out = new Uint8Array(n);
        let o = 0;
        for (const p of parts) {
          out.set(p, o);
          o += p.length;
        }
        return out;
      };
      k.ctl.store(W_PHASE, 3);
      const t0 = k.port.now();
      const got = yield* read(100);
      log.push(`read "${dec.decode(got)}" after waiting: ${k.port.now() - t0 >= 200_000}`);
      k.ctl.store(W_PHASE, 4);
      yield* sleep(k, 300_000);
      let total = 0;
      while (total < 65536 + 6000) total += (yield* read(65536)).length;
      log.push(`read ${total} bytes in all`);
      k.ctl.store(W_PHASE, 5);
      const eof = yield* read(10);
      log.push(`read at the end: ${eof.length}`);
      k.ctl.store(W_PHASE, 6);
    })(), DOMAIN);
  }
  return () => ({ log, pipes: servers.pipes, waiting: k.waits.notifies });
}
