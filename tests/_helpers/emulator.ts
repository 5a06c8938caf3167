/**
 * Helpers for the tests that run against the plex.tv emulator: an emulator
 * per test file (in process, no port, unless a socket is needed), a Config
 * pointed at it, raw requests, and assertions on typed errors.
 *
 * @module
 */
import { after, before, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { type Config, defaultConfig, newClientId, PlexError, type PlexErrorCode } from "../../mod.ts";
import { createEmulator, type Emulator, type EmulatorOptions, startEmulator } from "../../lib/testing/mod.ts";

/**
 * A Config talking to the emulator through its in-process `fetch`, with a
 * fresh client id and no retries unless `retries` is given.
 */
export function configFor(emulator: Emulator, clientId: string = newClientId(), retries = 0): Config {
  return defaultConfig().withClientId(clientId).withUrls(emulator.url).withAuthAppUrl(`${emulator.url}/auth`)
    .withFetch(emulator.fetch).withHttp({ retry: { retries, baseDelayMs: 10, maxDelayMs: 50 } });
}

/** Options of {@linkcode raw}. */
export interface RawInit {
  method?: string;
  clientId?: string | null;
  token?: string;
  accept?: string | null;
  headers?: Record<string, string>;
  form?: Record<string, string>;
  json?: unknown;
  body?: string;
  signal?: AbortSignal;
  redirect?: RequestRedirect;
}

/** A raw request to the emulator's `fetch` (client id `raw-client` and JSON unless told otherwise). */
export function raw(emulator: Emulator, path: string, init: RawInit = {}): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers };
  const clientId = init.clientId === undefined ? "raw-client" : init.clientId;
  if (clientId !== null) headers["X-Plex-Client-Identifier"] = clientId;
  const accept = init.accept === undefined ? "application/json" : init.accept;
  if (accept !== null) headers.Accept = accept;
  if (init.token !== undefined) headers["X-Plex-Token"] = init.token;
  let body = init.body;
  if (init.form) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(init.form).toString();
  } else if (init.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(init.json);
  }
  return emulator.fetch(`${emulator.url}${path}`, {
    method: init.method ?? "GET",
    headers,
    body,
    signal: init.signal,
    redirect: init.redirect,
  });
}

/** The first `{code, message, status}` of a JSON error body. */
export async function plexErrorOf(
  response: Response,
): Promise<{ code?: number; message: string; status?: number }> {
  const doc = await response.json() as { errors: { code?: number; message: string; status?: number }[] };
  return doc.errors[0]!;
}

/** Asserts that `promise` rejects with a PlexError of `code`, and returns it. */
export async function rejectsWith(promise: Promise<unknown>, code: PlexErrorCode): Promise<PlexError> {
  const err = await rejection(promise);
  assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
  return err;
}

/** Awaits a promise that must reject with a PlexError (any code) and returns the error. */
export async function rejection(promise: Promise<unknown>): Promise<PlexError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof PlexError, `expected a PlexError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a rejection");
}

/**
 * Creates one emulator for the test file (in `before`), closes it in `after`,
 * and clears its faults and request log before each test. In process (no
 * port) unless `server` is set: sockets, resets and child processes need one.
 */
export function useEmulator(
  options: EmulatorOptions,
  use: (emulator: Emulator) => void,
  { server = false }: { server?: boolean } = {},
): void {
  let emulator: Emulator | undefined;
  before(async () => {
    emulator = server ? await startEmulator(options) : await createEmulator(options);
    use(emulator);
  });
  after(async () => {
    await emulator?.close();
  });
  beforeEach(() => {
    emulator?.clearFaults();
    emulator?.resetRequests();
  });
}

/** Runs `body` with a fresh in-process emulator, closing it afterwards. */
export async function withEmulator<T>(
  options: EmulatorOptions,
  body: (emulator: Emulator) => Promise<T>,
): Promise<T> {
  const emulator = await createEmulator(options);
  try {
    return await body(emulator);
  } finally {
    await emulator.close();
  }
}

let clientCounter = 0;

/** A client identifier no other test uses. */
export function uniqueClient(prefix = "emulator-test"): string {
  return `${prefix}-${++clientCounter}-${Date.now()}`;
}

/** Signs in through `POST /api/v2/users/signin` (asserting 201) and returns the legacy token. */
export async function signIn(
  emulator: Emulator,
  clientId: string = uniqueClient(),
  login = "plexuser",
  password = "plexpass",
): Promise<string> {
  const res = await raw(emulator, "/api/v2/users/signin", {
    method: "POST",
    clientId,
    form: { login, password },
  });
  assert.equal(res.status, 201, `sign-in of ${login} answered ${res.status}`);
  return (await res.json() as { authToken: string }).authToken;
}

/** The plex.tv host names real clients call; an emulator made with `hosts: PLEX_HOSTS` answers for them. */
export const PLEX_HOSTS: readonly string[] = [
  "plex.tv",
  "clients.plex.tv",
  "discover.provider.plex.tv",
  "metadata.provider.plex.tv",
];

/**
 * A `fetch` for real clients: requests to a plex.tv host go, unchanged, to the
 * emulator's in-process `fetch` (made with `hosts: PLEX_HOSTS`); any other
 * host fails the test, so nothing leaves the machine.
 */
export function plexHostsFetch(emulator: Emulator): typeof fetch {
  return ((input: Request | URL | string, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!PLEX_HOSTS.includes(url.hostname)) {
      return Promise.reject(new Error(`a real client tried to reach ${url.origin}, which is not plex.tv`));
    }
    return emulator.fetch(input, init);
  }) as typeof fetch;
}

/** Approves a PIN code the real way: `PUT /api/v2/pins/link` as a freshly signed-in account. */
export async function linkPin(
  emulator: Emulator,
  code: string,
  login = "plexuser",
  password = "plexpass",
): Promise<void> {
  const token = await signIn(emulator, uniqueClient("approver"), login, password);
  const res = await raw(emulator, "/api/v2/pins/link", {
    method: "PUT",
    token,
    headers: { "X-Plex-Product": "Plex SSO" },
    form: { code },
  });
  assert.equal(res.status, 204, `linking ${code} answered ${res.status}`);
}
