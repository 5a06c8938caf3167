// Store URIs through the public entry point: the memory store, a
// StoreRegistry with memory:/vault:/env: URIs, typed errors for unknown
// schemes, third-party schemes, and plugins that register nothing on import.
import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  isPlexError,
  type Logger,
  memoryStore,
  type OpenStoreOptions,
  PlexError,
  type SecureData,
  type SecureStore,
  StoreRegistry,
} from "../../mod.ts";
import { envScheme } from "../../plugins/env.ts";
import { vaultScheme } from "../../plugins/vault.ts";
import { rejection } from "../_helpers/emulator.ts";

const DATA: SecureData = { version: 1, clientId: "0d6e7f2a", token: "abcdefghij0123456789" };

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "plextv-registry-test-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("memoryStore", () => {
  it("loads undefined, then a copy of what was saved, then undefined after clear", async () => {
    const store = memoryStore();
    assert.equal(await store.load(), undefined);
    const data = structuredClone(DATA);
    await store.save(data);
    data.token = "changed by the caller";
    const loaded = await store.load();
    assert.deepEqual(loaded, DATA);
    loaded!.clientId = "changed by a reader";
    assert.deepEqual(await store.load(), DATA);
    await store.clear();
    assert.equal(await store.load(), undefined);
  });

  it("starts with a copy of its initial data", async () => {
    const initial = { count: 1, nested: { list: [1, 2] } };
    const store = memoryStore(initial);
    initial.nested.list.push(3);
    assert.deepEqual(await store.load(), { count: 1, nested: { list: [1, 2] } });
  });

  it("rejects undefined and uncloneable data with invalid_argument, keeping what it had", async () => {
    const store = memoryStore<unknown>({ kept: true });
    for (const bad of [undefined, { fn: () => 1 }]) {
      assert.equal((await rejection(store.save(bad))).code, "invalid_argument");
    }
    assert.deepEqual(await store.load(), { kept: true });
    assert.throws(() => memoryStore({ fn: () => 1 }), (err: unknown) => isPlexError(err, "invalid_argument"));
  });
});

describe("StoreRegistry.open", () => {
  it("opens memory: as a new empty store each time, and memory:NAME as one shared store", async () => {
    const stores = new StoreRegistry();
    const openStore = stores.open.bind(stores);
    const a = await openStore("memory:");
    await a.save(DATA);
    assert.equal(await (await openStore("memory:")).load(), undefined);
    const named = await openStore("memory:registry-test");
    await named.save(DATA);
    assert.deepEqual(await (await openStore("memory:registry-test")).load(), DATA);
    assert.deepEqual(await (await openStore("MEMORY:registry-test")).load(), DATA, "schemes ignore case");
    assert.equal(
      await (await new StoreRegistry().open("memory:registry-test")).load(),
      undefined,
      "per registry",
    );
  });

  it("reports an unknown scheme as unknown_store, naming it and listing the registered ones", async () => {
    const err = await rejection(new StoreRegistry().open("nosuchscheme:somewhere"));
    assert.equal(err.code, "unknown_store");
    assert.match(err.message, /nosuchscheme/);
    assert.match(err.hint ?? "", /memory:/);
    assert.match(err.hint ?? "", /registry\.use\(\)/);
    assert.ok(!(err.hint ?? "").includes("somewhere"));
  });

  it("names the plugin module of a first-party scheme the registry lacks", async () => {
    const err = await rejection(new StoreRegistry().open("vault:/tmp/x.vault", { passphrase: "p" }));
    assert.equal(err.code, "unknown_store");
    assert.match(err.hint ?? "", /@plexkit\/plextv\/plugins\/vault \(vaultScheme\)/);
  });

  it("rejects a URI without a scheme with invalid_argument", async () => {
    for (const uri of ["just-a-path", ":memory", ""]) {
      assert.equal((await rejection(new StoreRegistry().open(uri))).code, "invalid_argument");
    }
  });

  it("opens vault:PATH with the vault plugin", async () => {
    const stores = new StoreRegistry(vaultScheme);
    const openStore = stores.open.bind(stores);
    assert.ok(stores.schemes().includes("vault"));
    assert.equal(stores.pluginFor("vault:x")?.passphraseEnv, "PLEXTV_VAULT_PASSPHRASE");
    const path = join(dir, "sub", "device.vault");
    const store = await openStore(`vault:${path}`, { passphrase: () => Promise.resolve("correct horse") });
    await store.save(DATA);
    assert.equal((await stat(path)).size > 0, true);
    const again = await openStore(`vault:${path}`, { passphrase: "correct horse" });
    assert.deepEqual(await again.load(), DATA);
    const wrong = await openStore(`vault:${path}`, { passphrase: "wrong horse" });
    assert.equal((await rejection(wrong.load())).code, "wrong_passphrase");
  });

  it("expands vault:~/ to the home folder and requires a passphrase and a path", async () => {
    const stores = new StoreRegistry(vaultScheme);
    const openStore = stores.open.bind(stores);
    const home = await openStore("vault:~/.plextv-test.vault", { passphrase: "p" });
    assert.equal(String(home), `Vault(${join(homedir(), ".plextv-test.vault")})`);
    assert.equal((await rejection(openStore(`vault:${join(dir, "x")}`))).code, "invalid_argument");
    assert.equal((await rejection(openStore("vault:", { passphrase: "p" }))).code, "invalid_argument");
  });

  it("opens env: and env:PREFIX_ with the env plugin", async () => {
    const stores = new StoreRegistry(envScheme);
    const openStore = stores.open.bind(stores);
    const env = {
      PLEXTV_CLIENT_ID: "client-a",
      PLEXTV_TOKEN: "abcdefghij0123456789",
      MYAPP_CLIENT_ID: "client-b",
      MYAPP_TOKEN: "klmnopqrst0123456789",
    };
    assert.deepEqual(await (await openStore("env:", { env })).load(), {
      version: 1,
      clientId: "client-a",
      token: "abcdefghij0123456789",
    });
    assert.equal((await (await openStore("env:MYAPP_", { env })).load())?.clientId, "client-b");
    const warnings: string[] = [];
    const logger: Logger = { ...console, warn: (message: string) => void warnings.push(message) };
    const store = await openStore("env:MYAPP_", { env, logger });
    await store.save({ version: 1, clientId: "client-b", token: "uvwxyzabcd0123456789" });
    assert.equal((await store.load())?.token, "uvwxyzabcd0123456789");
    assert.equal(warnings.length, 1);
    assert.equal(env.MYAPP_TOKEN, "klmnopqrst0123456789");
    assert.equal((await rejection(openStore("env:MY-APP", { env }))).code, "invalid_argument");
  });
});

