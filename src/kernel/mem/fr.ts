// FR: the representative of a memory object's backing store, which an FCM asks for a page's
// contents when the page is not in its cache (K42's FR classes: FRComputation for anonymous
// memory, FRPA for files reached through a file server). Anonymous memory is "computed": a
// page that was never written is zeros, and the frames the page allocator hands out are
// already zeroed, so pageIn has nothing to read. Files have FRFile (fr-file.ts), which reads
// through the file's pager asynchronously.
//
// FRComputation is one well-known object serving all anonymous memory; each rep counts the
// pages it supplied on its processor (K42 kept such statistics per rep).

import { RootKind, type ObjectType, type RepContext } from "../cos/types.js";
import type { SharedWords } from "../shared.js";

export interface FR {
  /** Kind of memory object, for /proc/PID/maps-style descriptions and traces. */
  readonly kind: "anonymous" | "file";
  /**
   * Fill frame `pa` (zeroed) with the contents of the object's page `page`. Returns "done" when
   * the frame holds the page now; "in progress" (files) makes the fault wait outside every
   * object and retry.
   */
  pageIn(pa: number, page: number): "done" | "in progress";
  /** Pages supplied through this rep. */
  supplied(): number;
}

class ComputationRep implements FR {
  readonly kind = "anonymous";
  constructor(private readonly w: SharedWords) {}
  pageIn(_pa: number, _page: number): "done" {
    this.w.add(0, 1);
    return "done";
  }
  supplied(): number {
    return this.w.load(0);
  }
}

export const FRComputation: ObjectType<FR> = {
  id: 0x211,
  name: "FRComputation",
  kind: RootKind.PerProcessor,
  sharedBytes: 4,
  create: (ctx: RepContext) => new ComputationRep(ctx.shared as SharedWords),
  gatherOps: { supplied: (r) => r.supplied() },
};
