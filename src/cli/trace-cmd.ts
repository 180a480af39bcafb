// `k42 trace FILE`: read the Chrome trace JSON written by `k42 run --trace FILE`, validate it,
// and print a summary (events per class and processor, top objects, PPC methods, line waits).
// Exit status: 0 on success, 2 on a usage error or a missing/unreadable/invalid file (one line).
// Every call of `out` passes complete lines, each ending in "\n" (write it as is).

import { readFileSync } from "node:fs";
import { type ChromeTrace, validateChrome } from "../kernel/trace/chrome.js";
import { summarize } from "../kernel/trace/summary.js";

export const TRACE_USAGE = "usage: k42 trace FILE   (FILE: Chrome trace JSON from `k42 run --trace FILE`)";

export function traceCommand(args: string[], out: (s: string) => void, err: (s: string) => void = out): number {
  if (args.length !== 1 || args[0].startsWith("-")) {
    err(`${TRACE_USAGE}\n`);
    return 2;
  }
  const file = args[0];
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    err(`k42 trace: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return 2;
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    err(`k42 trace: ${file}: not JSON (${e instanceof Error ? e.message : String(e)})\n`);
    return 2;
  }
  const problems = validateChrome(obj);
  if (problems.length > 0) {
    const extra = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
    err(`k42 trace: ${file}: invalid trace: ${problems[0]}${extra}\n`);
    return 2;
  }
  out(`${summarize(obj as ChromeTrace)}\n`);
  return 0;
}
