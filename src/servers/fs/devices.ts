// The character devices the file servers drive themselves: the memory devices of Linux's
// drivers/char/mem.c and random.c — null (1:3), zero (1:5), full (1:7), random (1:8), urandom
// (1:9). random and urandom come from a generator seeded at start, so a deterministic run reads
// the same bytes every time. The terminal devices tty (5:0) and console (5:1) belong to the
// Linux personality, which owns the console and the pseudo-terminals (ptmx 5:2, pts 136:N) and
// opens them itself.

import { Errno, fail } from "./errno.js";
import type { DeviceIo, DeviceTable } from "./memfs/open.js";

export const dev = (major: number, minor: number): number => (major << 8) | minor;

export const DEV_NULL = dev(1, 3);
export const DEV_ZERO = dev(1, 5);
export const DEV_FULL = dev(1, 7);
export const DEV_RANDOM = dev(1, 8);
export const DEV_URANDOM = dev(1, 9);
export const DEV_TTY = dev(5, 0);
export const DEV_CONSOLE = dev(5, 1);
export const DEV_PTMX = dev(5, 2);

/** Largest single read of a device (a short read is a device's right; the client loops). */
export const MAX_DEVICE_READ = 1 << 20;

/** xoshiro128** seeded through splitmix32: small, fast, and the same stream for the same seed. */
export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    // Also mix in the high bits of a seed beyond 32 bits.
    this.s3 ^= Math.floor(seed / 2 ** 32) >>> 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  u32(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  fill(b: Uint8Array): void {
    for (let i = 0; i < b.length; i += 4) {
      let v = this.u32();
      for (let j = i; j < Math.min(i + 4, b.length); j++) {
        b[j] = v & 0xff;
        v >>>= 8;
      }
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

const NULL_IO: DeviceIo = { read: () => new Uint8Array(0), write: (_p, d) => d.length };
const ZERO_IO: DeviceIo = { read: (_p, n) => new Uint8Array(Math.min(n, MAX_DEVICE_READ)), write: (_p, d) => d.length };
const FULL_IO: DeviceIo = {
  read: (_p, n) => new Uint8Array(Math.min(n, MAX_DEVICE_READ)),
  write: (_p, d) => (d.length === 0 ? 0 : fail(Errno.ENOSPC, "/dev/full")),
};

/** The memory devices, with one random generator shared by random and urandom. */
export class MemoryDevices implements DeviceTable {
  private readonly random: DeviceIo;

  constructor(seed: number) {
    const rng = new Prng(seed);
    this.random = {
      read: (_p, n) => {
        const b = new Uint8Array(Math.min(n, MAX_DEVICE_READ));
        rng.fill(b);
        return b;
      },
      // Writing to the pool is allowed (it only adds entropy); the stream stays seeded.
      write: (_p, d) => d.length,
    };
  }

  open(rdev: number): DeviceIo | undefined {
    switch (rdev) {
      case DEV_NULL:
        return NULL_IO;
      case DEV_ZERO:
        return ZERO_IO;
      case DEV_FULL:
        return FULL_IO;
      case DEV_RANDOM: case DEV_URANDOM:
        return this.random;
      case DEV_TTY: case DEV_CONSOLE:
        return fail(Errno.ENXIO, "the terminal is opened by the Linux personality, not the file server");
      case DEV_PTMX:
        return fail(Errno.ENODEV, "pseudo-terminals are opened by the Linux personality, not the file server");
      default:
        return undefined;
    }
  }
}
