// Real-client scenario: the official @getzep/zep-js 0.10.0 client against the Sessions API
// (and the user <-> session links). Not part of `npm test` until the server implements sessions:
// run with `npm run test:sessions` or `npm run test:all`.
// Contract: /work/shared/design/api.md.
//
// Note: the zep-js Session model copies uuid, created_at, updated_at, deleted_at, session_id,
// metadata and user_id, but NOT `id`. Session ids (and therefore keyset order) are checked with a
// plain HTTP GET next to the client (rawGetJson), and labelled as such.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ZepClient, Session, NotFoundError } from "@getzep/zep-js";
import {
  BASE_URL,
  uid,
  eventually,
  assertNotFound,
  assertBadRequest,
  assertTimestamp,
  UUID_RE,
  collectChunks,
  rawGetJson,
} from "./helpers.mjs";

/** @type {ZepClient} */
let client;
const createdUsers = new Set();
const createdSessions = new Set();

async function addUser(label) {
  const user_id = uid(label);
  const user = await client.user.add({ user_id });
  createdUsers.add(user_id);
  return user;
}

async function addSession(label, fields = {}) {
  const session_id = uid(label);
  const session = await client.memory.addSession(new Session({ session_id, ...fields }));
  createdSessions.add(session_id);
  return session;
}

before(async () => {
  client = await ZepClient.init(BASE_URL);
});

after(async () => {
  if (process.env.ZEP_KEEP_DATA === "1" || !client) return;
  const ignoreNotFound = (err) => {
    if (!(err instanceof NotFoundError)) throw err;
  };
  for (const id of createdSessions) await client.memory.deleteMemory(id).catch(ignoreNotFound);
  for (const id of createdUsers) await client.user.delete(id).catch(ignoreNotFound);
});

function assertSessionShape(s) {
  assert.ok(s instanceof Session);
  assert.match(s.uuid, UUID_RE);
  assertTimestamp(s.created_at, "created_at");
  assertTimestamp(s.updated_at, "updated_at");
  assert.equal(s.deleted_at, null);
}

describe("sessions: create, read, update", () => {
  const metadata = { a: { b: 1, c: 2 }, tags: ["x"] };
  let owner;
  /** @type {Session} */
  let withUser;
  /** @type {Session} */
  let withoutUser;

  before(async () => {
    owner = await addUser("owner");
  });

  test("memory.addSession with a user returns the Session", async () => {
    withUser = await addSession("s-user", { user_id: owner.user_id, metadata });
    assertSessionShape(withUser);
    assert.equal(withUser.session_id.startsWith("zepjs-"), true);
    assert.equal(withUser.user_id, owner.user_id);
    assert.deepEqual(withUser.metadata, metadata);
  });

  test("memory.addSession without a user: user_id and metadata are null", async () => {
    withoutUser = await addSession("s-nouser");
    assertSessionShape(withoutUser);
    assert.equal(withoutUser.user_id, null, "user_id is always present, null when unset");
    assert.equal(withoutUser.metadata, null, "metadata is always present, null when unset");
  });

  test("memory.getSession returns the same data", async () => {
    const got = await eventually(() => client.memory.getSession(withUser.session_id));
    assert.deepEqual(got, withUser);
    const got2 = await eventually(() => client.memory.getSession(withoutUser.session_id));
    assert.deepEqual(got2, withoutUser);
  });

  test("memory.getSession of an unknown session rejects with NotFoundError", async () => {
    await assertNotFound(client.memory.getSession(uid("nosuch")));
  });

  test("memory.updateSession deep-merges metadata and drops a top-level 'system' key", async () => {
    const updated = await client.memory.updateSession(
      new Session({
        session_id: withUser.session_id,
        metadata: { a: { c: 3, d: 4 }, tags: ["y"], system: { secret: true } },
      }),
    );
    assertSessionShape(updated);
    assert.equal(updated.uuid, withUser.uuid);
    assert.equal(updated.session_id, withUser.session_id);
    assert.equal(updated.user_id, owner.user_id);
    assert.equal(updated.created_at, withUser.created_at);
    assert.deepEqual(updated.metadata, { a: { b: 1, c: 3, d: 4 }, tags: ["y"] });
    assert.ok(Date.parse(updated.updated_at) >= Date.parse(withUser.updated_at));

    const got = await eventually(async () => {
      const s = await client.memory.getSession(withUser.session_id);
      assert.deepEqual(s.metadata, updated.metadata);
      return s;
    });
    assert.deepEqual(got, updated);
    withUser = updated;
  });

  test("read-modify-write with the whole Session object (as apps do) works and keeps the user", async () => {
    const current = await eventually(() => client.memory.getSession(withUser.session_id));
    current.metadata = { note: "hello" };
    // sends uuid, created_at, updated_at, deleted_at:null, session_id, metadata, user_id
    const updated = await client.memory.updateSession(current);
    assert.equal(updated.user_id, owner.user_id);
    assert.deepEqual(updated.metadata, { a: { b: 1, c: 3, d: 4 }, tags: ["y"], note: "hello" });
    withUser = updated;
  });

  test("memory.updateSession of an unknown session rejects with NotFoundError", async () => {
    await assertNotFound(client.memory.updateSession(new Session({ session_id: uid("nosuch"), metadata: { k: 1 } })));
  });

  test("memory.addSession with an unknown user_id rejects with APIError 400", async () => {
    const session_id = uid("s-baduser");
    await assertBadRequest(
      client.memory.addSession(new Session({ session_id, user_id: uid("no-such-user"), metadata: { k: 1 } })),
    );
  });

  test("duplicate memory.addSession rejects with APIError 400", async () => {
    await assertBadRequest(client.memory.addSession(new Session({ session_id: withoutUser.session_id })));
  });
});

