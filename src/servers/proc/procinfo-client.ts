// procfs's side of ProcInfo: one or more ProcInfo servers (each answers for the processes its
// personality keeps; in the parallel mode a process's record lives on the processors that run
// it, so a personality may serve ProcInfo from several places), asked in order until one knows
// the pid. Refusals come back as the errnos procfs gives its own callers: no such process is
// ENOENT (the /proc/PID node is gone); a ProcInfo server that fails is EIO for the reader, and
// not a fault of procfs.

import { PPCError } from "../../kernel/ppc/errors.js";
import type { ServerEnv } from "../../kernel/ppc/iface.js";
import type { Handle } from "../../kernel/ppc/values.js";
import type { Cred } from "../fs/iface.js";
import { EIO, ENOENT, ESRCH } from "./errno.js";
import { ProcInfoIface, type FdEntry, type Limit, type ProcIdent, type ProcInfoStub, type ProcList, type ProcStatus } from "./iface.js";
import { refuse, type Gen } from "./pseudo.js";

/** Credentials of a domain that is no process's: nobody's. */
export const NOBODY: Cred = { uid: 65534, gid: 65534, groups: [] };

export class ProcInfoClient {
  private readonly stubs: readonly ProcInfoStub[];

  constructor(env: ServerEnv, handles: readonly Handle[]) {
    this.stubs = handles.map((h) => env.stub(ProcInfoIface, h));
  }

  /** Run one ProcInfo call, its failures as procfs's errnos. */
  private *ask<T>(g: Gen<T>): Gen<T | undefined> {
    try {
      return yield* g;
    } catch (e) {
      if (!(e instanceof PPCError)) throw e;
      if (e.errno === ESRCH) return undefined;
      refuse(e.errno ?? EIO, `ProcInfo: ${e.message}`);
    }
  }

  /** The pid whose system calls run in `domain`, 0 for none. */
  *pidOf(domain: number): Gen<number> {
    for (const s of this.stubs) {
      const pid = (yield* this.ask(s.pidOf(domain))) ?? 0;
      if (pid !== 0) return pid;
    }
    return 0;
  }

  *list(): Gen<ProcList> {
    const all: ProcList = { pids: [], running: 0, blocked: 0, threads: 0, lastPid: 0, forks: 0 };
    for (const s of this.stubs) {
      const l = (yield* this.ask(s.list())) as ProcList | undefined;
      if (l === undefined) continue;
      all.pids.push(...l.pids);
      all.running += l.running;
      all.blocked += l.blocked;
      all.threads += l.threads;
      all.lastPid = Math.max(all.lastPid, l.lastPid);
      all.forks += l.forks;
    }
    all.pids.sort((a, b) => a - b);
    return all;
  }

  /** `f` asked of the server that knows `pid`; ENOENT when none does. */
  private *about<T>(pid: number, f: (s: ProcInfoStub) => Gen<T>): Gen<T> {
    for (const s of this.stubs) {
      const r = yield* this.ask(f(s));
      if (r !== undefined) return r;
    }
    refuse(ENOENT, `no process ${pid}`);
  }

  ident(pid: number): Gen<ProcIdent> {
    return this.about(pid, (s) => s.ident(pid) as Gen<unknown> as Gen<ProcIdent>);
  }

  status(pid: number): Gen<ProcStatus> {
    return this.about(pid, (s) => s.status(pid) as Gen<unknown> as Gen<ProcStatus>);
  }

  thread(pid: number, tid: number): Gen<ProcStatus> {
    return this.about(pid, (s) => s.thread(pid, tid) as Gen<unknown> as Gen<ProcStatus>);
  }

  cmdline(pid: number): Gen<Uint8Array> {
    return this.about(pid, (s) => s.cmdline(pid));
  }

  environ(pid: number): Gen<Uint8Array> {
    return this.about(pid, (s) => s.environ(pid));
  }

  fds(pid: number): Gen<FdEntry[]> {
    return this.about(pid, (s) => s.fds(pid) as Gen<unknown> as Gen<FdEntry[]>);
  }

  maps(pid: number): Gen<string> {
    return this.about(pid, (s) => s.maps(pid));
  }

  limits(pid: number): Gen<Limit[]> {
    return this.about(pid, (s) => s.limits(pid) as Gen<unknown> as Gen<Limit[]>);
  }

  /** The filesystem credentials of the process in `domain` (nobody's when it is none). */
  *credOfDomain(domain: number): Gen<{ pid: number; cred: Cred }> {
    const pid = yield* this.pidOf(domain);
    if (pid === 0) return { pid, cred: NOBODY };
    const s = yield* this.ident(pid);
    return { pid, cred: { uid: s.uid[3], gid: s.gid[3], groups: s.groups } };
  }
}
