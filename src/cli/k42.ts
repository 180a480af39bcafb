#!/usr/bin/env node
// The k42 command.
//
//   k42 run [options] [-- PROGRAM [ARGS...]]   run a static PowerPC Linux program (host path);
//                                              without PROGRAM, the embedded demo program
//   k42 help

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ElfError } from "../machine/elf.js";
import { runProgram } from "../linux/bringup.js";
import { demoExecutable } from "./demo.js";

const USAGE = `usage: k42 run [--verbose] [--max-instructions N] [--stats] [-- PROGRAM [ARGS...]]
       k42 help
Runs a static PowerPC Linux executable (ppc64 ELFv1/ELFv2, ppc64le, ppc32) on the emulated
machine; without PROGRAM it runs a small embedded demo program. The exit status is the guest's.`;

function fail(msg: string, code = 2): never {
  process.stderr.write(`k42: ${msg}\n`);
  process.exit(code);
}

function cmdRun(args: string[]): number {
  let verbose = false, stats = false;
  let max: number | undefined;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === "--") { i++; break; }
    if (a === "--verbose" || a === "-v") verbose = true;
    else if (a === "--stats") stats = true;
    else if (a === "--max-instructions") {
      max = Number(args[++i]);
      if (!Number.isFinite(max) || max <= 0) fail(`--max-instructions needs a positive number`);
    } else if (a.startsWith("-")) fail(`unknown option ${a}\n${USAGE}`);
    else break;
  }
  const prog = args.slice(i);
  let image: Uint8Array;
  let argv: string[];
  let exePath: string;
  if (prog.length === 0) {
    image = demoExecutable();
    argv = ["demo"];
    exePath = "/demo";
  } else {
    exePath = resolve(prog[0]);
    try {
      image = new Uint8Array(readFileSync(exePath));
    } catch (e) {
      fail(`cannot read ${prog[0]}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    argv = prog;
  }
  const env = Object.entries(process.env).map(([k, v]) => `${k}=${v ?? ""}`);
  const t0 = process.hrtime.bigint();
  let r;
  try {
    r = runProgram(image, {
      argv, env, exePath, maxInstructions: max,
      log: verbose ? (m) => process.stderr.write(`k42: ${m}\n`) : undefined,
    });
  } catch (e) {
    if (e instanceof ElfError) fail(`${prog[0] ?? "demo"}: ${e.message}`, 126);
    throw e;
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error !== undefined) process.stderr.write(`k42: guest killed by signal ${r.signal}: ${r.error}\n`);
  if (stats) {
    process.stderr.write(`k42: ${r.instructions} guest instructions in ${secs.toFixed(3)} s (${(r.instructions / secs / 1e6).toFixed(1)} MIPS)\n`);
  }
  return r.exitCode;
}

function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case "run":
      return cmdRun(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE + "\n");
      return cmd === undefined ? 2 : 0;
    default:
      fail(`unknown command ${cmd}\n${USAGE}`);
  }
}

process.exitCode = main(process.argv.slice(2));
