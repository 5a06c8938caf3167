/**
 * The browser sign-in helpers (lib/browser/) against the plex.tv emulator,
 * with a stand-in popup and an in-memory storage, so every outcome (approval,
 * closed popup, expiry, abort, forward flow edge cases) runs without a browser.
 * tests/browser/chromium_test.ts runs the same flows in headless Chromium.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type Config,
  type DeviceKey,
  generateDeviceKey,
  isPlexError,
  type PlexErrorCode,
} from "../../mod.ts";
import { checkOk, readJson, send } from "../../protocol.ts";
import {
  browserClientId,
  type BrowserStorage,
  finishForwardedSignIn,
  signInWithPopup,
  startForwardedSignIn,
} from "../../lib/browser/mod.ts";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { configFor } from "../_helpers/emulator.ts";

/** The popup's `location`: setting `href` navigates the stand-in popup. */
class FakeLocation {
  constructor(private readonly popup: FakePopup) {}
  get href(): string {
    return this.popup.urls.at(-1) ?? "about:blank";
  }
  set href(url: string) {
    this.popup.urls.push(url);
    this.popup.onNavigate(url);
  }
}

/** A stand-in for the popup window: records navigations, runs `onNavigate`. */
class FakePopup {
  closed = false;
  closeCalls = 0;
  readonly urls: string[] = [];
  onNavigate: (url: string) => void = () => {};
  readonly location: FakeLocation = new FakeLocation(this);

  close(): void {
    this.closeCalls++;
    this.closed = true;
  }

  /** The PIN code in the auth app URL it was sent to. */
  get code(): string {
    const url = this.urls.at(-1);
    assert.ok(url, "the popup was never navigated");
    return new URLSearchParams(new URL(url).hash.replace(/^#\??/, "")).get("code") ?? "";
  }
}

class MemoryStorage implements BrowserStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

async function rejectsWith(promise: Promise<unknown>, code: PlexErrorCode): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isPlexError(err, code), `expected PlexError ${code}, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected PlexError ${code}, but it resolved`);
}

async function accountName(config: Config, token: { value: string }): Promise<string> {
  const res = checkOk(
    await send(config, { method: "GET", host: "url", path: "/api/v2/user", token: token.value }),
  );
  return (readJson(res) as { username: string }).username;
}

