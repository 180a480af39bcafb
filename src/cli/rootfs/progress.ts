// What a root build shows while it works: a progress bar per phase on a terminal (the
// cli-progress package), one line per phase otherwise (logs, CI, tests), or nothing.

import cliProgress from "cli-progress";

export type Unit = "bytes" | "packages";

export interface Progress {
  /** A phase of `total` units begins. */
  start(phase: string, total: number, unit: Unit): void;
  /** `done` of the phase's total units are done. */
  update(done: number): void;
  /** The phase ends; `summary` says what it did. */
  stop(summary: string): void;
  /** Something the user should know that does not stop the build. */
  warn(message: string): void;
}

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} B`;
}

const amount = (n: number, unit: Unit): string => (unit === "bytes" ? formatBytes(n) : `${n}`);

/** No output at all. */
export const silentProgress: Progress = { start() {}, update() {}, stop() {}, warn() {} };

/** One line when a phase starts and one when it ends. */
export function lineProgress(write: (line: string) => void): Progress {
  let t0 = 0;
  return {
    start(phase, total, unit) {
      t0 = Date.now();
      write(`k42 rootfs: ${phase}${total > 0 && unit === "bytes" ? ` (${amount(total, unit)})` : ""}…`);
    },
    update() {},
    stop(summary) {
      write(`k42 rootfs: ${summary} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    },
    warn(message) {
      write(`k42 rootfs: warning: ${message}`);
    },
  };
}

/** A bar on a terminal stream (standard error), replaced by the phase's summary line. */
export function barProgress(stream: NodeJS.WriteStream): Progress {
  let bar: cliProgress.SingleBar | undefined;
  let unit: Unit = "packages";
  let total = 0, t0 = 0;
  return {
    start(phase, all, u) {
      unit = u;
      total = all;
      t0 = Date.now();
      if (all === 0) {
        // nothing to count: a line says what is going on
        stream.write(`k42 rootfs: ${phase}…\n`);
        return;
      }
      bar = new cliProgress.SingleBar({
        stream, format: `k42 rootfs: ${phase} [{bar}] {percentage}% {done}/{all}`, hideCursor: true, clearOnComplete: true, barsize: 30,
      }, cliProgress.Presets.shades_classic);
      bar.start(Math.max(1, all), 0, { done: amount(0, unit), all: amount(all, unit) });
    },
    update(done) {
      bar?.update(Math.min(done, Math.max(1, total)), { done: amount(done, unit), all: amount(total, unit) });
    },
    stop(summary) {
      if (bar !== undefined) bar.stop();
      bar = undefined;
      stream.write(`k42 rootfs: ${summary} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    },
    warn(message) {
      stream.write(`k42 rootfs: warning: ${message}\n`);
    },
  };
}

/** Bars on a terminal, lines otherwise. */
export function stderrProgress(): Progress {
  return process.stderr.isTTY ? barProgress(process.stderr) : lineProgress((l) => process.stderr.write(l + "\n"));
}
