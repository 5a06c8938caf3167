// What the token source keeps when the store fails it, and what it accepts from plex.tv: in JWT mode, a
// save that fails while the store does not hold the device key fails token() (before a key is registered
// that no store would hold, or with the registered key kept for the next call), and once the key is
// stored, a save that did not reach the store (an error, or a save the store declined) is made again by a
// later token(), at most every 30 seconds; a refresh answered with an
// expired JWT, or one without exp, is no token; and a re-registration tells the app its new client id only
// when the store is about to hold it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  defaultConfig,
  PlexError,
  type SecureData,
  type SecureStore,
  withClock,
  withCredentials,
  withJwt,
  withLogger,
  withStore,
} from "../../mod.ts";
import { memoryStore } from "../../lib/store/memory.ts";
import type { SaveOutcome } from "../../lib/store/store.ts";
import { createEmulator, type Emulator, registerDevice } from "../../lib/testing/mod.ts";
import type { Logger } from "../../lib/logger.ts";

/** A store over memory whose saves answer `answer(n)` for the n-th save (undefined: saved). */
function flakyStore(
  answer: (n: number) => "throw" | SaveOutcome | undefined,
  initial?: SecureData,
): SecureStore<SecureData> & { saves: number; inner: SecureStore<SecureData> } {
  const inner = memoryStore<SecureData>(initial);
  const store = {
    saves: 0,
    inner,
    load: () => inner.load(),
    clear: () => inner.clear(),
    async save(data: SecureData) {
      const outcome = answer(++store.saves);
      if (outcome === "throw") throw new PlexError("store_unavailable", "The store is busy");
      if (outcome) return outcome;
      await inner.save(data);
    },
  };
  return store;
}

function warnings(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (message: string) => void lines.push(message);
  return { lines, debug: () => {}, info: () => {}, warn: keep, error: keep };
}

