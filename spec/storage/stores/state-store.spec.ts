import { expect } from "chai";
import type { QueryRunner } from "typeorm";
import { EventsStore } from "../../../src/storage/stores/events-store.js";
import { StateStore } from "../../../src/storage/stores/state-store.js";
import { stateMapKey } from "../../../src/room/state-map.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { rejection } from "../rejection.js";

const ROOM = "!room:hs.test";
const member = (user: string) => stateMapKey("m.room.member", user);
const CREATE = stateMapKey("m.room.create", "");
const TOPIC = stateMapKey("m.room.topic", "");

function plain(state: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...state].sort(([a], [b]) => (a < b ? -1 : 1)));
}

withAllDatabases("StateStore", (getDb) => {
  let store: StateStore;
  beforeEach(() => {
    store = new StateStore(getDb());
  });

  const insert = (prev: number | null, delta: Map<string, string | null>, s: StateStore = store, roomId = ROOM) =>
    runInTransaction(getDb(), (tx) => s.insertStateGroup(tx, roomId, prev, delta));

  it("stores a snapshot and reads it back, from cache and from the database", async () => {
    const state = new Map([[CREATE, "$create"], [member("@a:hs.test"), "$ja"], [stateMapKey("m.weird", "key 'with' \"quotes\" ☃ and ?"), "$w"]]);
    const id = await insert(null, state);
    expect(id).to.be.a("number");
    expect(plain(await store.selectStateGroup(id))).to.deep.equal(plain(state));
    expect(plain(await new StateStore(getDb()).selectStateGroup(id))).to.deep.equal(plain(state));
  });

  it("resolves delta chains with additions, replacements and removals", async () => {
    const reference = new Map<string, string>([[CREATE, "$create"], [member("@a:hs.test"), "$ja"]]);
    const groups: { id: number; state: Map<string, string> }[] = [];
    let prev = await insert(null, new Map(reference));
    groups.push({ id: prev, state: new Map(reference) });
    const deltas: Map<string, string | null>[] = [
      new Map([[member("@b:hs.test"), "$jb"]]),
      new Map([[TOPIC, "$t1"], [member("@a:hs.test"), "$leave_a"]]),
      new Map<string, string | null>([[member("@b:hs.test"), null], [stateMapKey("m.room.name", ""), "$n"]]),
      new Map<string, string | null>([[TOPIC, null], [member("@b:hs.test"), "$jb2"], [member("@ghost:hs.test"), null]]),
    ];
    for (const delta of deltas) {
      for (const [key, eventId] of delta) {
        if (eventId === null) reference.delete(key);
        else reference.set(key, eventId);
      }
      prev = await insert(prev, delta);
      groups.push({ id: prev, state: new Map(reference) });
    }
    for (const reader of [store, new StateStore(getDb())]) {
      for (const group of [...groups].reverse()) {
        expect(plain(await reader.selectStateGroup(group.id))).to.deep.equal(plain(group.state));
      }
    }
    // Only deltas were written for the later groups.
    const rows = (await getDb().query("SELECT prev_state_group, delta_depth FROM state_groups ORDER BY id")) as { delta_depth: unknown }[];
    expect(rows.map((row) => Number(row.delta_depth))).to.deep.equal([0, 1, 2, 3, 4]);
    const [{ n }] = (await getDb().query("SELECT COUNT(*) AS n FROM state_group_entries")) as [{ n: unknown }];
    expect(Number(n)).to.equal(2 + 1 + 2 + 2 + 3);
  });

  it("returns the previous group for an empty delta", async () => {
    const id = await insert(null, new Map([[CREATE, "$c"]]));
    expect(await insert(id, new Map())).to.equal(id);
  });

  it("writes a snapshot instead of a delta once the chain reaches maxDeltaDepth", async () => {
    const shallow = new StateStore(getDb(), { maxDeltaDepth: 2 });
    let id = await insert(null, new Map([[CREATE, "$c"]]), shallow);
    for (const n of [1, 2, 3, 4]) id = await insert(id, new Map<string, string | null>([[member(`@u${n}:hs.test`), `$j${n}`], [member(`@u${n - 1}:hs.test`), null]]), shallow);
    const rows = (await getDb().query("SELECT prev_state_group, delta_depth FROM state_groups ORDER BY id")) as { prev_state_group: unknown; delta_depth: unknown }[];
    expect(rows.map((row) => [row.prev_state_group === null, Number(row.delta_depth)])).to.deep.equal([
      [true, 0], [false, 1], [false, 2], [true, 0], [false, 1],
    ]);
    const expected = new Map([[CREATE, "$c"], [member("@u4:hs.test"), "$j4"]]);
    expect(plain(await shallow.selectStateGroup(id))).to.deep.equal(plain(expected));
    expect(plain(await new StateStore(getDb(), { maxDeltaDepth: 2 }).selectStateGroup(id))).to.deep.equal(plain(expected));
  });

  it("keeps writing deltas past maxDeltaDepth until the chain is as long as the state is large", async () => {
    const shallow = new StateStore(getDb(), { maxDeltaDepth: 2 });
    const members = new Map<string, string>();
    for (let i = 0; i < 6; i++) members.set(member(`@m${i}:hs.test`), `$m${i}`);
    let id = await insert(null, members, shallow);
    // State of 7-8 entries: deltas until the chain has as many hops, then one snapshot.
    for (let n = 0; n < 9; n++) id = await insert(id, new Map([[member(`@n${n % 2}:hs.test`), `$n${n}`]]), shallow);
    const rows = (await getDb().query("SELECT prev_state_group, delta_depth FROM state_groups ORDER BY id")) as { prev_state_group: unknown; delta_depth: unknown }[];
    expect(rows.map((row) => Number(row.delta_depth))).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 0]);
    const [{ n }] = (await getDb().query("SELECT COUNT(*) AS n FROM state_group_entries")) as [{ n: unknown }];
    expect(Number(n)).to.equal(6 + 8 + 8);
    const cold = await new StateStore(getDb(), { maxDeltaDepth: 2 }).selectStateGroup(id);
    expect(cold.size).to.equal(8);
    expect(cold.get(member("@n0:hs.test"))).to.equal("$n8");
  });

  it("reads a group derived from a cached one without reading the chain again", async () => {
    const members = new Map<string, string>();
    for (let i = 0; i < 1000; i++) members.set(member(`@u${i}:hs.test`), `$j${i}`);
    const base = await insert(null, members);
    await store.selectStateGroup(base);
    const next = await insert(base, new Map<string, string | null>([[member("@u0:hs.test"), null], [TOPIC, "$t"]]));
    // Sabotage the stored snapshot: only a read that never touches it still gets it right.
    await getDb().query("DELETE FROM state_group_entries WHERE state_group = " + String(base));
    const state = await store.selectStateGroup(next);
    expect(state.size).to.equal(1000);
    expect(state.get(TOPIC)).to.equal("$t");
    expect(state.has(member("@u0:hs.test"))).to.equal(false);
    expect(state.get(member("@u999:hs.test"))).to.equal("$j999");
    // A cold reader does go to the database (and now sees the damage).
    expect((await new StateStore(getDb()).selectStateGroup(next)).size).to.equal(1);
  });

  it("caches the full state its caller passes for a new group, as it is", async () => {
    const base = await insert(null, new Map([[CREATE, "$c"]]));
    const delta = new Map([[TOPIC, "$t"]]);
    const state = (await store.selectStateGroup(base)).withDelta(delta);
    const id = await runInTransaction(getDb(), (tx) => store.insertStateGroup(tx, ROOM, base, delta, state));
    expect(await store.selectStateGroup(id)).to.equal(state);
    expect(plain(await new StateStore(getDb()).selectStateGroup(id))).to.deep.equal(plain(state));
  });

  it("writes a transaction's groups in one statement per table before commit, and reads them back inside it", async () => {
    const statements: string[] = [];
    let runner: QueryRunner | undefined;
    let query: QueryRunner["query"] | undefined;
    let last = 0;
    try {
      await runInTransaction(getDb(), async (tx) => {
        runner = tx.queryRunner!;
        const original = (query = runner.query);
        runner.query = function (this: QueryRunner, sql: string, ...rest: unknown[]) {
          statements.push(sql);
          return (original as (...args: unknown[]) => Promise<unknown>).call(this, sql, ...rest);
        } as QueryRunner["query"];
        last = await store.insertStateGroup(tx, ROOM, null, new Map([[CREATE, "$c"]]));
        for (let i = 0; i < 100; i++) last = await store.insertStateGroup(tx, ROOM, last, new Map([[member(`@u${i}:hs.test`), `$j${i}`]]));
        expect(statements.filter((sql) => sql.startsWith("INSERT INTO state_group"))).to.deep.equal([]);
        // A store that never saw these groups reads them from the database, inside the transaction.
        expect((await new StateStore(getDb()).selectStateGroup(last, tx)).size).to.equal(101);
      });
    } finally {
      if (runner && query) runner.query = query;
    }
    // Multi-row INSERTs: one per table on PostgreSQL, a few on SQLite (at most 32 rows each, see
    // Dialect.insertMany), never one per group.
    const rowsPerInsert = (table: string): number[] => statements.filter((sql) => sql.startsWith(`INSERT INTO ${table} `)).map((sql) => sql.split("), (").length);
    expect(rowsPerInsert("state_groups").reduce((a, b) => a + b, 0)).to.equal(101);
    expect(rowsPerInsert("state_groups")).to.have.length.at.most(5);
    expect(rowsPerInsert("state_group_entries")).to.have.length.at.most(5);
    const cold = await new StateStore(getDb()).selectStateGroup(last);
    expect(cold.size).to.equal(101);
    expect(cold.get(member("@u99:hs.test"))).to.equal("$j99");
  });

  it("never caches a group whose transaction rolled back", async () => {
    let rolledBackId = -1;
    const aborted = await rejection(
      runInTransaction(getDb(), async (tx) => {
        rolledBackId = await store.insertStateGroup(tx, ROOM, null, new Map([[TOPIC, "$gone"]]));
        expect((await store.selectStateGroup(rolledBackId, tx)).get(TOPIC)).to.equal("$gone");
        throw new Error("abort");
      }),
    );
    expect(String(aborted)).to.match(/abort/);
    // Written by another store instance, so `store` can only know it from the database
    // (SQLite hands the rolled-back ID out again).
    const id = await insert(null, new Map([[TOPIC, "$kept"]]), new StateStore(getDb()));
    expect((await store.selectStateGroup(id)).get(TOPIC)).to.equal("$kept");
    if (id !== rolledBackId) {
      expect(String(await rejection(store.selectStateGroup(rolledBackId)))).to.match(/unknown state group/);
    }
  });

  it("refuses a previous group from another room, and unknown groups", async () => {
    const id = await insert(null, new Map([[CREATE, "$c"]]));
    expect(String(await rejection(insert(id, new Map([[TOPIC, "$t"]]), new StateStore(getDb()), "!elsewhere:hs.test")))).to.match(/belongs to/);
    expect(String(await rejection(store.selectStateGroup(id + 1000)))).to.match(/unknown state group/);
  });

  it("records the state groups before and after events", async () => {
    const g1 = await insert(null, new Map([[CREATE, "$create"]]));
    const g2 = await insert(g1, new Map([[TOPIC, "$topic"]]));
    await runInTransaction(getDb(), async (tx) => {
      const event = (eventId: string, depth: number) =>
        ({ eventId, roomId: ROOM, type: "m.room.topic", stateKey: "", sender: "@a:hs.test", depth, originServerTs: depth, json: "{}" });
      const [topic, msg] = await new EventsStore(getDb()).insertEvents(tx, [event("$topic", 1), event("$msg", 2), event("$outlier", 3)]);
      await store.insertEventStateGroups(tx, [
        { streamOrdering: topic!, stateGroupBefore: g1, stateGroupAfter: g2 },
        { streamOrdering: msg!, stateGroupBefore: g2, stateGroupAfter: g2 },
      ]);
    });
    expect(await store.selectEventStateGroups(["$topic", "$msg", "$outlier"])).to.deep.equal(
      new Map([
        ["$topic", { eventId: "$topic", stateGroupBefore: g1, stateGroupAfter: g2 }],
        ["$msg", { eventId: "$msg", stateGroupBefore: g2, stateGroupAfter: g2 }],
      ]),
    );
    expect(await store.selectEventStateGroups([])).to.deep.equal(new Map());
  });
});