function authParams(url: string): URLSearchParams {
  return new URLSearchParams(new URL(url).hash.replace(/^#\??/, ""));
}

describe("signInWithPopup", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.close());

  it("navigates the popup to the auth app, resolves the token once approved, and closes the popup", async () => {
    const config = configFor(emulator).withDevice({ product: "Popup Test" });
    const popup = new FakePopup();
    popup.onNavigate = () => setTimeout(() => emulator.approvePin(popup.code), 120);
    const token = await signInWithPopup({ config, popup: popup, pollInterval: 50 });
    assert.equal(popup.urls.length, 1);
    const url = popup.urls[0]!;
    assert.ok(url.startsWith(`${emulator.url}/auth#?`), url);
    const params = authParams(url);
    assert.equal(params.get("clientID"), config.clientId);
    assert.equal(params.get("context[device][product]"), "Popup Test");
    assert.ok(params.get("code")!.length > 4, "a strong PIN code");
    assert.equal(params.get("forwardUrl"), null);
    assert.ok(token.isLegacy());
    assert.equal(popup.closed, true);
    assert.equal(popup.closeCalls, 1);
    assert.equal(await accountName(config, token), emulator.users.default.username);
  });

  it("refuses a call without options with a typed error", async () => {
    for (const options of [undefined, null, "config"]) {
      await rejectsWith(signInWithPopup(options as never), "invalid_argument");
    }
  });

  it("rejects popup_blocked for a blocked popup, without requesting a PIN", async () => {
    emulator.resetRequests();
    await rejectsWith(signInWithPopup({ config: configFor(emulator), popup: null }), "popup_blocked");
    assert.equal(emulator.count("POST /api/v2/pins"), 0);
  });

  it("rejects popup_closed when the user closes the popup, and stops polling", async () => {
    const config = configFor(emulator);
    const popup = new FakePopup();
    popup.onNavigate = () => setTimeout(() => popup.closed = true, 100);
    await rejectsWith(signInWithPopup({ config, popup: popup, pollInterval: 50 }), "popup_closed");
    const polls = emulator.count((r) => r.method === "GET" && r.clientId === config.clientId);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(emulator.count((r) => r.method === "GET" && r.clientId === config.clientId), polls);
    assert.equal(popup.closeCalls, 0, "a popup that is already closed is not closed again");
  });

  it("rejects popup_closed, without a PIN request, when the popup is closed from the start", async () => {
    const config = configFor(emulator);
    const popup = new FakePopup();
    popup.closed = true;
    await rejectsWith(signInWithPopup({ config, popup: popup }), "popup_closed");
    assert.equal(emulator.count((r) => r.clientId === config.clientId), 0);
    assert.equal(popup.urls.length, 0);
  });

  it("resolves the token when the auth app closes the popup right after approval", async () => {
    const config = configFor(emulator);
    const popup = new FakePopup();
    popup.onNavigate = () => {
      emulator.approvePin(popup.code);
      popup.closed = true;
    };
    const started = Date.now();
    const token = await signInWithPopup({ config, popup: popup, pollInterval: 30_000 });
    assert.ok(Date.now() - started < 5_000, "the closed popup triggered a final check, not a 30 s poll");
    assert.equal(await accountName(config, token), emulator.users.default.username);
  });

  it("rejects aborted when the signal fires, and closes the popup", async () => {
    const popup = new FakePopup();
    const controller = new AbortController();
    popup.onNavigate = () => setTimeout(() => controller.abort(), 80);
    await rejectsWith(
      signInWithPopup({
        config: configFor(emulator),
        popup: popup,
        signal: controller.signal,
        pollInterval: 50,
      }),
      "aborted",
    );
    assert.equal(popup.closed, true);
    assert.equal(popup.closeCalls, 1);
  });

  it("with a device key, registers it and resolves a Plex JWT for it", async () => {
    const config = configFor(emulator);
    const key = await generateDeviceKey();
    const popup = new FakePopup();
    popup.onNavigate = () => setTimeout(() => emulator.approvePin(popup.code), 50);
    const token = await signInWithPopup({ config, popup: popup, key, pollInterval: 50 });
    assert.ok(token.isJwt());
    assert.equal(token.claims?.thumbprint, key.keyId);
    assert.equal(emulator.registeredKey(config.clientId), key.keyId);
    assert.equal(popup.closed, true);
  });
});

describe("signInWithPopup when the PIN expires", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ strongPinLifetimeSeconds: 1 });
  });
  after(() => emulator.close());

  it("rejects pin_expired and closes the popup", async () => {
    const popup = new FakePopup();
    const err = await rejectsWith(
      signInWithPopup({ config: configFor(emulator), popup: popup, pollInterval: 100 }),
      "pin_expired",
    );
    assert.match((err as Error).message, /expired/);
    assert.equal(popup.closed, true);
    assert.equal(popup.closeCalls, 1);
  });
});

