// A parallel-mode worker: one processor of the machine. It attaches to the shared memory,
// builds that processor's kernel, runs the program's boot function and serves until the
// machine stops, then posts its report.

import { parentPort, workerData } from "node:worker_threads";
import { attachProcessor, type ParallelBoot, type WorkerResult } from "../machine/parallel.js";
import { Kernel } from "./kernel.js";
import { loadProgram, report, type KernelBoot } from "./boot.js";

async function start(): Promise<void> {
  const b = workerData as ParallelBoot;
  const user = b.user as KernelBoot;
  let msg: WorkerResult;
  try {
    const port = attachProcessor(b);
    const k = new Kernel(port, user.kernel);
    const main = await loadProgram(user.program);
    const fin = main(k, user.program.args);
    port.serve(k);
    msg = { cpu: b.cpu, result: report(k, fin?.()) };
  } catch (e) {
    msg = { cpu: b.cpu, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort?.postMessage(msg);
}

void start();
