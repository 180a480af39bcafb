// adjtimex and clock_adjtime (kernel/time/timekeeping.c do_adjtimex, ntp.c __do_adjtimex):
// anyone may read the clock's NTP state; changing it needs CAP_SYS_TIME. Root in the guest may
// step the guest's real-time clock (ADJ_SETOFFSET) and set the NTP bookkeeping (ADJ_STATUS,
// ADJ_MAXERROR, ADJ_ESTERROR, ADJ_TIMECONST, ADJ_TAI, ADJ_NANO/ADJ_MICRO), which is recorded
// and read back as Linux does. What would slew the clock — a phase offset (ADJ_OFFSET,
// adjtime's single shot), a frequency (ADJ_FREQUENCY) or a tick length (ADJ_TICK) — is refused
// with EPERM and said in the verbose log: the guest's clock runs at the machine's rate. The
// leap-second bits of the status are kept but no leap second is inserted.
//
// Layouts: struct __kernel_timex (ppc64, and ppc32's clock_adjtime64: 64-bit fields) and
// struct old_timex32 (ppc32's adjtimex and clock_adjtime: 32-bit fields).

import { E } from "../errno.js";
import type { Handler, SysContext } from "../process/syscalls.js";
import { Cap } from "../task/credentials.js";
import type { Struct } from "./guest-mem.js";
import { argInt, argPtr, newStruct, readStruct, writeStruct } from "./user.js";
import { CLOCK, NS, SETTOD_SEC_MAX, clockOf } from "./time.js";

/** The fields of struct timex this implementation reads or writes (others are zero). */
interface Timex {
  modes: number;
  offset: bigint;
  freq: bigint;
  maxerror: bigint;
  esterror: bigint;
  status: number;
  constant: bigint;
  precision: bigint;
  tolerance: bigint;
  sec: bigint;
  usec: bigint;
  tick: bigint;
  tai: number;
}

/** Field offsets of the two layouts, in fields order of `Timex` (time.tv_sec, time.tv_usec as sec, usec). */
const LAYOUT = {
  k64: { size: 208, wide: true, at: { modes: 0, offset: 8, freq: 16, maxerror: 24, esterror: 32, status: 40, constant: 48, precision: 56, tolerance: 64, sec: 72, usec: 80, tick: 88, tai: 160 } },
  old32: { size: 128, wide: false, at: { modes: 0, offset: 4, freq: 8, maxerror: 12, esterror: 16, status: 20, constant: 24, precision: 28, tolerance: 32, sec: 36, usec: 40, tick: 44, tai: 80 } },
} as const;
type Layout = (typeof LAYOUT)[keyof typeof LAYOUT];

function decode(s: Struct, l: Layout): Timex {
  const at = l.at;
  const long = (o: number): bigint => (l.wide ? s.dv.getBigInt64(o, s.le) : BigInt(s.getI32(o)));
  return {
    modes: s.getU32(at.modes), offset: long(at.offset), freq: long(at.freq), maxerror: long(at.maxerror), esterror: long(at.esterror),
    status: s.getI32(at.status), constant: long(at.constant), precision: long(at.precision), tolerance: long(at.tolerance),
    sec: long(at.sec), usec: long(at.usec), tick: long(at.tick), tai: s.getI32(at.tai),
  };
}

function encode(ctx: SysContext, t: Timex, l: Layout): Struct {
  const s = newStruct(ctx, l.size), at = l.at;
  const long = (o: number, v: bigint): void => {
    if (l.wide) s.dv.setBigInt64(o, BigInt.asIntN(64, v), s.le);
    else s.i32(o, Number(BigInt.asIntN(32, v)));
  };
  s.u32(at.modes, t.modes);
  long(at.offset, t.offset); long(at.freq, t.freq); long(at.maxerror, t.maxerror); long(at.esterror, t.esterror);
  s.i32(at.status, t.status);
  long(at.constant, t.constant); long(at.precision, t.precision); long(at.tolerance, t.tolerance);
  long(at.sec, t.sec); long(at.usec, t.usec); long(at.tick, t.tick);
  s.i32(at.tai, t.tai);
  return s;
}