describe("a save that did not reach the store", () => {
  it("in a JWT sign-in, fails token() before a device key is registered, and the next token() goes on", async () => {
    const emulator = await createEmulator();
    try {
      const config = defaultConfig().withClientId("saving-test").withUrls(emulator.url).withFetch(
        emulator.fetch,
      );
      const store = flakyStore((n) => (n <= 2 ? "throw" : undefined));
      const source = config.tokenSource(withCredentials("plexuser", "plexpass"), withJwt(store));
      for (let call = 1; call <= 2; call++) {
        await assert.rejects(source.token(), { code: "store_unavailable" }, `call ${call}`);
        assert.equal(emulator.count("POST /api/v2/auth/jwk"), 0, "no key registered that no store holds");
      }
      const token = await source.token();
      assert.ok(token.isJwt());
      assert.equal(emulator.count("POST /api/v2/auth/jwk"), 1);
      assert.equal(
        emulator.count("POST /api/v2/users/signin"),
        1,
        "the sign-in in hand was saved, not made again",
      );
      const saved = await store.inner.load();
      assert.ok(saved?.privateKey && saved.keyId && saved.token === token.value, "key and JWT are stored");
      const restarted = config.tokenSource(withCredentials("plexuser", "plexpass"), withJwt(store.inner));
      assert.equal((await restarted.token()).value, token.value);
      assert.equal(emulator.count("POST /api/v2/users/signin"), 1, "the restart signed in no more");
    } finally {
      await emulator.close();
    }
  });

  it("in a JWT sign-in, fails token() when the key's own save fails, and keeps the registered key for the next", async () => {
    const emulator = await createEmulator();
    try {
      const config = defaultConfig().withClientId("saving-key-test").withUrls(emulator.url).withFetch(
        emulator.fetch,
      );
      // The sign-in's save goes through; the one that holds the registered key fails once.
      const store = flakyStore((n) => (n === 2 ? "throw" : undefined));
      const source = config.tokenSource(withCredentials("plexuser", "plexpass"), withJwt(store));
      await assert.rejects(source.token(), { code: "store_unavailable" });
      assert.equal(emulator.count("POST /api/v2/auth/jwk"), 1);
      assert.equal((await store.inner.load())?.privateKey, undefined);
      const token = await source.token();
      assert.equal(emulator.count("POST /api/v2/auth/jwk"), 1, "the same key, not a second one");
      const saved = await store.inner.load();
      assert.ok(saved?.privateKey && saved.token === token.value, "key and JWT are stored");
    } finally {
      await emulator.close();
    }
  });

  it("after the key is stored, a refresh's save is made again by a later token(), not before 30 s", async () => {
    const emulator = await createEmulator();
    try {
      const device = await registerDevice(emulator, {
        clientId: "saving-refresh-test",
        expiresInSeconds: -10,
      });
      // The emulator issues JWTs on the real clock: the source's starts there.
      const signIns = emulator.count("POST /api/v2/users/signin");
      let now = Date.now();
      let failing = true;
      const store = flakyStore(() => (failing ? "throw" : undefined), device.data);
      const log = warnings();
      const source = defaultConfig().withClientId("saving-refresh-test").withUrls(emulator.url)
        .withFetch(emulator.fetch).tokenSource(
          withCredentials("plexuser", "plexpass"),
          withJwt(store),
          withClock(() => new Date(now)),
          withLogger(log),
        );
      const refreshed = await source.token();
      assert.ok(
        refreshed.isValid() && refreshed.value !== device.data.token,
        "refreshed while the store is down",
      );
      assert.equal(store.saves, 1);
      assert.match(log.lines.join("\n"), /saving it again later/);
      failing = false;
      now += 10_000;
      assert.equal(await source.token(), refreshed);
      assert.equal(store.saves, 1, "not again within 30 s");
      now += 25_000;
      assert.equal(await source.token(), refreshed);
      assert.equal(store.saves, 2, "saved again after 30 s");
      assert.equal((await store.inner.load())?.token, refreshed.value);
      assert.equal(
        emulator.count("POST /api/v2/users/signin"),
        signIns,
        "the stored key was used, no sign-in",
      );
    } finally {
      await emulator.close();
    }
  });

  it("is made again when the store declined it, but not when it kept a newer record", async () => {
    const emulator = await createEmulator();
    try {
      let now = Date.parse("2026-12-02T10:00:00Z");
      const logger = warnings();
      const config = defaultConfig().withClientId("saving-test-2").withUrls(emulator.url).withFetch(
        emulator.fetch,
      )
        .withLogger(logger);
      for (const [reason, again] of [["contended", true], ["newer_record", false]] as const) {
        const store = flakyStore((n) => (n === 1 ? { saved: false, reason } : undefined));
        const legacy = config.tokenSource(
          withCredentials("plexuser", "plexpass"),
          withStore(store),
          withClock(() => new Date(now)),
          withLogger(logger),
        );
        await legacy.token();
        now += 31_000;
        await legacy.token();
        assert.equal(store.saves, again ? 2 : 1, reason);
        assert.equal(logger.lines.some((line) => line.includes(`(${reason})`)), again, reason);
      }
    } finally {
      await emulator.close();
    }
  });

  it("fails each token() while a store error that is not passing stands, and is saved by the first that succeeds", async () => {
    const emulator = await createEmulator();
    try {
      const config = defaultConfig().withClientId("saving-test-3").withUrls(emulator.url).withFetch(
        emulator.fetch,
      );
      for (const mode of ["legacy", "jwt"] as const) {
        let denied = true;
        const inner = memoryStore<SecureData>();
        let saves = 0;
        const store: SecureStore<SecureData> = {
          load: () => inner.load(),
          clear: () => inner.clear(),
          async save(data) {
            saves++;
            if (denied) throw new PlexError("access_denied", "The store refused access");
            await inner.save(data);
          },
        };
        const source = config.tokenSource(
          withCredentials("plexuser", "plexpass"),
          mode === "jwt" ? withJwt(store) : withStore(store),
        );
        await assert.rejects(source.token(), { code: "access_denied" }, mode);
        await assert.rejects(
          source.token(),
          { code: "access_denied" },
          `${mode}: not a success while unsaved`,
        );
        const failedSaves = saves;
        denied = false;
        const token = await source.token();
        // JWT mode stopped before registering a key: the sign-in, the key and the JWT are saved now.
        assert.equal(saves, failedSaves + (mode === "jwt" ? 3 : 1), `${mode}: saved once more per step`);
        const saved = await inner.load();
        assert.equal(saved?.token, token.value, `${mode}: the token is stored`);
        assert.equal(mode === "jwt", !!saved?.privateKey, `${mode}: the device key is stored in JWT mode`);
        assert.equal(await source.token(), token);
        assert.equal(saves, failedSaves + (mode === "jwt" ? 3 : 1), `${mode}: nothing more to save`);
      }
      assert.equal(emulator.count("POST /api/v2/users/signin"), 2, "one sign-in per mode, none again");
    } finally {
      await emulator.close();
    }
  });
});

