// PPC on the booted machine (4 processors), in both run modes: same-processor handoffs and
// cross-processor calls to a server pinned on processor 0, argument validation, rights, forged
// and stale handles, kernel-stamped caller identity, server faults, one-way delivery, an
// interface built from data, a clustered object behind a handle hot-swapped under PPC load,
// handle-slot reuse only after quiescence, and the benchmark helpers.

import { test } from "node:test";
import assert from "node:assert/strict";
import { boot, type BootResult, type MachineOptions } from "../boot.js";
import { Rng, seedFromEnv } from "../../machine/power/difftest/rng.js";
import { Major, PPC } from "../trace/events.js";
import { PpcErr } from "./errors.js";

const PROGRAMS = new URL("./testing-programs.js", import.meta.url).href;
const run = (opts: MachineOptions, name: string, args?: unknown): Promise<BootResult> => boot(opts, { module: PROGRAMS, name, args });
const SEED = seedFromEnv();

function ok(r: BootResult): void {
  assert.deepEqual(r.errors, []);
  for (const c of r.cpus) assert.deepEqual(c.threadErrors, [], `cpu ${c.cpu}`);
  assert.equal(r.cpus.length, 4);
}

function events(r: BootResult, minor: number, cpu?: number): number {
  return r.events.filter((e) => e.major === Major.PPC && e.minor === minor && (cpu === undefined || e.cpu === cpu)).length;
}

interface SuiteResult {
  out: Record<string, unknown>;
  invoked: Record<string, number>;
  notes: number[];
  here: boolean;
  route: number;
  stats: { dispatched: number; refused: number; faults: number };
  ppc: { localCalls: number; remoteCalls: number; asyncSent: number; remoteServed: number };
}

const err = (code: PpcErr) => ({ err: code });
const codeOf = (v: unknown): unknown => (typeof v === "object" && v !== null && "err" in v ? { err: (v as { err: number }).err } : v);

/** Method bodies that ran, summed over processors: refused calls never reach them. */
const EXPECTED_INVOKED = {
  add: 12, echo: 4, whoami: 8, concat: 4, scale: 4, negate: 4, shape: 4, write: 5, boom: 4, badResult: 4,
  mint: 4, tag: 4, drop: 8, note: 20,
};
/** Refusals per client (24) plus the three non-owners' write on the root handle. */
const EXPECTED_REFUSED = 4 * 24 + 3;

function checkSuite(r: BootResult, pinned: boolean): void {
  ok(r);
  const res = r.cpus.map((c) => c.result as SuiteResult);
  const invoked: Record<string, number> = {};
  const notes: number[] = [];
  let refused = 0, faults = 0;
  for (const [cpu, x] of res.entries()) {
    const o = x.out;
    const where = `cpu ${cpu} (${pinned ? "pinned" : "local"})`;
    assert.equal(x.here, !pinned || cpu === 0, where);
    assert.equal(x.route, pinned ? 0 : cpu, where);
    assert.equal(o.add, 5, where);
    assert.equal(o.addNeg, cpu - 7, where);
    // arguments and results by value
    assert.deepEqual(o.echo, { sent: [1, 2, 3], back: [99, 2, 3], same: false }, where);
    assert.equal(o.concat, "abcd€");
    assert.equal(o.scale, -3);
    assert.equal(o.negate, false);
    assert.deepEqual(o.shape, { got: { a: [1, { b: null }], s: "x" }, keys: ["a", "s"] });
    // the caller's identity is the kernel's: its thread's domain and processor
    const owner = cpu === 0;
    assert.deepEqual(o.whoami, {
      caller: 100 + cpu, callerCpu: cpu, serverCpu: pinned ? 0 : cpu, rights: owner ? 0xffffffff : 1, acting: 7, sameEnv: true,
    }, where);
    assert.deepEqual(o.intruderWho, { caller: 200 + cpu, callerCpu: cpu, serverCpu: pinned ? 0 : cpu, rights: 1, acting: 7, sameEnv: true }, where);
    assert.equal(o.domainAfter, 100 + cpu, `${where}: the client acts for its own domain again after the calls`);
    // rights: the owner's vs everyone else's
    assert.deepEqual(codeOf(o.write), owner ? 42 : err(PpcErr.Rights), where);
    assert.deepEqual(codeOf(o.intruderRoot), err(PpcErr.Rights), where);
    assert.equal(o.tag, cpu * 10 + 1, where);
    assert.equal(o.mintedWrite, 10, where);
    assert.deepEqual(codeOf(o.intruderTag), err(PpcErr.Rights), where);
    // server faults become error replies; the server stays usable
    assert.deepEqual(codeOf(o.boom), err(PpcErr.ServerFault), where);
    assert.match((o.boom as { msg: string }).msg, /kaput: on purpose/);
    assert.equal(o.afterBoom, 2, where);
    assert.deepEqual(codeOf(o.badResult), err(PpcErr.BadResult), where);
    // validation, forged and stale handles
    assert.deepEqual((o.badArgs as unknown[]).map(codeOf), Array(15).fill(err(PpcErr.BadArgs)), where);
    assert.deepEqual(codeOf(o.badMethod), err(PpcErr.BadMethod), where);
    assert.deepEqual((o.forged as unknown[]).map(codeOf), Array(3).fill(err(PpcErr.Forged)), where);
    assert.deepEqual(codeOf(o.wrongSeq), err(PpcErr.Stale), where);
    assert.deepEqual(codeOf(o.noServer), err(PpcErr.NoServer), where);
    assert.equal(o.drop, true, where);
    assert.deepEqual(codeOf(o.afterDrop), err(PpcErr.Stale), where);
    assert.equal(o.dropAgain, false, where);
    assert.equal(o.noteForged, undefined, `${where}: a refused one-way call is silent`);
    for (const [m, n] of Object.entries(x.invoked)) invoked[m] = (invoked[m] ?? 0) + n;
    notes.push(...x.notes);
    refused += x.stats.refused;
    faults += x.stats.faults;
    if (pinned && cpu !== 0) {
      assert.equal(x.ppc.localCalls, 0, where);
      assert.ok(x.ppc.remoteCalls >= 35, where);
      assert.deepEqual(x.invoked, {}, `${where}: no dispatcher here`);
    } else {
      assert.equal(x.ppc.remoteCalls, 0, where);
      assert.ok(x.ppc.localCalls >= 35, where);
    }
  }
  assert.deepEqual(invoked, EXPECTED_INVOKED);
  // one-way calls: every one delivered exactly once
  const want = [0, 1, 2, 3].flatMap((c) => [0, 1, 2, 3, 4].map((i) => c * 1000 + i));
  assert.deepEqual(notes.sort((a, b) => a - b), want);
  assert.equal(refused, EXPECTED_REFUSED);
  assert.equal(faults, 8);
  // the trace: a Refused event per refusal, on the processor that refused
  assert.equal(events(r, PPC.Refused), EXPECTED_REFUSED);
  if (pinned) for (const c of [1, 2, 3]) assert.equal(events(r, PPC.Refused, c), 0);
  // every Call slice closed by a Return or an Error
  for (const c of [0, 1, 2, 3]) assert.equal(events(r, PPC.Call, c), events(r, PPC.Return, c) + events(r, PPC.Error, c), `cpu ${c}`);
}

