// Quiescence by generation counts (K42's ActiveThrdCnt and COSMgr token ring; think RCU).
//
// Local: a thread is *active* while it is inside a clustered-object call (coDepth > 0); it
// counts in the generation that was current when it became active. advance() switches the
// current generation only when the other one has no active threads, and bumps genCount each
// time. A marker is a genCount snapshot; it has *elapsed* once genCount >= marker + 2: every
// thread that was active at the marker has since left the object layer.
//
// Global: a token visits the processors in a ring. A processor passes it on only after its own
// genCount advanced by 2 since the token arrived; processor 0 increments the global generation
// (shared memory) each time the token comes back. A global marker elapses when the global
// generation reaches marker + 2. The token only circulates while someone waits for a global
// marker (demand > 0); otherwise it is parked at processor 0.
//
// Shared words (kernel control block, changed only with Atomics):
//   CTL_GLOBAL_GEN, CTL_TOKEN_DEMAND, CTL_TOKEN_PARKED (1 = parked at processor 0)

import type { ProcessorPort } from "../../machine/port.js";
import type { Messenger } from "../messenger.js";
import { MsgKind } from "../messenger.js";
import type { Thread } from "../sched/thread.js";
import type { SharedWords } from "../shared.js";

export const CTL_GLOBAL_GEN = 0, CTL_TOKEN_DEMAND = 1, CTL_TOKEN_PARKED = 2;

export class Quiescence {
  /** Active-thread counts of the two generations. */
  private readonly active = [0, 0];
  private cur = 0;
  /** Local generation count (advances). */
  genCount = 0;
  private holdingToken = false;
  private tokenArrivalGen = 0;
  tokensPassed = 0;

  constructor(
    private readonly port: ProcessorPort,
    private readonly msg: Messenger,
    private readonly ctl: SharedWords,
  ) {
    msg.on(MsgKind.Token, (_from, body) => this.tokenArrived(body === 1));
  }

  /** A thread enters the object layer (coDepth 0 → 1). */
  activate(t: Thread): void {
    t.gen = this.cur;
    this.active[this.cur]++;
  }

  /** A thread leaves the object layer (coDepth 1 → 0). */
  deactivate(t: Thread): void {
    this.active[t.gen]--;
  }

  /**
   * The token passed to this processor itself (a machine of one processor) where such a
   * message could be received at once (the parallel mode): it arrives at the next quiescent
   * point instead. Sent through the ring it would be received in the same poll, again and again
   * for as long as someone waits: the processor would never leave that poll. (In the
   * deterministic mode the message's latency spaces the rounds; it goes as a message there.)
   */
  private tokenToSelf = false;

  /** Try to switch generations (called at every quiescent point: between thread steps, when idle). */
  advance(): void {
    if (this.tokenToSelf) {
      this.tokenToSelf = false;
      this.tokenArrived(false);
    }
    const other = this.cur ^ 1;
    if (this.active[other] === 0) {
      this.cur = other;
      this.genCount++;
    }
    if (this.holdingToken && this.genCount >= this.tokenArrivalGen + 2) this.passToken();
  }

  /**
   * True when this processor holds the token and could pass it by advancing (no active threads),
   * or passed it to itself: either way the next quiescent point moves it, so the processor has
   * work (a machine of one processor must not go idle with the token in hand).
   */
  get tokenCanMove(): boolean {
    return this.tokenToSelf || (this.holdingToken && this.active[0] + this.active[1] === 0);
  }

  get activeThreads(): number {
    return this.active[0] + this.active[1];
  }

  localMarker(): number {
    return this.genCount;
  }

  localElapsed(marker: number): boolean {
    return this.genCount >= marker + 2;
  }

  get globalGen(): number {
    return this.ctl.load(CTL_GLOBAL_GEN);
  }

  globalElapsed(marker: number): boolean {
    return this.globalGen >= marker + 2;
  }

  /** Take a global marker and keep the token moving until releaseDemand(). */
  globalMarker(): number {
    const m = this.globalGen;
    this.ctl.add(CTL_TOKEN_DEMAND, 1);
    if (this.ctl.cas(CTL_TOKEN_PARKED, 1, 0) === 1) this.msg.send(0, MsgKind.Token, 1); // a kick, not a return
    return m;
  }

  releaseDemand(): void {
    this.ctl.add(CTL_TOKEN_DEMAND, -1);
  }

  private tokenArrived(kick: boolean): void {
    if (this.port.cpu === 0 && !kick) {
      this.ctl.add(CTL_GLOBAL_GEN, 1);
      if (this.ctl.load(CTL_TOKEN_DEMAND) === 0) {
        this.ctl.store(CTL_TOKEN_PARKED, 1);
        // Someone may have asked between the check and the park: take it back if so.
        if (this.ctl.load(CTL_TOKEN_DEMAND) === 0 || this.ctl.cas(CTL_TOKEN_PARKED, 1, 0) !== 1) return;
      }
    }
    this.holdingToken = true;
    this.tokenArrivalGen = this.genCount;
    this.advance();
    this.advance();
  }

  private passToken(): void {
    this.holdingToken = false;
    this.tokensPassed++;
    const next = (this.port.cpu + 1) % this.port.topology.cpus;
    if (next === this.port.cpu && this.port.selfSendImmediate) this.tokenToSelf = true;
    else this.msg.send(next, MsgKind.Token);
  }
}
