// A live host input source for tests: a FIFO whose only writer is a child process.

import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { closeSync, constants as fsc, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A FIFO whose only writer is a child process running `script` (sh) with the FIFO as its
 * stdout: input arrives as the script writes, and ends when the child exits. `fd` is the
 * reading end (non-blocking); cleanup() closes it and removes the FIFO.
 */
export function fifoFed(script: string): { fd: number; child: ChildProcess; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "k42-fifo-"));
  const path = join(dir, "in");
  execFileSync("mkfifo", [path]);
  const fd = openSync(path, fsc.O_RDONLY | fsc.O_NONBLOCK);
  const w = openSync(path, fsc.O_WRONLY);
  const child = spawn("sh", ["-c", script], { stdio: ["ignore", w, "inherit"] });
  closeSync(w);
  return { fd, child, cleanup: () => { closeSync(fd); rmSync(dir, { recursive: true, force: true }); } };
}
