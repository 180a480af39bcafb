// A parallel-mode worker: one or several processors of the machine. It attaches to the shared
// memory, builds each hosted processor's kernel, runs the program's boot function on each and
// serves until the machine stops, then posts one report per processor.

import { parentPort, workerData } from "node:worker_threads";
import { attachWorker, type ParallelBoot, type WorkerResult } from "../machine/parallel.js";
import { Kernel } from "./kernel.js";
import { loadProgram, report, type KernelBoot } from "./boot.js";

async function start(): Promise<void> {
  const b = workerData as ParallelBoot;
  const user = b.user as KernelBoot;
  const post = (m: WorkerResult): void => parentPort?.postMessage(m);
  try {
    const host = attachWorker(b);
    const kernels = host.ports.map((p) => new Kernel(p, user.kernel));
    const main = await loadProgram(user.program);
    const fins = kernels.map((k) => main(k, user.program.args));
    const blocked = host.serve(kernels);
    kernels.forEach((k, i) => post({ cpu: k.cpu, result: report(k, fins[i]?.()), blocked: blocked[i] }));
  } catch (e) {
    const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    for (const cpu of b.cpus) post({ cpu, error });
  }
}

void start();
