/**
 * Requests per operation, counted at the plex.tv emulator, next to the
 * protocol's minimum: every cold login, a restart with a stored valid or
 * expired JWT, 100 concurrent `token()` calls, and `user()` ×100 on one source.
 *
 * Run: `deno run -A bench/requests.ts` or `bun bench/requests.ts` (`--json` prints the rows as JSON).
 *
 * @module
 */
import process from "node:process";
import {
  type Config,
  defaultConfig,
  memoryStore,
  newClientId,
  type OnPin,
  type SecureData,
  withCredentials,
  withJwt,
  withPin,
  withPinJwt,
} from "../mod.ts";
import { type Emulator, startEmulator } from "../lib/testing/mod.ts";
import type { RequestRecord } from "../lib/testing/mod.ts";
import { registeredDevice } from "./_device.ts";
import type { Table } from "./_table.ts";

/**
 * What one scenario made plex.tv do.
 *
 * @example
 * ```ts
 * import type { RequestCount } from "./requests.ts";
 * const count: RequestCount = { operation: "refresh", requests: 2, polls: 0, minimum: 2, endpoints: "GET /api/v2/auth/nonce ×1, POST /api/v2/auth/token ×1" };
 * ```
 */
export interface RequestCount {
  /** The scenario's name. */
  operation: string;
  /** Every request the emulator received during the operation. */
  requests: number;
  /** Of those, PIN status checks (`GET /api/v2/pins/{id}`). */
  polls: number;
  /** The fewest requests the protocol allows for the operation. */
  minimum: number;
  /** Requests by endpoint, e.g. `POST /api/v2/users/signin ×1`. */
  endpoints: string;
}

/** A scenario: prepares what it needs, resets the log, runs the operation. */
interface _Scenario {
  id: string;
  operation: string;
  minimum: number;
  run(emulator: Emulator): Promise<void>;
}

/**
 * The scenario ids, in the order of the table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SCENARIOS } from "./requests.ts";
 * assert.ok(SCENARIOS.includes("restart-valid"));
 * ```
 */
export const SCENARIOS: readonly string[] = [
  "credentials",
  "credentials-jwt",
  "pin",
  "pin-at-once",
  "pin-jwt",
  "pin-jwt-at-once",
  "restart-valid",
  "restart-expired",
  "concurrent-expired",
  "user-x100",
];

/** Poll interval and approval delay of the PIN scenarios: three polls, the last one approved. */
const POLL_MS = 100;
const APPROVE_AFTER_MS = 250;

function _config(emulator: Emulator, clientId: string = newClientId()): Config {
  return defaultConfig().withClientId(clientId).withUrls(emulator.url)
    .withAuthAppUrl(`${emulator.url}/auth`);
}

/** The user approves the PIN a little later, as a person at plex.tv/link would. */
function _approveLater(emulator: Emulator): OnPin {
  return (pin) => void setTimeout(() => emulator.approvePin(pin.code), APPROVE_AFTER_MS);
}

/** The user approves the PIN before the first status check. */
function _approveAtOnce(emulator: Emulator): OnPin {
  return (pin) => emulator.approvePin(pin.code);
}

/** A store holding a device key registered at the emulator and a JWT expiring in `expiresInSeconds`. */
async function _storedDevice(emulator: Emulator, expiresInSeconds: number) {
  const { config, data } = await registeredDevice(emulator, expiresInSeconds);
  return { config, store: memoryStore<SecureData>(data) };
}

