// Running a PowerPC Linux program on the K42 machine: the one path every program takes (static
// or dynamic, from the guest root or a host file), in process/run.ts.

export { runProgram, runProgramParallel, type RunOptions, type RunResult } from "./process/run.js";
export { prepareExec, type ExecPlan, type OpenInterp } from "./exec/load.js";
export { ExecError } from "./exec/error.js";
