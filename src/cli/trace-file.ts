// Checking before a run that an output file named on the command line can be written, so that a
// long run does not end in "cannot write" (the file itself is written after the run).

import { closeSync, existsSync, openSync, statSync, unlinkSync } from "node:fs";

/** Why `path` cannot be written (one phrase), or undefined when it can. Leaves no new file behind. */
export function checkWritable(path: string): string | undefined {
  try {
    if (existsSync(path) && statSync(path).isDirectory()) return "is a directory";
    const existed = existsSync(path);
    closeSync(openSync(path, "a"));
    if (!existed) unlinkSync(path);
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? String(e);
  }
}