describe("sessions: list and pagination", () => {
  /** @type {Session[]} */
  const mine = [];

  before(async () => {
    // a deleted session just below ours leaves a gap in the listed ids (keyset vs offset)
    const gap = await addSession("gap");
    assert.equal(await client.memory.deleteMemory(gap.session_id), "OK");
    for (let i = 0; i < 5; i += 1) mine.push(await addSession(`ls${i}`, { metadata: { i } }));
  });

  test("memory.listSessions() returns an array containing the created sessions", async () => {
    await eventually(async () => {
      const all = await client.memory.listSessions();
      assert.ok(Array.isArray(all));
      const byId = new Map(all.map((s) => [s.session_id, s]));
      for (const s of mine) {
        assert.ok(byId.has(s.session_id), `${s.session_id} missing from listSessions()`);
        assert.deepEqual(byId.get(s.session_id), s);
      }
      for (const s of all) assert.ok(s instanceof Session);
    });
  });

  test("memory.listSessions(limit, cursor) is keyset-paged on id (checked with raw ids)", async () => {
    const raw = await eventually(async () => {
      const r = await rawGetJson("/sessions");
      for (const s of mine) assert.ok(r.some((x) => x.session_id === s.session_id));
      return r;
    });
    const ids = mine.map((s) => raw.find((x) => x.session_id === s.session_id).id);
    for (let i = 0; i < ids.length; i += 1) {
      assert.ok(Number.isInteger(ids[i]) && ids[i] > 0, `session id ${ids[i]}`);
      if (i > 0) assert.ok(ids[i] > ids[i - 1], "session ids increase in creation order");
    }
    for (let i = 1; i < raw.length; i += 1) assert.ok(raw[i].id > raw[i - 1].id, "list is ordered by id");
    // through the client: cursor = id - 1 puts exactly that session first
    for (let i = 0; i < mine.length; i += 1) {
      const page = await client.memory.listSessions(1, ids[i] - 1);
      assert.equal(page.length, 1);
      assert.equal(page[0].session_id, mine[i].session_id);
    }
    assert.deepEqual(await client.memory.listSessions(10, Number.MAX_SAFE_INTEGER), []);
    const limited = await client.memory.listSessions(2);
    assert.ok(Array.isArray(limited) && limited.length <= 2);
  });

  test("memory.listSessionsChunked(n) yields arrays covering every created session", async () => {
    const raw = await rawGetJson("/sessions");
    const maxId = Math.max(0, ...raw.map((s) => s.id));
    const chunkSize = Math.max(2, Math.ceil(maxId / 50));

    const chunks = await eventually(async () => {
      const cs = await collectChunks(client.memory.listSessionsChunked(chunkSize));
      const seen = new Set(cs.flat().map((s) => s.session_id));
      for (const s of mine) assert.ok(seen.has(s.session_id), `${s.session_id} never yielded`);
      return cs;
    });
    for (const chunk of chunks) {
      assert.ok(Array.isArray(chunk));
      assert.ok(chunk.length >= 1 && chunk.length <= chunkSize);
      for (const s of chunk) assert.ok(s instanceof Session);
    }
    const firstSeen = [];
    for (const s of chunks.flat()) {
      if (mine.some((m) => m.session_id === s.session_id) && !firstSeen.includes(s.session_id)) {
        firstSeen.push(s.session_id);
      }
    }
    assert.deepEqual(firstSeen, mine.map((m) => m.session_id), "first sightings follow creation order");
  });
});