for (const mode of ["deterministic", "parallel"] as const) {
  const m: MachineOptions = { mode, cpus: 4 };

  test(`${mode}: same-processor PPC — stubs, validation, rights, handles, identity, faults, one-way`, async () => {
    checkSuite(await run(m, "ppcSuite", { pinned: false }), false);
  });

  test(`${mode}: cross-processor PPC from cpus 1..3 to a server pinned on cpu 0 — same script, same answers`, async () => {
    checkSuite(await run(m, "ppcSuite", { pinned: true }), true);
  });

  for (const pinned of [false, true]) {
    test(`${mode}: a server that throws is contained and restarted, ${pinned ? "remote callers (cpu 1 → cpu 0)" : "same-processor callers"}: ServerFault, never a hang`, { timeout: 120_000 }, async () => {
      const r = await run(m, "ppcFaults", { pinned });
      ok(r);
      assert.equal(r.deadlock, undefined);
      type X = { log: [string, unknown][]; builds: number; restarts: number; faults: number; here: boolean };
      const res = r.cpus.map((c) => c.result as X);
      const fault = (re: RegExp) => ({ err: PpcErr.ServerFault, re });
      const want: [string, unknown][] = [
        ["add 5", 5],
        ["boom", fault(/Flaky\.boom: boom on cpu \d/)],
        ["add 1 after boom", 1], // a fresh object: the fault's state is gone
        ["add 4", 5],
        ["boomLater", fault(/late boom/)], // thrown after the method blocked
        ["add 1 after boomLater", 1],
        ["throwValue", fault(/Flaky\.throwValue: 42/)],
        ["add 2 after throwValue", 2],
        ["refuse", { err: PpcErr.Errno, re: /errno: 5/ }], // a refusal is no fault: no restart
        ["add 3 after refuse", 5],
        ["failNextRestart", null],
        ["boom, restart fails", fault(/boom on cpu \d \(restart failed: factory refuses this once\)/)],
        ["add 1 without an object", fault(/Flaky has no implementation object/)], // and it restarts again
        ["add 2 restarted", 2],
        ["add 7 after the one-way fault", 7],
      ];
      for (const [cpu, x] of res.entries()) {
        const client = pinned ? cpu === 1 : true;
        const server = pinned ? cpu === 0 : true;
        if (!client) assert.deepEqual(x.log, [], `cpu ${cpu}`);
        else {
          assert.deepEqual(x.log.map(([w]) => w), want.map(([w]) => w), `cpu ${cpu}`);
          for (const [i, [what, got]] of x.log.entries()) {
            const exp = want[i][1];
            if (typeof exp === "object" && exp !== null && "re" in exp) {
              const e = exp as { err: number; re: RegExp };
              assert.equal((got as { err: number }).err, e.err, `cpu ${cpu} ${what}`);
              assert.match((got as { msg: string }).msg, e.re, `cpu ${cpu} ${what}`);
            } else assert.deepEqual(got, exp, `cpu ${cpu} ${what}`);
          }
        }
        // restarts: boom, boomLater, throwValue, the failed one, the call without an object, the one-way fault
        if (server) assert.deepEqual([x.restarts, x.builds, x.faults], [6, 6, 6], `cpu ${cpu}`);
        else assert.deepEqual([x.restarts, x.here], [0, false], `cpu ${cpu}`);
      }
    });
  }

  test(`${mode}: an interface built from data works with no per-method code (seed ${SEED})`, async () => {
    const rng = new Rng(SEED);
    const names = [...new Set(Array.from({ length: 2 + rng.below(6) }, () => `m${rng.u32().toString(36)}`))];
    for (const pinned of [false, true]) {
      const r = await run(m, "ppcDerived", { names, pinned });
      ok(r);
      for (const c of r.cpus) {
        const x = c.result as { got: string[]; numbers: [string, number][] };
        assert.deepEqual(x.got, names.map((n) => `${n}(c${c.cpu},${c.cpu})`), `seed ${SEED} cpu ${c.cpu}`);
        assert.deepEqual(x.numbers, names.map((n, i) => [n, i]));
      }
    }
  });

  test(`${mode}: a clustered object behind a handle is hot-swapped while PPCs flow; no call lost`, async () => {
    const r = await run(m, "ppcSwap", { iters: 200, swaps: 2 });
    ok(r);
    type X = { added: number; seen: string[]; swapped: number; total: number; finalImpl: string; objectCalls: number };
    const res = r.cpus.map((c) => c.result as X);
    assert.equal(res[0].swapped, 2);
    const added = res.reduce((n, x) => n + x.added, 0);
    for (const x of res) {
      assert.equal(x.total, added, "every increment counted once, across 2 swaps");
      assert.equal(x.finalImpl, "ppc-counter-A");
      assert.ok(x.added >= 200, `${x.added} increments`);
      assert.ok(x.objectCalls >= x.added, "PPC calls went through the clustered-object layer");
    }
    assert.ok(res[0].added < 200 * 1000, "processor 0's client stopped because the swapper finished");
    assert.deepEqual(res[0].seen, ["ppc-counter-A", "ppc-counter-B"], "calls ran on both implementations");
  });

  test(`${mode}: a revoked handle's slot is reused only after quiescence, with a new sequence number`, async () => {
    const r = await run(m, "ppcReuse");
    ok(r);
    const log = (r.cpus[1].result as { log: Record<string, unknown>[] }).log;
    const a = 1 * 256 + 1;
    assert.deepEqual(log[0], { a, tag: 11 });
    assert.deepEqual(log[1], { revoked: true, again: false, reusableNow: 0 });
    assert.equal(log[2].b, 2 * 256 + 1, "not reused before quiescence");
    assert.deepEqual(codeOf(log[2].tagA), err(PpcErr.Stale));
    assert.deepEqual(log[3], { waitedForQuiescence: true, reusable: 1, quiesced: true }, "reusable only after a global quiescence");
    assert.equal(log[4].c, 1 * 256 + 2, "reused after quiescence with seq + 1");
    assert.deepEqual(codeOf(log[4].tagA), err(PpcErr.Stale), "the old handle stays stale");
    assert.equal(log[4].tagC, 33);
    assert.equal(log[4].tagB, 22);
    assert.deepEqual(log[5], { retiredAfter: 255, last: -1, allStale: true });
    assert.match(String(log[6].full), /full/);
  });

  test(`${mode}: benchmark helpers run n null PPCs, local and cross-processor`, async () => {
    const r = await run(m, "ppcNull", { n: 200 });
    ok(r);
    for (const c of r.cpus) {
      const x = c.result as { local: number; remote?: number; ppc: { localCalls: number; remoteCalls: number } };
      assert.equal(x.local, 200);
      assert.equal(x.ppc.localCalls, 200);
      if (c.cpu !== 0) {
        assert.equal(x.remote, 200);
        assert.equal(x.ppc.remoteCalls, 200);
      }
    }
  });
}

test("deterministic: the same run twice is the same run", async () => {
  const a = await run({ mode: "deterministic", cpus: 4 }, "ppcSuite", { pinned: true });
  const b = await run({ mode: "deterministic", cpus: 4 }, "ppcSuite", { pinned: true });
  assert.deepEqual(a.run, b.run);
  assert.equal(a.events.length, b.events.length);
});
