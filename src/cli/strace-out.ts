// Where `k42 run --strace[=FILE]` writes its lines: stderr, or FILE (created or truncated
// before the run, so that an unwritable path fails at once, not after the run).

import { closeSync, openSync, writeSync } from "node:fs";

export interface StraceOutput {
  /** The run options that send the lines here (both run modes). */
  readonly options: { strace: (line: string) => void; straceFile?: string };
  close(): void;
}

/**
 * The output for `--strace` (file "-": standard error) or `--strace=FILE`; a one-line message
 * when FILE cannot be written.
 */
export function openStraceOutput(file: string): StraceOutput | string {
  if (file === "") return "the file name is empty";
  if (file === "-") return { options: { strace: (line) => process.stderr.write(`${line}\n`) }, close: () => {} };
  let fd: number;
  try {
    fd = openSync(file, "w");
  } catch (e) {
    return `cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
  }
  return {
    options: { strace: (line) => void writeSync(fd, `${line}\n`), straceFile: file },
    close: () => closeSync(fd),
  };
}