describe("sessions: delete", () => {
  test("memory.deleteMemory resolves 'OK'; getSession then NotFoundError; second delete NotFoundError", async () => {
    const s = await addSession("s-del", { metadata: { k: "v" } });
    await eventually(() => client.memory.getSession(s.session_id));

    assert.equal(await client.memory.deleteMemory(s.session_id), "OK");
    await eventually(() => assertNotFound(client.memory.getSession(s.session_id)));
    await assertNotFound(client.memory.deleteMemory(s.session_id));
    await eventually(async () => {
      const all = await client.memory.listSessions();
      assert.ok(!all.some((x) => x.session_id === s.session_id), "deleted session still listed");
    });
  });

  test("memory.deleteMemory of an unknown session rejects with NotFoundError", async () => {
    await assertNotFound(client.memory.deleteMemory(uid("nosuch")));
  });
});

describe("sessions of a user", () => {
  test("user.getSessions returns the user's sessions in creation order, with real ids", async () => {
    const user = await addUser("has-sessions");
    const other = await addUser("other");
    const s1 = await addSession("us1", { user_id: user.user_id, metadata: { n: 1 } });
    await addSession("other1", { user_id: other.user_id });
    const s2 = await addSession("us2", { user_id: user.user_id });
    const s3 = await addSession("us3", { user_id: user.user_id, metadata: { n: 3 } });

    const got = await eventually(async () => {
      const list = await client.user.getSessions(user.user_id);
      assert.ok(Array.isArray(list));
      assert.deepEqual(list.map((s) => s.session_id), [s1.session_id, s2.session_id, s3.session_id]);
      return list;
    });
    for (const s of got) assert.ok(s instanceof Session);
    assert.deepEqual(got, [s1, s2, s3]);

    // ids: the client model drops `id`, so look at the wire
    const raw = await rawGetJson(`/user/${encodeURIComponent(user.user_id)}/sessions`);
    assert.deepEqual(raw.map((s) => s.session_id), [s1.session_id, s2.session_id, s3.session_id]);
    for (const [i, s] of raw.entries()) {
      assert.ok(Number.isInteger(s.id) && s.id > 0, `id of ${s.session_id} is ${s.id} (Zep sent 0; we must not)`);
      if (i > 0) assert.ok(s.id > raw[i - 1].id);
      const single = await rawGetJson(`/sessions/${encodeURIComponent(s.session_id)}`);
      assert.equal(s.id, single.id, "same id as GET /sessions/{id}");
    }
  });

  test("user.getSessions of an unknown user resolves to []", async () => {
    assert.deepEqual(await client.user.getSessions(uid("no-such-user")), []);
  });

  test("user.getSessions of a user without sessions resolves to []", async () => {
    const user = await addUser("lonely");
    await eventually(() => client.user.get(user.user_id));
    assert.deepEqual(await client.user.getSessions(user.user_id), []);
  });

  test("a deleted session disappears from user.getSessions", async () => {
    const user = await addUser("del-one");
    const keep = await addSession("keep", { user_id: user.user_id });
    const drop = await addSession("drop", { user_id: user.user_id });
    await eventually(async () => assert.equal((await client.user.getSessions(user.user_id)).length, 2));
    assert.equal(await client.memory.deleteMemory(drop.session_id), "OK");
    await eventually(async () => {
      const list = await client.user.getSessions(user.user_id);
      assert.deepEqual(list.map((s) => s.session_id), [keep.session_id]);
    });
  });

  test("deleting a user removes its sessions (getSessions -> [], getSession -> NotFoundError)", async () => {
    const user = await addUser("doomed");
    const a = await addSession("doomed-a", { user_id: user.user_id });
    const b = await addSession("doomed-b", { user_id: user.user_id });
    await eventually(async () => assert.equal((await client.user.getSessions(user.user_id)).length, 2));

    assert.equal(await client.user.delete(user.user_id), "OK");

    await eventually(async () => assert.deepEqual(await client.user.getSessions(user.user_id), []));
    await eventually(() => assertNotFound(client.memory.getSession(a.session_id)));
    await eventually(() => assertNotFound(client.memory.getSession(b.session_id)));
    await eventually(async () => {
      const all = await client.memory.listSessions();
      assert.ok(!all.some((s) => s.session_id === a.session_id || s.session_id === b.session_id));
    });
  });
});
