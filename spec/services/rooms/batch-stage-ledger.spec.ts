import { expect } from "chai";
import type { Pdu } from "../../../src/room/pdu.js";
import { BatchStageLedger, rangeOf } from "../../../src/services/rooms/batch-stage-ledger.js";
import type { BatchStage, StageEvent } from "../../../src/services/rooms/event-persister-types.js";

const at = (...orderings: number[]): StageEvent[] =>
  orderings.map((streamOrdering) => ({ pdu: {} as Pdu, streamOrdering, groups: null, visible: true }));

describe("services/rooms/batch-stage-ledger", () => {
  it("is caught up only when nothing unstaged lies above the follower and no declined batch is in flight", () => {
    const ledger = new BatchStageLedger();
    const persister = { added: [] as BatchStage[], addBatchStage(s: BatchStage) { this.added.push(s); }, removeBatchStage(s: BatchStage) { this.added = this.added.filter((x) => x !== s); } };
    const stage: BatchStage = { stage: async () => null };
    // Not attached: every announced position is unstaged.
    ledger.announced(5, "local");
    expect(ledger.caughtUp(4)).to.equal(false);
    expect(ledger.caughtUp(5)).to.equal(true);
    ledger.attach(persister, stage);
    expect(ledger.attached).to.equal(true);
    expect(persister.added).to.deep.equal([stage]);
    ledger.announced(8, "local");
    expect(ledger.caughtUp(5)).to.equal(true);
    ledger.announced(9, "remote");
    expect(ledger.caughtUp(8)).to.equal(false);
    expect(ledger.caughtUp(9)).to.equal(true);

    const declined = ledger.decline(at(10, 12), false)!;
    expect(ledger.caughtUp(9)).to.equal(false);
    declined.committed();
    // Its events are to be read now.
    expect(ledger.caughtUp(9)).to.equal(false);
    expect(ledger.caughtUp(12)).to.equal(true);
    ledger.decline(at(13), false)!.rolledBack();
    expect(ledger.caughtUp(12)).to.equal(true);
    expect(ledger.decline(at(14), true)).to.equal(null);
    ledger.detach(stage);
    expect(persister.added).to.deep.equal([]);
  });

  it("remembers committed staged ranges until the follower passes them", () => {
    const ledger = new BatchStageLedger();
    ledger.committed([20, 22]);
    ledger.committed([10, 11]);
    expect([9, 10, 11, 12, 20, 21, 22, 23].filter((p) => ledger.isStaged(p))).to.deep.equal([10, 11, 20, 21, 22]);
    ledger.advanced(15);
    expect(ledger.isStaged(10)).to.equal(false);
    expect(ledger.isStaged(21)).to.equal(true);
    expect(rangeOf(at(7, 3, 5))).to.deep.equal([3, 7]);
  });
});