describe("startForwardedSignIn and finishForwardedSignIn", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.close());
  const KEY = "plextv:pending-sign-in";

  async function start(config: Config, storage: MemoryStorage, extra: { key?: DeviceKey } = {}) {
    const visited: string[] = [];
    await startForwardedSignIn({
      config,
      forwardUrl: "https://app.example/dashboard?tab=1",
      storage,
      navigate: (url) => visited.push(url),
      ...extra,
    });
    assert.equal(visited.length, 1);
    return { url: visited[0]!, code: authParams(visited[0]!).get("code")! };
  }

  it("keeps the PIN, sends the page to the auth app with forwardUrl, and finishes after the reload", async () => {
    const config = configFor(emulator);
    const storage = new MemoryStorage();
    const { url, code } = await start(config, storage);
    assert.ok(url.startsWith(`${emulator.url}/auth#?`));
    assert.equal(authParams(url).get("forwardUrl"), "https://app.example/dashboard?tab=1");
    const pending = JSON.parse(storage.getItem(KEY)!) as { id: number; code: string; clientId: string };
    assert.equal(pending.code, code);
    assert.equal(pending.clientId, config.clientId);
    assert.ok(Number.isSafeInteger(pending.id));
    emulator.approvePin(code);
    const token = await finishForwardedSignIn({ config, storage });
    assert.ok(token?.isLegacy());
    assert.equal(await accountName(config, token!), emulator.users.default.username);
    assert.equal(storage.getItem(KEY), null, "the pending sign-in is cleared");
    assert.equal(await finishForwardedSignIn({ config, storage }), undefined, "and not finished twice");
  });

  it("finishes on a browser whose clock is 2 hours ahead of plex.tv's (the PIN's life counts from its answer)", async () => {
    // plex.tv's answers, as a browser two hours ahead sees them: expiresAt is two hours in its past.
    const behindPlex: typeof fetch = async (input, init) => {
      const response = await emulator.fetch(input, init);
      if (init?.method !== "POST" || !String(input).endsWith("/api/v2/pins?strong=true")) return response;
      const pin = await response.json();
      for (const field of ["createdAt", "expiresAt"]) {
        pin[field] = new Date(Date.parse(pin[field]) - 7_200_000).toISOString();
      }
      return new Response(JSON.stringify(pin), { status: response.status, headers: response.headers });
    };
    const config = configFor(emulator).withFetch(behindPlex);
    const storage = new MemoryStorage();
    const { code } = await start(config, storage);
    emulator.approvePin(code);
    const token = await finishForwardedSignIn({ config, storage });
    assert.ok(token?.isLegacy(), "not pin_expired");
  });

  it("resolves undefined without any request when no sign-in is pending", async () => {
    const config = configFor(emulator);
    assert.equal(await finishForwardedSignIn({ config, storage: new MemoryStorage() }), undefined);
    assert.equal(emulator.count((r) => r.clientId === config.clientId), 0);
  });

  it("rejects pin_not_approved when the user came back without approving, and clears it", async () => {
    const config = configFor(emulator);
    const storage = new MemoryStorage();
    await start(config, storage);
    await rejectsWith(
      finishForwardedSignIn({ config, storage, waitMs: 200, pollInterval: 50 }),
      "pin_not_approved",
    );
    assert.ok(
      emulator.count((r) => r.method === "GET" && r.clientId === config.clientId) >= 2,
      "it kept checking",
    );
    assert.equal(storage.getItem(KEY), null);
  });

  it("keeps the pending sign-in after a server error, so a later call finishes it", async () => {
    const config = configFor(emulator);
    const storage = new MemoryStorage();
    const { code } = await start(config, storage);
    emulator.approvePin(code);
    const fault = emulator.inject({ match: /^\/api\/v2\/pins\/\d+$/, kind: "status", status: 503 });
    await rejectsWith(finishForwardedSignIn({ config, storage }), "server_error");
    assert.equal(fault.hits, 1);
    assert.notEqual(storage.getItem(KEY), null, "kept for a retry");
    assert.ok((await finishForwardedSignIn({ config, storage }))?.isLegacy());
    assert.equal(storage.getItem(KEY), null);
  });

  it("rejects invalid_client_id when the page now uses another client id, and clears it", async () => {
    const storage = new MemoryStorage();
    const { code } = await start(configFor(emulator), storage);
    emulator.approvePin(code);
    const other = configFor(emulator);
    await rejectsWith(finishForwardedSignIn({ config: other, storage }), "invalid_client_id");
    assert.equal(emulator.count((r) => r.clientId === other.clientId), 0);
    assert.equal(storage.getItem(KEY), null);
  });

  it("rejects store_corrupt for unreadable pending data, and clears it", async () => {
    const config = configFor(emulator);
    for (const bad of ["{not json", '{"id":"7","code":"c","clientId":"x","expiresAt":"soon"}', "[]"]) {
      const storage = new MemoryStorage();
      storage.setItem(KEY, bad);
      await rejectsWith(finishForwardedSignIn({ config, storage }), "store_corrupt");
      assert.equal(storage.getItem(KEY), null);
    }
  });

  it("rejects pin_expired without a request when the stored PIN is past its expiry", async () => {
    const config = configFor(emulator);
    const storage = new MemoryStorage();
    const expired = {
      id: 1,
      code: "c",
      clientId: config.clientId,
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    };
    storage.setItem(KEY, JSON.stringify(expired));
    await rejectsWith(finishForwardedSignIn({ config, storage }), "pin_expired");
    assert.equal(emulator.count((r) => r.clientId === config.clientId), 0);
    assert.equal(storage.getItem(KEY), null);
  });

  it("with a device key, needs the same key to finish and resolves a Plex JWT", async () => {
    const config = configFor(emulator);
    const storage = new MemoryStorage();
    const key = await generateDeviceKey();
    const { code } = await start(config, storage, { key });
    emulator.approvePin(code);
    await rejectsWith(finishForwardedSignIn({ config, storage }), "invalid_argument");
    assert.notEqual(storage.getItem(KEY), null, "kept until the right key is given");
    const token = await finishForwardedSignIn({ config, storage, key });
    assert.ok(token?.isJwt());
    assert.equal(token!.claims?.thumbprint, key.keyId);
  });

  it("rejects a forward URL that is not an absolute http(s) URL, without requesting a PIN", async () => {
    const config = configFor(emulator);
    for (const forwardUrl of ["/relative", "javascript:alert(1)", "not a url", "", 5, null]) {
      await assert.rejects(
        startForwardedSignIn({
          config,
          forwardUrl: forwardUrl as string,
          storage: new MemoryStorage(),
          navigate: () => {},
        }),
        {
          name: "PlexError",
          code: "invalid_argument",
          message: "forwardUrl must be an absolute http or https URL",
        },
      );
    }
    assert.equal(emulator.count((r) => r.clientId === config.clientId), 0);
  });
});

