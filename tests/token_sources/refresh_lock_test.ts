// refreshUnderLock, the lock a fleet's replicas refresh under: a time to live or poll interval that is
// not a usable number of milliseconds is refused before the lock is asked for, never read as a lock that
// is down (which would let every replica refresh at once).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isPlexError, memoryStore, refreshUnderLock } from "../../mod.ts";

describe("refreshUnderLock", () => {
  it("refuses a ttlMs or pollMs that is not a usable number of milliseconds, before locking or refreshing", async () => {
    let locks = 0;
    let refreshes = 0;
    const store = {
      ...memoryStore(),
      lock: () => {
        locks++;
        return Promise.resolve({ release: () => Promise.resolve() });
      },
    };
    const plan = {
      refresh: () => Promise.resolve(++refreshes),
      reload: () => Promise.resolve(undefined),
      ttlMs: 5_000,
    };
    for (
      const bad of [{ ttlMs: NaN }, { ttlMs: -1 }, { ttlMs: "30000" }, { ttlMs: 0 }, { pollMs: Infinity }]
    ) {
      await assert.rejects(
        refreshUnderLock(store, { ...plan, ...bad } as typeof plan),
        (err) => isPlexError(err, "invalid_argument"),
        JSON.stringify(bad),
      );
    }
    assert.equal(locks, 0, "no lock asked for");
    assert.equal(refreshes, 0, "no refresh made");
    assert.equal(await refreshUnderLock(store, plan), 1);
    assert.equal(locks, 1);
  });
});