describe("StoreRegistry.register and use", () => {
  it("adds a third-party scheme whose factory gets the rest of the URI, the options and the scheme", async () => {
    const records = new Map<string, SecureData>();
    const calls: Array<{ rest: string; region: unknown; scheme: string }> = [];
    const stores = new StoreRegistry();
    const openStore = stores.open.bind(stores);
    stores.register(
      "registry-test-map",
      (rest, options: OpenStoreOptions, scheme): SecureStore<SecureData> => {
        calls.push({ rest, region: options.region, scheme });
        return {
          load: () => Promise.resolve(records.get(rest)),
          save: (data) => Promise.resolve(void records.set(rest, data)),
          clear: () => Promise.resolve(void records.delete(rest)),
        };
      },
    );
    assert.ok(stores.schemes().includes("registry-test-map"));
    const store = await openStore("Registry-Test-Map:team/device:1", { region: "eu" });
    await store.save(DATA);
    assert.deepEqual(records.get("team/device:1"), DATA);
    assert.deepEqual(calls, [{ rest: "team/device:1", region: "eu", scheme: "registry-test-map" }]);
  });

  it("runs the example plugin module: logged: wraps another store URI", async () => {
    const { loggedScheme } = await import("../../examples/logged_store_plugin.ts");
    const stores = new StoreRegistry();
    stores.use(loggedScheme(stores));
    const openStore = stores.open.bind(stores);
    const lines: string[] = [];
    const logger: Logger = { ...console, info: (message: string) => void lines.push(message) };
    const store = await openStore("logged:memory:registry-test-logged", { logger, logLabel: "device" });
    await store.save(DATA);
    assert.deepEqual(await store.load(), DATA);
    await store.clear();
    assert.deepEqual(lines, [
      "device: saved data for client 0d6e7f2a",
      "device: loaded data for client 0d6e7f2a",
      "device: cleared",
    ]);
    assert.equal(
      await (await openStore("memory:registry-test-logged")).load(),
      undefined,
      "the inner store was used",
    );
  });

  it("passes factory failures through, sync or async", async () => {
    const stores = new StoreRegistry();
    const openStore = stores.open.bind(stores);
    stores.register("registry-test-failing", (rest) => {
      if (rest === "sync") throw new PlexError("store_unavailable", "The backend is down");
      return Promise.reject(new PlexError("access_denied", "The backend refused"));
    });
    assert.equal((await rejection(openStore("registry-test-failing:sync"))).code, "store_unavailable");
    assert.equal((await rejection(openStore("registry-test-failing:async"))).code, "access_denied");
  });

  it("refuses malformed schemes and silent replacement, and replaces on request", async () => {
    const stores = new StoreRegistry();
    for (const scheme of ["", "My", "1abc", "with:colon", "sp ace"]) {
      assert.throws(
        () => stores.register(scheme, () => memoryStore()),
        (err: unknown) => isPlexError(err, "invalid_argument"),
      );
    }
    assert.throws(
      () => stores.register("memory", () => memoryStore()),
      (err: unknown) => isPlexError(err, "invalid_argument"),
    );
    assert.throws(
      () => stores.use({ schemes: [], open: () => memoryStore() }),
      (err: unknown) => isPlexError(err, "invalid_argument"),
    );
    const replacement = memoryStore(DATA);
    stores.register("registry-test-replace", () => memoryStore());
    stores.register("registry-test-replace", () => replacement, { replace: true });
    assert.deepEqual(await (await stores.open("registry-test-replace:")).load(), DATA);
  });
});

describe("plugins register nothing on import", () => {
  it("importing every plugin module leaves a new registry with memory: only, and the modules' schemes intact", async () => {
    const before = new StoreRegistry().schemes();
    const modules = await Promise.all([
      import("../../plugins/vault.ts"),
      import("../../plugins/env.ts"),
      import("../../plugins/keychain.ts"),
      import("../../plugins/redis.ts"),
    ]);
    assert.deepEqual(before, ["memory"]);
    assert.deepEqual(new StoreRegistry().schemes(), ["memory"]);
    const schemes = [
      modules[0].vaultScheme,
      modules[1].envScheme,
      modules[2].keychainScheme,
      modules[3].redisScheme,
    ];
    assert.deepEqual(new StoreRegistry(...schemes).schemes(), [
      "env",
      "keychain",
      "memory",
      "redis",
      "rediss",
      "vault",
    ]);
    assert.ok(Object.isFrozen(modules[0].vaultScheme) && Object.isFrozen(modules[3].redisScheme.schemes));
  });
});
