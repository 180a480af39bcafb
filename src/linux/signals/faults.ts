// Synchronous signals: an exception the kernel does not resolve becomes the signal Linux sends
// for it (arch/powerpc/kernel/traps.c, mm/fault.c), forced on the thread (force_sig_fault: a
// blocked or ignored one reverts to its default action), and is delivered on the way back to
// user mode — to a handler, whose return runs the instruction again (so a SIGSEGV handler that
// mprotects the page and returns succeeds), or to the default action, which kills with the
// fault described:
//
//   storage fault, unmapped         SIGSEGV SEGV_MAPERR  si_addr the address  (trap 0x300/0x400)
//   storage fault, not permitted    SIGSEGV SEGV_ACCERR
//   misaligned access               SIGBUS  BUS_ADRALN   the address          (0x600)
//   file page past the file's end   SIGBUS  BUS_ADRERR   the address
//   illegal instruction             SIGILL  ILL_ILLOPC   the instruction      (0x700)
//   privileged instruction or SPR   SIGILL  ILL_PRVOPC   the instruction
//   trap instruction (tw, td, ...)  SIGTRAP TRAP_BRKPT   the instruction
//   FP enabled exception            SIGFPE  from the FPSCR (fpe.ts)  the instruction  (0x700)
//                                   (only with MSR[FE0 FE1] != 0: prctl PR_SET_FPEXC)
//
// The engine leaves the PC past an instruction that stopped it (trap, illegal, privileged) and
// on one that faulted or took an FP enabled exception; the frame must hold the instruction's
// own address, as SRR0 would. A SIGFPE handler that returns runs the instruction again (Linux
// does not step over it): it must change the saved FPSCR, or leave by longjmp.

import { Exit, type Cpu } from "../../machine/power/cpu.js";
import { Access } from "../../machine/power/mmu.js";
import { S } from "../../machine/power/state.js";
import { fpeCode } from "./fpe.js";
import type { SysContext } from "../process/syscalls.js";
import { SIG } from "./numbers.js";
import { BUS_ADRALN, ILL_ILLOPC, ILL_PRVOPC, SEGV_ACCERR, TRAP_BRKPT, fault } from "./siginfo.js";
import { forceSignal, receiverOf } from "./send.js";

/** DSISR bits Linux reports for a data storage interrupt. */
const DSISR_NOHPTE = 0x40000000, DSISR_PROTFAULT = 0x08000000, DSISR_ISSTORE = 0x02000000;

/**
 * The exception the thread took (guest-thread.ts's `exception`: `signal` and `code` as the
 * kernel layer found them, `addr` the faulting address), forced on the thread; delivery
 * happens at the return to user mode. `why` describes the fault if it kills.
 */
export function synchronousSignal(ctx: SysContext, c: Cpu, signal: number, code: number, addr: number, why: string): undefined {
  ctx.cpu = c;
  const stopped = c.exit === Exit.Trap || c.exit === Exit.Illegal || c.exit === Exit.Privileged;
  let at = addr;
  if (stopped) {
    // Back to the instruction itself (the engine retired it).
    c.setPc(c.exitPc, c.exitPcHi);
    at = (c.exitPcHi >>> 0) * 2 ** 32 + (c.exitPc >>> 0);
  }
  let sicode = code;
  let trap = 0x700, dsisr = 0;
  switch (signal) {
    case SIG.SEGV: {
      const f = c.fault;
      trap = f?.access === Access.Exec ? 0x400 : 0x300;
      dsisr = (code === SEGV_ACCERR ? DSISR_PROTFAULT : DSISR_NOHPTE) | (f?.access === Access.Write ? DSISR_ISSTORE : 0);
      break;
    }
    case SIG.BUS:
      trap = code === BUS_ADRALN ? 0x600 : 0x300;
      break;
    case SIG.ILL:
      sicode = c.exit === Exit.Privileged ? ILL_PRVOPC : ILL_ILLOPC;
      break;
    case SIG.TRAP:
      sicode = TRAP_BRKPT;
      break;
    case SIG.FPE:
      // The PC is on the instruction (the processor may be another's, the state is the thread's).
      sicode = fpeCode(c.r[S.FPSCR]);
      at = (c.r[S.PC + 1] >>> 0) * 2 ** 32 + (c.r[S.PC] >>> 0);
      if (!ctx.image.is64) at %= 2 ** 32;
      break;
  }
  ctx.sig.entry = { kind: "fault", trap, dar: at, dsisr };
  forceSignal(receiverOf(ctx), fault(signal, sicode, at, why));
  return undefined;
}
