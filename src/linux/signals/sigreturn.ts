// Returning from a handler: rt_sigreturn (both ABIs) and ppc32's sigreturn, reached through
// the trampoline page when the handler returns. They restore, from the frame the handler ran
// on (and may have changed), the blocked mask (never SIGKILL or SIGSTOP), every register, the
// byte order the frame's MSR says, and for rt_sigreturn the alternate stack; an interrupted
// call's pending restart is forgotten (restart_syscall then answers EINTR). A frame that
// cannot be read is corrupt: the thread gets SIGSEGV (force_sig: fatal unless a SIGSEGV
// handler is installed and unblocked). The registers being whole, the dispatcher leaves r3 and
// CR0 alone (ThreadSignals.restoreAll); the call's value, as strace shows it, is the restored r3.

import { GuestFault } from "../../machine/power/mmu.js";
import type { Handler, SysContext } from "../process/syscalls.js";
import { guestMem } from "../process/syscalls.js";
import { Struct, readGuest } from "../sys/guest-mem.js";
import { MINSIGSTKSZ, SIG, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK } from "./numbers.js";
import { fromKernel } from "./siginfo.js";
import { forceSignal, receiverOf } from "./send.js";
import { INTERRUPT_ENTRY } from "./thread-signals.js";
import { getReg, restore } from "./regs.js";
import { MSR } from "./frame-common.js";
import { UC64_SIZE, restore64 } from "./frame64.js";
import { RT32, SIG32, restoreMcontext } from "./frame32.js";
import { SIGNAL_FRAMESIZE } from "./trampoline.js";
import { onAltStack } from "./deliver.js";
import type { AltStack } from "../task/signal-state.js";

/** A frame that could not be read: SIGSEGV (force_sig), and the registers stay as they are. */
function badFrame(ctx: SysContext, what: string, at: number): number {
  ctx.log(`${what}: bad frame at 0x${at.toString(16)}: SIGSEGV`);
  forceSignal(receiverOf(ctx), fromKernel(SIG.SEGV));
  ctx.sig.entry = INTERRUPT_ENTRY;
  return 0;
}

/** restore_altstack: do_sigaltstack with the restored stack pointer; every failure but EFAULT is ignored. */
function restoreAltStack(ctx: SysContext, want: AltStack): void {
  const t = ctx.sig, sp = Number(getReg(ctx.cpu, 1) & (ctx.image.is64 ? 0xffffffffffffffffn : 0xffffffffn));
  if (onAltStack(t, sp)) return;
  const mode = (want.flags & ~SS_AUTODISARM) >>> 0;
  if (mode !== SS_DISABLE && mode !== SS_ONSTACK && mode !== 0) return;
  if (mode === SS_DISABLE) t.altStack = { sp: 0, size: 0, flags: want.flags >>> 0 };
  else if (want.size >= (ctx.image.is64 ? MINSIGSTKSZ.ppc64 : MINSIGSTKSZ.ppc32)) t.altStack = { sp: want.sp, size: want.size, flags: want.flags >>> 0 };
}

/** After a successful restore: the frame's byte order, no restart, registers left as restored. */
function restored(ctx: SysContext, msr: bigint): number {
  const t = ctx.sig, c = ctx.cpu;
  c.setMode(ctx.image.is64, (msr & MSR.LE) !== 0n);
  t.restart = undefined;
  t.entry = INTERRUPT_ENTRY;
  t.restoreAll = true;
  const r3 = getReg(c, 3);
  return ctx.image.is64 ? Number(BigInt.asIntN(64, r3)) : Number(BigInt.asIntN(32, r3));
}

/** rt_sigreturn: the ucontext at r1 (ppc64), or 80 bytes above it in the rt frame (ppc32). */
const rtSigreturn: Handler = (ctx) => {
  const c = ctx.cpu, is64 = ctx.image.is64, le = ctx.image.le;
  const m = guestMem(ctx);
  const read = (va: number, len: number): Uint8Array => readGuest(m, va, len);
  ctx.sig.restart = undefined;
  if (is64) {
    const uc = Number(getReg(c, 1));
    try {
      const r = restore64(read(uc, UC64_SIZE), le, read);
      ctx.sig.setBlocked(r.mask);
      restore(c, r.img, true, { vmx: r.vmx, vsx: r.vsx });
      restoreAltStack(ctx, r.stack);
      return restored(ctx, r.msr);
    } catch (e) {
      if (e instanceof GuestFault) return badFrame(ctx, "rt_sigreturn", uc);
      throw e;
    }
  }
  const frame = (Number(getReg(c, 1) & 0xffffffffn) + SIGNAL_FRAMESIZE.ppc32 + 16) >>> 0;
  try {
    const uc = new Struct(read(frame + RT32.UC, RT32.UC_SIZE - 1248), false);
    const mask = BigInt(uc.getU32(RT32.UC_SIGMASK - RT32.UC)) | (BigInt(uc.getU32(RT32.UC_SIGMASK - RT32.UC + 4)) << 32n);
    const mcp = uc.getU32(RT32.UC_REGS - RT32.UC);
    const so = RT32.UC_STACK - RT32.UC;
    const stack = { sp: uc.getU32(so), flags: uc.getU32(so + 4), size: uc.getU32(so + 8) };
    ctx.sig.setBlocked(mask);
    const r = restoreMcontext(read, mcp);
    restore(c, r.img, false, { vmx: r.vmx, vsx: r.vsx });
    restoreAltStack(ctx, stack);
    return restored(ctx, r.msr);
  } catch (e) {
    if (e instanceof GuestFault) return badFrame(ctx, "rt_sigreturn", frame);
    throw e;
  }
};

/** ppc32's sigreturn: the sigcontext 64 bytes above r1; its regs pointer names the mcontext. */
const sigreturn: Handler = (ctx) => {
  const c = ctx.cpu, m = guestMem(ctx);
  const read = (va: number, len: number): Uint8Array => readGuest(m, va, len);
  ctx.sig.restart = undefined;
  const sc = (Number(getReg(c, 1) & 0xffffffffn) + SIGNAL_FRAMESIZE.ppc32) >>> 0;
  try {
    const s = new Struct(read(sc, SIG32.MCONTEXT), false);
    ctx.sig.setBlocked(BigInt(s.getU32(SIG32.OLDMASK)) | (BigInt(s.getU32(SIG32.UNUSED3)) << 32n));
    const r = restoreMcontext(read, s.getU32(SIG32.REGS));
    restore(c, r.img, false, { vmx: r.vmx, vsx: r.vsx });
    return restored(ctx, r.msr);
  } catch (e) {
    if (e instanceof GuestFault) return badFrame(ctx, "sigreturn", sc);
    throw e;
  }
};

export const SIGRETURN_CALLS: Record<string, Handler> = { rt_sigreturn: rtSigreturn, sigreturn };
