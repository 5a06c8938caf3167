/**
 * The check of a configuration's HTTP settings (`Config.withHttp`): each
 * setting given is a usable value, and a name that is no setting (a typo such
 * as `maxRetries`) is refused, so no setting is ever dropped silently.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { checkLogger, type Logger } from "../logger.ts";
import { timeoutMs } from "./deadline.ts";
import { RETRY_SETTINGS, retryPolicy } from "./retry.ts";
import type { HttpSettings } from "./types.ts";

/** Whether `value` has each of `methods` as a function. */
const has = (...methods: string[]) => (value: unknown): boolean =>
  methods.every((method) => typeof (value as Record<string, unknown>)?.[method] === "function");

/** Each setting's check: `true` when usable; `timeoutMs`, `retry` and `logger` throw their own, more precise error. */
const CHECKS: Record<keyof HttpSettings, (value: unknown) => boolean> = {
  fetch: (value) => typeof value === "function",
  timeoutMs: (value) => timeoutMs(value, "The timeout") !== undefined,
  maxResponseBytes: (value) => Number.isSafeInteger(value) && (value as number) >= 0,
  retry: (value) => {
    if (typeof value !== "object" || value === null) return false;
    const unknown = Object.keys(value).find((name) => !RETRY_SETTINGS.includes(name));
    if (unknown !== undefined) {
      throw new PlexError("invalid_argument", `The retry policy has no setting ${unknown}`, {
        hint: `Its settings are ${RETRY_SETTINGS.join(", ")}`,
      });
    }
    retryPolicy(value);
    return true;
  },
  retryBudget: has("tryAcquire"),
  logger: (value) => (checkLogger(value as Logger), true),
  clock: has("now", "sleep", "random"),
  plexClock: has("observe", "now"),
};

/**
 * Checks HTTP settings before a configuration takes them: every setting that
 * is not `undefined` must be usable, and every name must be a setting.
 *
 * @param http The settings.
 * @returns The same settings.
 * @throws {PlexError} `invalid_argument` naming the first setting that is unknown or unusable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkHttpSettings } from "./http_settings.ts";
 * checkHttpSettings({ timeoutMs: 5_000, retry: { retries: 1 } });
 * assert.throws(() => checkHttpSettings({ retry: { maxRetries: 0 } } as never), { code: "invalid_argument" });
 * assert.throws(() => checkHttpSettings({ maxResponseBytes: Infinity }), { code: "invalid_argument" });
 * ```
 */
export function checkHttpSettings(http: HttpSettings): HttpSettings {
  if (typeof http !== "object" || http === null) {
    throw new PlexError("invalid_argument", "The HTTP settings are an object, such as { timeoutMs: 5000 }");
  }
  for (const [name, value] of Object.entries(http)) {
    const check = CHECKS[name as keyof HttpSettings];
    if (!check) {
      throw new PlexError("invalid_argument", `There is no HTTP setting ${name}`, {
        hint: `The settings are ${Object.keys(CHECKS).join(", ")}`,
      });
    }
    if (value !== undefined && !check(value)) {
      throw new PlexError("invalid_argument", `The HTTP setting ${name} is not a usable value`);
    }
  }
  return http;
}