describe("a JWT from the token exchange", () => {
  it("is refused when it is already expired or has no exp: invalid_response, and no token is kept", async () => {
    const emulator = await createEmulator();
    try {
      const config = defaultConfig().withClientId("exchange-test").withUrls(emulator.url).withFetch(
        emulator.fetch,
      )
        .withHttp({ retry: { retries: 0 } });
      const device = await registerDevice(emulator, { clientId: "exchange-test", expiresInSeconds: -10 });
      for (const expiresInSeconds of [-60, null]) {
        const bad = await emulator.issueJwt({ clientId: "exchange-test", expiresInSeconds });
        emulator.inject({
          match: "POST /api/v2/auth/token",
          kind: "status",
          status: 200,
          body: JSON.stringify({ auth_token: bad }),
          contentType: "application/json",
        });
        const store = memoryStore<SecureData>(device.data);
        await assert.rejects(config.tokenSource(withJwt(store)).token(), { code: "invalid_response" });
        assert.equal((await store.load())?.token, device.data.token, "the store keeps what it had");
        emulator.clearFaults();
      }
    } finally {
      await emulator.close();
    }
  });
});

/** A device whose key plex.tv forgot, its data in a store, and a configuration that does not retry. */
async function forgottenDevice(emulator: Emulator, clientId: string) {
  const base = defaultConfig().withUrls(emulator.url).withFetch(emulator.fetch).withHttp({
    retry: { retries: 0 },
  });
  const device = await registerDevice(emulator, { clientId, expiresInSeconds: -10 });
  emulator.forgetKey(clientId);
  return { base, store: memoryStore<SecureData>(device.data) };
}

describe("a re-registration", () => {
  it("tells the app its new client id again when telling it failed, before the store holds the id", async () => {
    const emulator = await createEmulator();
    try {
      const { base, store } = await forgottenDevice(emulator, "forgotten-2");
      let appClientId = "forgotten-2";
      let calls = 0;
      const source = base.withClientId(appClientId).tokenSource(
        withCredentials("plexuser", "plexpass"),
        withJwt(store, {
          onJwkMissing: "reregister",
          onReregister: (id) => {
            if (++calls <= 2) throw new Error("the app's settings could not be written");
            appClientId = id;
          },
        }),
      );
      for (let attempt = 1; attempt <= 2; attempt++) {
        await assert.rejects(source.token(), /could not be written/, `call ${attempt}`);
        assert.equal(
          (await store.load())?.clientId,
          "forgotten-2",
          "the store keeps the old id while untold",
        );
      }
      await source.token();
      assert.equal(calls, 3);
      assert.notEqual(appClientId, "forgotten-2");
      assert.equal((await store.load())?.clientId, appClientId, "the app and the store hold the same id");
    } finally {
      await emulator.close();
    }
  });

  it("tells the app its new client id only when the store is about to hold it", async () => {
    const emulator = await createEmulator();
    try {
      const { base, store } = await forgottenDevice(emulator, "forgotten");
      let appClientId = "forgotten";
      const told: string[] = [];
      const open = () =>
        base.withClientId(appClientId).tokenSource(
          withCredentials("plexuser", "plexpass"),
          withJwt(store, {
            onJwkMissing: "reregister",
            onReregister: async (id) => {
              told.push(id);
              assert.equal((await store.load())?.clientId, "forgotten", "told before the store holds it");
              appClientId = id;
            },
          }),
        );
      emulator.inject({ match: "POST /api/v2/users/signin", kind: "status", status: 503 });
      await assert.rejects(open().token(), { code: "server_error" });
      assert.deepEqual(told, [], "a registration that failed tells nothing");
      assert.equal(appClientId, "forgotten");
      const token = await open().token();
      assert.equal(told.length, 1);
      assert.equal(appClientId, told[0]);
      assert.equal((await store.load())?.clientId, appClientId);
      assert.equal((await open().token()).value, token.value, "the next start uses the new device");
    } finally {
      await emulator.close();
    }
  });
});