const ADJ = {
  OFFSET: 0x0001, FREQUENCY: 0x0002, MAXERROR: 0x0004, ESTERROR: 0x0008, STATUS: 0x0010, TIMECONST: 0x0020,
  TAI: 0x0080, SETOFFSET: 0x0100, MICRO: 0x1000, NANO: 0x2000, TICK: 0x4000, ADJTIME: 0x8000,
  OFFSET_SINGLESHOT: 0x8001, OFFSET_READONLY: 0x2000,
} as const;
const STA_PLL = 0x0001, STA_PPSFREQ = 0x0002, STA_PPSTIME = 0x0004, STA_UNSYNC = 0x0040, STA_PPSSIGNAL = 0x0100;
const STA_PPSJITTER = 0x0200, STA_PPSWANDER = 0x0400, STA_CLOCKERR = 0x1000, STA_NANO = 0x2000;
/** The read-only status bits (STA_RONLY). */
const STA_RONLY = 0xff00;
const TIME_OK = 0, TIME_ERROR = 5;
/** USER_HZ 100: the tick in µs and the ±10 % a tick may be set to. */
const TICK_USEC = 10000n;
const MAXTC = 10n, MAX_TAI_OFFSET = 100000;
/** MAXFREQ_SCALED / PPM_SCALE: 500 ppm in the scaled units adjtimex reports. */
const TOLERANCE = 500n << 16n;
const NTP_PHASE_LIMIT = 16_000_000;

/** is_error_status (ntp.c): an unsynchronised clock, or a PPS discipline without its signal. */
function isErrorStatus(s: number): boolean {
  return (s & (STA_UNSYNC | STA_CLOCKERR)) !== 0
    || ((s & (STA_PPSFREQ | STA_PPSTIME)) !== 0 && (s & STA_PPSSIGNAL) === 0)
    || (s & (STA_PPSTIME | STA_PPSJITTER)) === (STA_PPSTIME | STA_PPSJITTER)
    || ((s & STA_PPSFREQ) !== 0 && (s & (STA_PPSWANDER | STA_CLOCKERR)) !== 0);
}

