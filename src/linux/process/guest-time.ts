// What a guest sees of time and chance. Every guest clock (clock_gettime for each clock id,
// gettimeofday, time, the time base read by mftb) derives from the machine's clock: in the
// deterministic mode the virtual clock (1 cycle = 1 ns at the cost model's 1 GHz) plus a boot
// epoch, in the parallel mode real nanoseconds since boot plus the same epoch. AT_RANDOM and
// getrandom come from a seeded generator. With the same seed and epoch a deterministic run is
// the same run, byte for byte; without them the host's random source and clock at boot choose
// them, and the runner reports both in its verbose log.
//
// Root in the guest may step the guest's real-time clock (settimeofday, clock_settime, stime,
// adjtimex ADJ_SETOFFSET): that moves CLOCK_REALTIME here, never the host's clock; the
// monotonic clocks never move. The kernel's time zone (settimeofday's struct timezone) and the
// NTP bookkeeping adjtimex reports are kept here too.

import { randomBytes } from "node:crypto";
import { Xoshiro128 } from "../../machine/xoshiro.js";

/** POWER8's time-base frequency (Linux reports 512 MHz): ticks per nanosecond. */
const TB_PER_NS = 0.512;

export interface GuestTimeOptions {
  /** Seed of the guest's random generator (a 32-bit unsigned integer). */
  seed?: number;
  /** Seconds since 1970 at boot (CLOCK_REALTIME at virtual time 0). */
  epoch?: number;
}

/** A fresh seed from the host's random source. */
export function hostSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}

export class GuestTime {
  readonly seed: number;
  /** Boot epoch in nanoseconds since 1970. */
  readonly epochNs: bigint;
  private readonly rng: Xoshiro128;
  /** What the guest's clock steps added to CLOCK_REALTIME, in nanoseconds. */
  private stepNs = 0n;
  /** sys_tz: minutes west of Greenwich and the DST type (0, 0 until root sets them). */
  readonly tz = { minuteswest: 0, dsttime: 0 };
  /** adjtimex's bookkeeping (kernel/time/ntp.c's initial values): unsynchronised, no offset. */
  readonly ntp = { status: 0x0040 /* STA_UNSYNC */, maxerror: 16_000_000, esterror: 16_000_000, constant: 2, tai: 0 };

  /** `now` is the machine's clock in nanoseconds (virtual cycles or real ns since boot). */
  constructor(readonly now: () => number, opts: GuestTimeOptions) {
    this.seed = (opts.seed ?? hostSeed()) >>> 0;
    // The host's clock rounded up to a whole second (what --epoch takes): never behind the host,
    // so no host file's time is in the guest's future (`ls -l` shows such a file's year).
    const epoch = opts.epoch ?? Math.ceil(Date.now() / 1000);
    this.epochNs = BigInt(Math.floor(epoch)) * 1_000_000_000n;
    this.rng = new Xoshiro128(this.seed);
  }

  /** CLOCK_MONOTONIC (and BOOTTIME, MONOTONIC_RAW): nanoseconds since boot. */
  monotonicNs(): bigint {
    return BigInt(Math.floor(this.now()));
  }

  /** CLOCK_REALTIME: the epoch plus the time since boot, plus the guest's clock steps. */
  realtimeNs(): bigint {
    return this.epochNs + this.stepNs + this.monotonicNs();
  }

  /** Step CLOCK_REALTIME to `ns` since 1970 (the guest's clock only). */
  setRealtimeNs(ns: bigint): void {
    this.stepNs = ns - this.epochNs - this.monotonicNs();
  }

  /** The time base register (mftb). */
  timeBase(): number {
    return Math.floor(this.now() * TB_PER_NS);
  }

  /** Fill `b` with the generator's next bytes. */
  fill(b: Uint8Array): Uint8Array {
    for (let i = 0; i < b.length; i += 4) {
      const v = this.rng.u32();
      for (let k = 0; k < 4 && i + k < b.length; k++) b[i + k] = (v >>> (8 * k)) & 0xff;
    }
    return b;
  }
}
