// Real-client scenario: the official @getzep/zep-js 0.10.0 client against the Users API.
// Contract: /work/shared/design/api.md. Run: ZEP_BASE_URL=http://127.0.0.1:8000 npm test
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ZepClient, User, NotFoundError } from "@getzep/zep-js";
import {
  BASE_URL,
  uid,
  eventually,
  assertNotFound,
  assertBadRequest,
  assertTimestamp,
  UUID_RE,
  initCapturingWarnings,
  collectChunks,
} from "./helpers.mjs";

/** @type {ZepClient} */
let client;
/** user_ids this file created; deleted (best effort) at the end unless ZEP_KEEP_DATA=1 */
const created = new Set();

async function addUser(label, fields = {}) {
  const user_id = uid(label);
  const user = await client.user.add({ user_id, ...fields });
  created.add(user_id);
  return user;
}

/** A user as the client exposes it, minus the fields that legitimately change (for deepEqual). */
function stable(user) {
  const { updated_at, ...rest } = user;
  return rest;
}

before(async () => {
  client = await ZepClient.init(BASE_URL);
});

after(async () => {
  if (process.env.ZEP_KEEP_DATA === "1" || !client) return;
  for (const user_id of created) {
    try {
      await client.user.delete(user_id);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
});

describe("ZepClient.init", () => {
  test("init(baseURL) succeeds without a server-version warning", async () => {
    const { client: c, warnings } = await initCapturingWarnings(BASE_URL);
    assert.ok(c instanceof ZepClient);
    assert.deepEqual(warnings, [], "zep-js warned; X-Zep-Version must be semver >= 0.21.0 before the first '-'");
  });

  test("init(baseURL + '/') succeeds (client requests //healthz) and API calls still work", async () => {
    const { client: c, warnings } = await initCapturingWarnings(`${BASE_URL}/`);
    assert.ok(c instanceof ZepClient);
    assert.deepEqual(warnings, []);
    // getFullUrl() replaces the path with /api/v1/..., so the trailing slash does not leak into calls
    await assertNotFound(c.user.get(uid("never-created")));
  });
});

describe("users: create and read", () => {
  const metadata = { a: { b: 1, c: 2 }, tags: ["x"] };
  /** @type {User} */
  let alice;

  test("user.add returns the created User", async () => {
    const user_id = uid("alice");
    alice = await client.user.add({
      user_id,
      email: `${user_id}@example.com`,
      first_name: "Alice",
      last_name: "Liddell",
      metadata,
    });
    created.add(user_id);

    assert.ok(alice instanceof User);
    assert.match(alice.uuid, UUID_RE);
    assert.equal(typeof alice.id, "number");
    assert.ok(Number.isInteger(alice.id) && alice.id > 0, `id must be a positive integer, got ${alice.id}`);
    assertTimestamp(alice.created_at, "created_at");
    assertTimestamp(alice.updated_at, "updated_at");
    assert.equal(alice.deleted_at, null);
    assert.equal(alice.user_id, user_id);
    assert.equal(alice.email, `${user_id}@example.com`);
    assert.equal(alice.first_name, "Alice");
    assert.equal(alice.last_name, "Liddell");
    assert.deepEqual(alice.metadata, metadata);
  });

  test("user.get returns the same data", async () => {
    const got = await eventually(() => client.user.get(alice.user_id));
    assert.ok(got instanceof User);
    assert.deepEqual(got, alice);
  });

  test("user.get of an unknown user_id rejects with NotFoundError", async () => {
    await assertNotFound(client.user.get(uid("unknown")));
  });

  test("a user without optional fields has them absent (omitted by the server)", async () => {
    const bare = await addUser("bare");
    assert.equal(bare.email, undefined);
    assert.equal(bare.first_name, undefined);
    assert.equal(bare.last_name, undefined);
    assert.equal(bare.metadata, undefined);
    assert.equal(bare.deleted_at, null);
    assert.ok(bare.id > alice.id, "ids increase in creation order");
  });

  test("duplicate user.add rejects with APIError 400 'bad request: ...'", async () => {
    await assertBadRequest(client.user.add({ user_id: alice.user_id, email: "other@example.com" }));
    // and the original is untouched
    const got = await eventually(() => client.user.get(alice.user_id));
    assert.deepEqual(got, alice);
  });

  test("user.add with an empty user_id rejects with APIError 400", async () => {
    // zep-js keeps "" (it only drops null/undefined), so the server sees {"user_id":""}
    await assertBadRequest(client.user.add({ user_id: "", email: "nobody@example.com" }));
  });
});

describe("users: update", () => {
  test("user.update deep-merges metadata, changes given fields, keeps the rest", async () => {
    const user = await addUser("upd", {
      email: "upd@example.com",
      first_name: "Old",
      last_name: "Name",
      metadata: { a: { b: 1, c: 2 }, tags: ["x"] },
    });

    const updated = await client.user.update({
      user_id: user.user_id,
      metadata: { a: { c: 3, d: 4 }, tags: ["y"] },
      first_name: "New",
    });

    const expectedMetadata = { a: { b: 1, c: 3, d: 4 }, tags: ["y"] };
    assert.ok(updated instanceof User);
    assert.equal(updated.uuid, user.uuid);
    assert.equal(updated.id, user.id);
    assert.equal(updated.user_id, user.user_id);
    assert.equal(updated.created_at, user.created_at);
    assert.equal(updated.first_name, "New");
    assert.equal(updated.last_name, "Name");
    assert.equal(updated.email, "upd@example.com");
    assert.deepEqual(updated.metadata, expectedMetadata);
    assert.equal(updated.deleted_at, null);
    assertTimestamp(updated.updated_at, "updated_at");
    assert.ok(
      Date.parse(updated.updated_at) >= Date.parse(updated.created_at),
      `updated_at ${updated.updated_at} < created_at ${updated.created_at}`,
    );
    assert.ok(Date.parse(updated.updated_at) >= Date.parse(user.updated_at), "updated_at must not go back");

    // a later read shows exactly the updated user
    const got = await eventually(async () => {
      const u = await client.user.get(user.user_id);
      assert.equal(u.first_name, "New");
      return u;
    });
    assert.deepEqual(got, updated);
  });

  test("user.update with only user_id (empty patch) keeps every field", async () => {
    const user = await addUser("noop", { email: "noop@example.com", first_name: "F", metadata: { k: "v" } });
    const updated = await client.user.update({ user_id: user.user_id });
    assert.deepEqual(stable(updated), stable(user));
    assert.ok(Date.parse(updated.updated_at) >= Date.parse(user.updated_at));
  });

  test("user.update of an unknown user rejects with NotFoundError", async () => {
    await assertNotFound(client.user.update({ user_id: uid("ghost"), first_name: "X" }));
  });
});

describe("users: list and pagination", () => {
  /** @type {User[]} */
  const mine = [];

  before(async () => {
    // a deleted user just below ours leaves a gap in the ids, which tells keyset paging
    // (id > cursor) apart from offset paging even on a fresh server
    const gap = await addUser("gap");
    assert.equal(await client.user.delete(gap.user_id), "OK");
    for (let i = 0; i < 5; i += 1) mine.push(await addUser(`list${i}`, { metadata: { i } }));
    for (let i = 1; i < mine.length; i += 1) {
      assert.ok(mine[i].id > mine[i - 1].id, "ids increase in creation order");
    }
  });

  test("user.list() returns an array containing the created users", async () => {
    await eventually(async () => {
      const all = await client.user.list();
      assert.ok(Array.isArray(all));
      const byUserId = new Map(all.map((u) => [u.user_id, u]));
      for (const u of mine) {
        assert.ok(byUserId.has(u.user_id), `${u.user_id} missing from user.list()`);
        assert.deepEqual(byUserId.get(u.user_id), u);
      }
      for (const u of all) assert.ok(u instanceof User);
      for (let i = 1; i < all.length; i += 1) assert.ok(all[i].id > all[i - 1].id, "list is ordered by id");
    });
  });

  test("user.list(limit, cursor) is keyset-paged on id (id > cursor, ascending, at most limit)", async () => {
    await eventually(async () => {
      // cursor = id - 1 makes the user itself the first row: no other user can have an id in between
      for (const u of mine) {
        const page = await client.user.list(1, u.id - 1);
        assert.equal(page.length, 1);
        assert.equal(page[0].user_id, u.user_id);
        assert.equal(page[0].id, u.id);
      }
      const cursor = mine[0].id;
      const page = await client.user.list(3, cursor);
      assert.ok(Array.isArray(page));
      assert.ok(page.length >= 1 && page.length <= 3, `page length ${page.length}`);
      for (const u of page) assert.ok(u.id > cursor, `id ${u.id} not > cursor ${cursor}`);
      for (let i = 1; i < page.length; i += 1) assert.ok(page[i].id > page[i - 1].id);
      // no row is skipped: the page holds mine[1] (the next id this file created), unless three
      // other users were created between mine[0] and mine[1] by someone else
      assert.ok(
        page.some((p) => p.user_id === mine[1].user_id) || (page.length === 3 && page[2].id < mine[1].id),
        `list(3, ${cursor}) skipped ${mine[1].user_id} (id ${mine[1].id}): got ids ${page.map((p) => p.id)}`,
      );
    });
    const beyond = await client.user.list(10, Number.MAX_SAFE_INTEGER);
    assert.deepEqual(beyond, [], "a page past the end is [] (never null)");
    const limited = await client.user.list(2);
    assert.ok(Array.isArray(limited) && limited.length <= 2);
  });

  test("user.listChunked(n) yields arrays, ascending within a chunk, covering every created user", async () => {
    // listChunked advances the cursor by n per page and stops only on an empty page, so it makes
    // about maxId / n requests over the whole (global) list. Keep that bounded on a busy server.
    const all = await eventually(async () => {
      const list = await client.user.list();
      assert.ok(list.some((u) => u.user_id === mine.at(-1).user_id));
      return list;
    });
    const maxId = Math.max(...all.map((u) => u.id));
    const chunkSize = Math.max(2, Math.ceil(maxId / 50));

    const chunks = await eventually(async () => {
      const cs = await collectChunks(client.user.listChunked(chunkSize));
      const seen = new Set(cs.flat().map((u) => u.user_id));
      for (const u of mine) assert.ok(seen.has(u.user_id), `${u.user_id} never yielded by listChunked(${chunkSize})`);
      return cs;
    });

    assert.ok(chunks.length >= 1);
    for (const chunk of chunks) {
      assert.ok(Array.isArray(chunk), "each chunk is an array");
      assert.ok(chunk.length >= 1 && chunk.length <= chunkSize, `chunk length ${chunk.length}`);
      for (const u of chunk) assert.ok(u instanceof User);
      for (let i = 1; i < chunk.length; i += 1) {
        assert.ok(chunk[i].id > chunk[i - 1].id, `chunk not ascending: ${chunk[i - 1].id}, ${chunk[i].id}`);
      }
    }
    // pages may overlap when ids have gaps (deleted users), but the first sighting of each of
    // our users follows creation order
    const firstSeen = [];
    for (const u of chunks.flat()) {
      if (mine.some((m) => m.user_id === u.user_id) && !firstSeen.includes(u.user_id)) firstSeen.push(u.user_id);
    }
    assert.deepEqual(firstSeen, mine.map((m) => m.user_id));
    for (const u of chunks.flat()) {
      const m = mine.find((x) => x.user_id === u.user_id);
      if (m) assert.deepEqual(u, m);
    }
  });
});

describe("users: delete", () => {
  test("user.delete resolves 'OK'; the user is then gone; a second delete is NotFoundError", async () => {
    const user = await addUser("del", { email: "del@example.com" });
    await eventually(() => client.user.get(user.user_id));

    const body = await client.user.delete(user.user_id);
    assert.equal(body, "OK");

    await eventually(() => assertNotFound(client.user.get(user.user_id)));
    await assertNotFound(client.user.delete(user.user_id));
    await eventually(async () => {
      const all = await client.user.list();
      assert.ok(!all.some((u) => u.user_id === user.user_id), "deleted user still listed");
    });
  });

  test("user.delete of an unknown user rejects with NotFoundError", async () => {
    await assertNotFound(client.user.delete(uid("nobody")));
  });

  test("delete then re-create the same user_id gives a new uuid and a higher id", async () => {
    const first = await addUser("again", { first_name: "First", metadata: { gen: 1 } });
    assert.equal(await client.user.delete(first.user_id), "OK");

    // re-creation is allowed at once (no read involved)
    const second = await client.user.add({ user_id: first.user_id, first_name: "Second" });
    assert.equal(second.user_id, first.user_id);
    assert.notEqual(second.uuid, first.uuid);
    assert.match(second.uuid, UUID_RE);
    assert.ok(second.id > first.id, `new id ${second.id} must be > old id ${first.id}`);
    assert.equal(second.first_name, "Second");
    assert.equal(second.metadata, undefined, "nothing carried over from the deleted user");

    const got = await eventually(async () => {
      const u = await client.user.get(first.user_id);
      assert.equal(u.uuid, second.uuid);
      return u;
    });
    assert.deepEqual(got, second);
  });
});