describe("startForwardedSignIn outside a page", () => {
  it("rejects invalid_argument when there is no page to navigate and no navigate option", async () => {
    const emulator = await startEmulator();
    try {
      const config = configFor(emulator);
      const storage = new MemoryStorage();
      await rejectsWith(
        startForwardedSignIn({ config, forwardUrl: "https://app.example/", storage }),
        "invalid_argument",
      );
      assert.equal(emulator.count((r) => r.clientId === config.clientId), 0);
      assert.equal(storage.items.size, 0);
    } finally {
      await emulator.close();
    }
  });

  it("rejects invalid_argument naming forwardUrl when there is no page to come back to", async () => {
    const emulator = await startEmulator();
    try {
      const config = configFor(emulator);
      await assert.rejects(
        startForwardedSignIn({ config, storage: new MemoryStorage(), navigate: () => {} }),
        {
          code: "invalid_argument",
          message: "There is no page to come back to here: pass forwardUrl",
        },
      );
      assert.equal(emulator.count((r) => r.clientId === config.clientId), 0);
    } finally {
      await emulator.close();
    }
  });
});

describe("forwarded sign-in options", () => {
  it("rejects a navigate that is not a function, an empty storageKey or a storage that is none, before requesting a PIN", async () => {
    const emulator = await startEmulator();
    try {
      const config = configFor(emulator);
      const base = {
        config,
        forwardUrl: "https://app.example/",
        storage: new MemoryStorage(),
        navigate: () => {},
      };
      const refusals: [Record<string, unknown>, string][] = [
        [{ navigate: 5 }, "navigate must be a function that goes to the URL it is given"],
        [{ storageKey: "" }, "storageKey must be a non-empty string"],
        [{ storageKey: 5 }, "storageKey must be a non-empty string"],
        [{ storage: {} }, "storage must have getItem, setItem and removeItem functions"],
        [{ storage: null }, "storage must have getItem, setItem and removeItem functions"],
      ];
      for (const [options, message] of refusals) {
        await assert.rejects(startForwardedSignIn({ ...base, ...options } as never), {
          name: "PlexError",
          code: "invalid_argument",
          message,
        });
      }
      assert.equal(emulator.count((r) => r.clientId === config.clientId), 0);
    } finally {
      await emulator.close();
    }
  });

  it("finishForwardedSignIn rejects unusable options before reading the storage", async () => {
    const emulator = await startEmulator();
    try {
      const config = configFor(emulator);
      const storage = new MemoryStorage();
      await startForwardedSignIn({ config, forwardUrl: "https://app.example/", storage, navigate: () => {} });
      const refusals: [Record<string, unknown>, string][] = [
        [{ storageKey: "" }, "storageKey must be a non-empty string"],
        [{ storage: "sessionStorage" }, "storage must have getItem, setItem and removeItem functions"],
        [{ waitMs: Number.NaN }, "waitMs must be a number of milliseconds, 0 or more"],
        [{ waitMs: -1 }, "waitMs must be a number of milliseconds, 0 or more"],
        [{ waitMs: "5000" }, "waitMs must be a number of milliseconds, 0 or more"],
        [{ pollInterval: 0 }, "pollInterval must be a finite number of milliseconds above 0"],
        [{ pollInterval: Number.NaN }, "pollInterval must be a finite number of milliseconds above 0"],
      ];
      for (const [options, message] of refusals) {
        await assert.rejects(finishForwardedSignIn({ config, storage, ...options } as never), {
          name: "PlexError",
          code: "invalid_argument",
          message,
        });
      }
      assert.equal(storage.items.size, 1, "the pending sign-in is kept");
      assert.equal(emulator.count("GET /api/v2/pins/*"), 0);
    } finally {
      await emulator.close();
    }
  });
});

