// The bring-up path for running static PowerPC Linux programs until the Linux personality
// lands: see bringup/run.ts.

export { runProgram, runProgramParallel, type RunOptions, type RunResult } from "./bringup/run.js";
export { prepareExec, type ExecPlan, type OpenInterp } from "./exec/load.js";
export { ExecError } from "./exec/error.js";