function _ensure(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const _ALL: _Scenario[] = [
  {
    id: "credentials",
    operation: "cold login: credentials → legacy token",
    minimum: 1,
    async run(emulator) {
      const token = await _config(emulator).tokenSource(
        withCredentials("plexuser", "plexpass"),
      ).token();
      _ensure(
        token.isLegacy(),
        "The credentials sign-in did not return a legacy token",
      );
    },
  },
  {
    id: "credentials-jwt",
    operation: "cold login: credentials → JWT (sign-in, key upload, nonce, token)",
    minimum: 4,
    async run(emulator) {
      const source = _config(emulator).tokenSource(
        withCredentials("plexuser", "plexpass"),
        withJwt(memoryStore()),
      );
      _ensure(
        (await source.token()).isJwt(),
        "The credentials → JWT sign-in did not return a JWT",
      );
    },
  },
  {
    id: "pin",
    operation:
      `cold login: PIN → legacy token (approved after ${APPROVE_AFTER_MS} ms, polls every ${POLL_MS} ms)`,
    minimum: 2,
    async run(emulator) {
      const source = _config(emulator).tokenSource(
        withPin(_approveLater(emulator), { pollInterval: POLL_MS }),
      );
      _ensure(
        (await source.token()).isLegacy(),
        "The PIN sign-in did not return a legacy token",
      );
    },
  },
  {
    id: "pin-at-once",
    operation: "cold login: PIN → legacy token (approved before the first poll)",
    minimum: 2,
    async run(emulator) {
      const source = _config(emulator).tokenSource(
        withPin(_approveAtOnce(emulator), { pollInterval: POLL_MS }),
      );
      _ensure(
        (await source.token()).isLegacy(),
        "The PIN sign-in did not return a legacy token",
      );
    },
  },
  {
    id: "pin-jwt",
    operation:
      `cold login: PIN + JWK → JWT (approved after ${APPROVE_AFTER_MS} ms, polls every ${POLL_MS} ms)`,
    minimum: 2,
    async run(emulator) {
      const source = _config(emulator).tokenSource(
        withPinJwt(_approveLater(emulator), { pollInterval: POLL_MS }),
        withJwt(memoryStore()),
      );
      _ensure(
        (await source.token()).isJwt(),
        "The PIN + JWK sign-in did not return a JWT",
      );
    },
  },
  {
    id: "pin-jwt-at-once",
    operation: "cold login: PIN + JWK → JWT (approved before the first poll)",
    minimum: 2,
    async run(emulator) {
      const source = _config(emulator).tokenSource(
        withPinJwt(_approveAtOnce(emulator), { pollInterval: POLL_MS }),
        withJwt(memoryStore()),
      );
      _ensure(
        (await source.token()).isJwt(),
        "The PIN + JWK sign-in did not return a JWT",
      );
    },
  },
  {
    id: "restart-valid",
    operation: "restart with a stored valid JWT",
    minimum: 0,
    async run(emulator) {
      const { config, store } = await _storedDevice(emulator, 7 * 86_400);
      emulator.resetRequests();
      _ensure(
        (await config.tokenSource(withJwt(store)).token()).isValid(),
        "The stored JWT was not served",
      );
    },
  },
  {
    id: "restart-expired",
    operation: "restart with a stored expired JWT",
    minimum: 2,
    async run(emulator) {
      const { config, store } = await _storedDevice(emulator, -3_600);
      emulator.resetRequests();
      _ensure(
        (await config.tokenSource(withJwt(store)).token()).isValid(),
        "The expired JWT was not refreshed",
      );
    },
  },
  {
    id: "concurrent-expired",
    operation: "100 concurrent token() calls, stored JWT expired",
    minimum: 2,
    async run(emulator) {
      const { config, store } = await _storedDevice(emulator, -60);
      emulator.resetRequests();
      const source = config.tokenSource(withJwt(store));
      const tokens = await Promise.all(
        Array.from({ length: 100 }, () => source.token()),
      );
      _ensure(
        new Set(tokens.map((t) => t.value)).size === 1,
        "Concurrent token() calls returned different tokens",
      );
    },
  },
  {
    id: "user-x100",
    operation: "user() ×100 on one source (stored valid JWT)",
    minimum: 100,
    async run(emulator) {
      const { config, store } = await _storedDevice(emulator, 7 * 86_400);
      emulator.resetRequests();
      const client = config.client(config.tokenSource(withJwt(store)));
      for (let i = 0; i < 100; i++) {
        _ensure((await client.user()).username, "user() returned no username");
      }
    },
  },
];

function _endpoint(record: RequestRecord): string {
  return `${record.method} ${record.path.replace(/\/pins\/\d+$/, "/pins/{id}")}`;
}

function _endpoints(records: readonly RequestRecord[]): string {
  const counts = new Map<string, number>();
  for (const record of records) {
    counts.set(_endpoint(record), (counts.get(_endpoint(record)) ?? 0) + 1);
  }
  return [...counts].map(([endpoint, count]) => `${endpoint} ×${count}`).join(
    ", ",
  ) || "none";
}

/**
 * Runs scenarios against an emulator and counts the requests each made (the
 * emulator's log is reset before each operation, after its setup).
 *
 * @param emulator A running emulator (its request log is reset).
 * @param ids The scenarios to run (default: all of {@linkcode SCENARIOS}).
 * @returns One count per scenario, in the order of {@linkcode SCENARIOS}.
 * @throws {Error} for an unknown scenario id, or when an operation fails.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { countRequests } from "./requests.ts";
 * import { startEmulator } from "../lib/testing/mod.ts";
 * const emulator = await startEmulator();
 * try {
 *   const [restart] = await countRequests(emulator, ["restart-valid"]);
 *   assert.ok(restart.requests === 0);
 * } finally {
 *   await emulator.close();
 * }
 * ```
 */
export async function countRequests(
  emulator: Emulator,
  ids: readonly string[] = SCENARIOS,
): Promise<RequestCount[]> {
  for (const id of ids) {
    if (!SCENARIOS.includes(id)) throw new Error(`Unknown scenario ${id}`);
  }
  const counts: RequestCount[] = [];
  for (const scenario of _ALL.filter((s) => ids.includes(s.id))) {
    emulator.resetRequests();
    await scenario.run(emulator);
    const records = [...emulator.requests];
    counts.push({
      operation: scenario.operation,
      requests: records.length,
      polls: records.filter((r) => r.method === "GET" && /^\/api\/v2\/pins\/\d+$/.test(r.path)).length,
      minimum: scenario.minimum,
      endpoints: _endpoints(records),
    });
  }
  return counts;
}

/**
 * The request counts as a table.
 *
 * @param counts The counts.
 * @returns The table of the section.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requestCountsTable } from "./requests.ts";
 * const table = requestCountsTable([{ operation: "restart", requests: 3, polls: 0, minimum: 2, endpoints: "" }]);
 * assert.ok(table.rows[0][4] === 1);
 * ```
 */
export function requestCountsTable(counts: readonly RequestCount[]): Table {
  return {
    title: "Requests per operation (counted at the plex.tv emulator)",
    columns: [
      { header: "operation" },
      { header: "requests", align: "right" },
      { header: "of which PIN polls", align: "right" },
      { header: "protocol minimum", align: "right" },
      { header: "over the minimum", align: "right" },
      { header: "endpoints" },
    ],
    rows: counts.map((c) => [
      c.operation,
      c.requests,
      c.polls,
      c.minimum,
      c.requests - c.minimum,
      c.endpoints,
    ]),
    notes: [
      "PIN minimum: create + one status check after approval; the polls before approval wait for the person " +
      `(plextv polls every second by default; ${POLL_MS} ms here to keep the run short).`,
      "JWT minimum: sign-in + key upload + nonce + token; a refresh is nonce + token.",
    ],
  };
}

/**
 * Starts an emulator, counts every scenario, and closes it.
 *
 * @returns The table of the section.
 * @throws {Error} when an operation fails.
 *
 * @example
 * ```ts ignore
 * import { requestsSection } from "./requests.ts";
 * import { formatTable } from "./_table.ts";
 * console.log(formatTable(await requestsSection()));
 * ```
 */
export async function requestsSection(): Promise<Table> {
  const emulator = await startEmulator({ nonceRateLimit: 1_000 });
  try {
    return requestCountsTable(await countRequests(emulator));
  } finally {
    await emulator.close();
  }
}

if (import.meta.main) {
  if (process.argv.includes("--json")) {
    const emulator = await startEmulator({ nonceRateLimit: 1_000 });
    try {
      console.log(JSON.stringify(await countRequests(emulator), null, 2));
    } finally {
      await emulator.close();
    }
  } else {
    const { formatTable } = await import("./_table.ts");
    console.log(formatTable(await requestsSection()));
  }
}