describe("browserClientId", () => {
  it("creates a client id once and returns the same one afterwards", () => {
    const storage = new MemoryStorage();
    const id = browserClientId(undefined, storage);
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(storage.getItem("plextv:client-id"), id);
    assert.equal(browserClientId(undefined, storage), id);
    assert.notEqual(browserClientId("other-app:client-id", storage), id, "keys are independent");
  });

  it("replaces a stored value that cannot be a client id", () => {
    const storage = new MemoryStorage();
    storage.setItem("plextv:client-id", "has spaces\n");
    const id = browserClientId(undefined, storage);
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(storage.getItem("plextv:client-id"), id);
  });

  it("rejects a storage key that is not a non-empty string, and a storage that is none", () => {
    const storage = new MemoryStorage();
    for (const storageKey of ["", 5, null]) {
      assert.throws(() => browserClientId(storageKey as string, storage), {
        name: "PlexError",
        code: "invalid_argument",
        message: "storageKey must be a non-empty string",
      });
    }
    assert.throws(() => browserClientId("my-app:client-id", { getItem: () => null } as never), {
      code: "invalid_argument",
      message: "storage must have getItem, setItem and removeItem functions",
    });
    assert.equal(storage.items.size, 0);
  });

  it("reports store_error when the storage refuses to save", () => {
    const full: BrowserStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
      removeItem: () => {},
    };
    assert.throws(() => browserClientId(undefined, full), (err) => isPlexError(err, "store_error"));
  });
});
