// Shared helpers for the zep-js scenario files (users.test.mjs, sessions.test.mjs).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { ZepClient, APIError, NotFoundError } from "@getzep/zep-js";

const rawBase = process.env.ZEP_BASE_URL;
if (!rawBase || rawBase.trim() === "") {
  throw new Error(
    "ZEP_BASE_URL is not set. Point it at the server under test, e.g.\n" +
      "  ZEP_BASE_URL=http://127.0.0.1:8000 npm test",
  );
}
/** Base URL of the server under test, without trailing slashes. */
export const BASE_URL = rawBase.trim().replace(/\/+$/, "");

/** One random tag per process, so ids from different runs never collide. */
const RUN = `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
let seq = 0;
/** A fresh id that no other run (and no other test in this run) uses. */
export function uid(label) {
  seq += 1;
  return `zepjs-${RUN}-${label}-${seq}`;
}

/**
 * Retries `fn` every `intervalMs` until it resolves without throwing, and returns its result.
 * Used for reads that must observe an earlier write: the read models are fed from Kafka and
 * may lag behind the command side for a moment. This waits on a condition; it is not a sleep.
 */
export async function eventually(fn, { timeoutMs = 10000, intervalMs = 50 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      return await fn();
    } catch (err) {
      if (Date.now() >= deadline) {
        throw new Error(
          `eventually: condition still false after ${timeoutMs} ms (${attempts} attempts); last failure:\n${err?.message}`,
          { cause: err },
        );
      }
    }
    await delay(intervalMs);
  }
}

/** Asserts that `promise` rejects with a zep-js NotFoundError (the client maps HTTP 404 to it). */
export async function assertNotFound(promise) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof NotFoundError, `expected NotFoundError, got ${err?.name}: ${err?.message}`);
    return true;
  });
}

/**
 * Asserts that `promise` rejects with a zep-js APIError for a 400. zep-js builds it as
 * `new APIError("Got an unexpected status code: 400", 400, await response.text())`, i.e.
 * `code` is the HTTP status and `responseData` the raw text body. Returns the error.
 */
export async function assertBadRequest(promise) {
  let caught;
  await assert.rejects(promise, (err) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof APIError, `expected APIError, got ${caught?.name}: ${caught?.message}`);
  assert.equal(caught.code, 400);
  assert.equal(caught.message, "Got an unexpected status code: 400");
  assert.equal(typeof caught.responseData, "string");
  assert.match(caught.responseData, /^bad request: \S/, `body was ${JSON.stringify(caught.responseData)}`);
  // errors are one line of text/plain: no stack traces, no multi-line dumps
  assert.equal(caught.responseData.trim().includes("\n"), false, "error body must be a single line");
  return caught;
}

/** RFC 3339 UTC timestamp with at most microsecond precision, e.g. 2024-01-02T03:04:05.123456Z */
export const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function assertTimestamp(value, name) {
  assert.equal(typeof value, "string", `${name} must be a string`);
  assert.match(value, TIMESTAMP_RE, `${name} must be RFC 3339 UTC with <= 6 fractional digits`);
  assert.ok(!Number.isNaN(Date.parse(value)), `${name} must parse as a date`);
}

/**
 * ZepClient.init with console.warn captured. Returns { client, warnings }.
 * zep-js warns (but does not fail) when X-Zep-Version is missing or below 0.21.0.
 */
export async function initCapturingWarnings(baseURL) {
  const warnings = [];
  const original = console.warn;
  console.warn = (...args) => warnings.push(args.map(String).join(" "));
  try {
    const client = await ZepClient.init(baseURL);
    return { client, warnings };
  } finally {
    console.warn = original;
  }
}

/** Collects every chunk an async generator (listChunked / listSessionsChunked) yields. */
export async function collectChunks(generator) {
  const chunks = [];
  for await (const chunk of generator) chunks.push(chunk);
  return chunks;
}

/**
 * Direct HTTP GET of an /api/v1 path, for facts the zep-js models hide: the Session model
 * does not copy `id`, so session ids cannot be observed through the client.
 */
export async function rawGetJson(path) {
  const res = await fetch(`${BASE_URL}/api/v1${path}`);
  assert.equal(res.status, 200, `GET ${path} -> ${res.status}`);
  return res.json();
}
