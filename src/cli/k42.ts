#!/usr/bin/env node
// The k42 command.
//
//   k42 run [options] [--] [PROGRAM [ARGS...]]   run a PowerPC Linux program on the K42 machine
//                                                (run-cmd.ts); without PROGRAM, the default job
//   k42 rootfs [--packages P...] [DIR]           build a Debian ppc64el root
//   k42 syscalls [--arch A] [--status S]         the system-call table and each call's status
//   k42 trace FILE                               summarise a trace written by `k42 run --trace FILE`
//   k42 demo                                     the embedded hand-assembled demo program
//   k42 help | k42 --version
//
// Everything k42 itself prints goes out with synchronous writes that report a closed pipe
// (`k42 syscalls | head`) instead of ending in a stack trace.

import { hostWrite } from "../machine/host-output.js";
import { runProgram } from "../linux/process.js";
import { demoExecutable } from "./demo.js";
import { traceCommand, TRACE_USAGE } from "./trace-cmd.js";
import { syscallsCommand, SYSCALLS_USAGE } from "./syscalls-cmd.js";
import { rootfsCommand, ROOTFS_USAGE } from "./rootfs/command.js";
import { runCommand, RUN_USAGE } from "./run-cmd.js";
import { k42Version } from "./version.js";

const enc = new TextEncoder();
const out = (t: string): void => void hostWrite(1, enc.encode(t));
const err = (t: string): void => void hostWrite(2, enc.encode(t));

const USAGE = `${RUN_USAGE}
       ${ROOTFS_USAGE.split("\n")[0].replace("usage: ", "")}
       ${SYSCALLS_USAGE.replace("usage: ", "")}
       ${TRACE_USAGE.replace("usage: ", "")}
       k42 demo | k42 help | k42 --version
k42ts: IBM's K42 research operating system rebuilt in TypeScript, running unmodified PowerPC
Linux programs on an emulated NUMA POWER8 multiprocessor. \`k42 run --help\` explains the options.`;

/** The embedded demo: a hand-assembled static ppc64 program, on an empty root. */
function demoCommand(args: string[]): number {
  if (args.length > 0) {
    err("usage: k42 demo\n");
    return 2;
  }
  const r = runProgram(demoExecutable(), { argv: ["demo"], exePath: "/demo", stdin: { kind: "none" } });
  return r.exitCode;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case "run":
      return await runCommand(rest, { out, err });
    case "demo":
      return demoCommand(rest);
    case "rootfs":
      return await rootfsCommand(rest);
    case "--version":
    case "-V":
      out(`k42ts ${k42Version()}\n`);
      return 0;
    case "trace":
      return traceCommand(rest, out, err);
    case "syscalls":
      return syscallsCommand(rest, out, err);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      (cmd === undefined ? err : out)(USAGE + "\n");
      return cmd === undefined ? 2 : 0;
    default:
      err(`k42: unknown command ${cmd} (k42 help)\n`);
      return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