/** do_adjtimex on `t` (changed in place to the answer); returns the clock state or -errno. */
export function doAdjtimex(ctx: SysContext, t: Timex): number {
  const root = ctx.task.creds.capable(Cap.SYS_TIME);
  const m = t.modes;
  // timekeeping_validate_timex
  if ((m & ADJ.ADJTIME) !== 0) {
    if ((m & ADJ.OFFSET_SINGLESHOT) !== ADJ.OFFSET_SINGLESHOT) return -E.EINVAL;
    if ((m & ADJ.OFFSET_READONLY) === 0 && !root) return -E.EPERM;
  } else {
    if (m !== 0 && !root) return -E.EPERM;
    if ((m & ADJ.TICK) !== 0 && (t.tick < 900000n / 100n || t.tick > 1100000n / 100n)) return -E.EINVAL;
  }
  if ((m & ADJ.SETOFFSET) !== 0) {
    if (!root) return -E.EPERM;
    if (t.usec < 0n || t.usec >= ((m & ADJ.NANO) !== 0 ? NS : 1_000_000n)) return -E.EINVAL;
  }
  const slews = (m & ADJ.ADJTIME) !== 0 ? (m & ADJ.OFFSET_READONLY) === 0 : (m & (ADJ.OFFSET | ADJ.FREQUENCY | ADJ.TICK)) !== 0;
  if (slews) {
    ctx.log(`adjtimex modes 0x${m.toString(16)}: slewing the clock (offset, frequency, tick) is not built; returning EPERM`);
    return -E.EPERM;
  }
  const time = ctx.time, ntp = time.ntp;
  if ((m & ADJ.SETOFFSET) !== 0) {
    const delta = t.sec * NS + ((m & ADJ.NANO) !== 0 ? t.usec : t.usec * 1000n);
    const next = time.realtimeNs() + delta;
    // timekeeping_inject_offset: the clock may not go before boot or past the settable range.
    if (next - time.monotonicNs() < 0n || next / NS >= SETTOD_SEC_MAX) return -E.EINVAL;
    time.setRealtimeNs(next);
    ctx.log(`adjtimex: the guest stepped its real-time clock by ${delta} ns (the host's clock is unchanged)`);
  }
  if ((m & ADJ.ADJTIME) !== 0) {
    t.offset = 0n; // no adjtime() adjustment is ever pending
  } else {
    if ((m & ADJ.STATUS) !== 0) {
      if ((ntp.status & STA_PLL) !== 0 && (t.status & STA_PLL) === 0) ntp.status = STA_UNSYNC;
      ntp.status = (ntp.status & STA_RONLY) | (t.status & ~STA_RONLY);
    }
    if ((m & ADJ.NANO) !== 0) ntp.status |= STA_NANO;
    if ((m & ADJ.MICRO) !== 0) ntp.status &= ~STA_NANO;
    if ((m & ADJ.MAXERROR) !== 0) ntp.maxerror = clampLong(t.maxerror);
    if ((m & ADJ.ESTERROR) !== 0) ntp.esterror = clampLong(t.esterror);
    if ((m & ADJ.TIMECONST) !== 0) {
      let c = t.constant + ((ntp.status & STA_NANO) === 0 ? 4n : 0n);
      c = c > MAXTC ? MAXTC : c < 0n ? 0n : c;
      ntp.constant = Number(c);
    }
    if ((m & ADJ.TAI) !== 0 && t.constant >= 0n && t.constant <= BigInt(MAX_TAI_OFFSET)) ntp.tai = Number(t.constant);
    t.offset = 0n; // no phase offset is ever being slewed
  }
  const now = time.realtimeNs();
  const nano = (ntp.status & STA_NANO) !== 0;
  Object.assign(t, {
    freq: 0n, maxerror: BigInt(ntp.maxerror), esterror: BigInt(ntp.esterror), status: ntp.status, constant: BigInt(ntp.constant),
    precision: 1n, tolerance: TOLERANCE, tick: TICK_USEC, tai: ntp.tai,
    sec: now / NS, usec: nano ? now % NS : (now % NS) / 1000n,
  });
  return isErrorStatus(ntp.status) ? TIME_ERROR : TIME_OK;
}

const clampLong = (v: bigint): number => Number(v > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(NTP_PHASE_LIMIT) : v);

const layoutOf = (ctx: SysContext, wide: boolean): Layout => (ctx.image.is64 || wide ? LAYOUT.k64 : LAYOUT.old32);

/** adjtimex(buf): the answer is copied back even when the call fails, as Linux does. */
const adjtimex = (wide: boolean): Handler => (ctx) => {
  const p = argPtr(ctx, 0), l = layoutOf(ctx, wide);
  const t = decode(readStruct(ctx, p, l.size), l);
  const r = doAdjtimex(ctx, t);
  writeStruct(ctx, p, encode(ctx, t, l));
  return r;
};

/** clock_adjtime(clock, buf): CLOCK_REALTIME only (other clocks cannot be adjusted: EOPNOTSUPP). */
const clockAdjtime = (wide: boolean): Handler => (ctx) => {
  const id = argInt(ctx, 0), p = argPtr(ctx, 1), l = layoutOf(ctx, wide);
  const t = decode(readStruct(ctx, p, l.size), l);
  const c = clockOf(ctx, id);
  if (c === undefined) return -E.EINVAL;
  if (!c.adj || id !== CLOCK.REALTIME) return -E.EOPNOTSUPP;
  const r = doAdjtimex(ctx, t);
  if (r >= 0) writeStruct(ctx, p, encode(ctx, t, l));
  return r;
};

export const TIMEX_CALLS: Record<string, Handler> = {
  adjtimex: adjtimex(false),
  clock_adjtime: clockAdjtime(false),
  clock_adjtime64: clockAdjtime(true),
};

const NO_SLEW = "root may step the clock and set the bookkeeping; slewing (ADJ_OFFSET, ADJ_FREQUENCY, ADJ_TICK, adjtime): EPERM; no leap second is inserted";
export const TIMEX_PARTIAL: Readonly<Record<string, string>> = { adjtimex: NO_SLEW, clock_adjtime: NO_SLEW, clock_adjtime64: NO_SLEW };
