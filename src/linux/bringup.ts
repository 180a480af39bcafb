// The bring-up path for running static PowerPC Linux programs until the Linux personality
// lands: see bringup/run.ts.

export { runProgram, runProgramParallel, type RunOptions, type RunResult } from "./bringup/run.js";
export { checkExecutable } from "./bringup/exec.js";
