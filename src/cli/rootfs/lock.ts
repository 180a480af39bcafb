// One build at a time per apt state: a lock file holding the owner's pid, taken with O_EXCL.
// A lock whose process is gone (a build killed mid-way) is taken over.

import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Take the lock at `file`, waiting (and saying so once through `waiting`) while a live
 *  process holds it. Returns the function that releases it. */
export async function acquireLock(file: string, waiting: (pid: number) => void): Promise<() => void> {
  let told = false;
  for (;;) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    let pid = NaN;
    try {
      pid = Number(readFileSync(file, "utf8").trim());
    } catch {
      continue; // released meanwhile
    }
    if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) {
      try {
        unlinkSync(file);
      } catch {
        // someone else took it over first
      }
      continue;
    }
    if (!told) waiting(pid);
    told = true;
    await new Promise((r) => setTimeout(r, 250));
  }
}
