import { expect } from "chai";
import { StreamOrderingTracker } from "../../../src/services/rooms/event-persister-positions.js";

describe("StreamOrderingTracker", () => {
  it("holds a notification back until every lower ordering has settled", () => {
    const tracker = new StreamOrderingTracker();
    const sent: number[] = [];
    const note = (position: number) => ({ position, send: () => void sent.push(position) });
    tracker.register(1, 3);
    tracker.register(4, 4);
    tracker.register(5, 6);
    tracker.settle(4, 4, [note(4)]);
    expect(sent).to.deep.equal([]);
    expect(tracker.persistedUpTo).to.equal(0);
    tracker.settle(5, 6, [note(6)]);
    expect(sent).to.deep.equal([]);
    tracker.settle(1, 3, [note(3)]);
    expect(sent).to.deep.equal([3, 4, 6]);
    expect(tracker.persistedUpTo).to.equal(6);
  });

  it("lets a rolled-back range go without a notification", () => {
    const tracker = new StreamOrderingTracker();
    const sent: number[] = [];
    tracker.register(1, 2);
    tracker.register(3, 3);
    tracker.settle(3, 3, [{ position: 3, send: () => void sent.push(3) }]);
    tracker.settle(1, 2, []);
    expect(sent).to.deep.equal([3]);
  });
});
