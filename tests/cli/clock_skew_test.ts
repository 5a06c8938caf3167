/**
 * `plextv` on a machine whose clock is days behind (a Raspberry Pi without a
 * real-time clock after a reboot), for real: the command runs under
 * libfaketime (Debian's `faketime`, which shifts the clock of the process
 * and its runtime), against an emulator in this process on the true time,
 * as plex.tv is. A stored JWT issued after that clock's time is not judged
 * by it: plex.tv's time is asked first (the nonce), and the JWT refreshed.
 * One issued before it that expired an hour ago looks a week from expiry
 * there: plex.tv's 498 sets plextv's idea of plex.tv's time, the JWT is
 * refreshed with the device key, and the call is made again. `status` gives
 * the new token's expiry counted on plex.tv's time.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import process from "node:process";
import { before, describe, it } from "node:test";
import { registerDevice } from "../../lib/testing/mod.ts";
import { toEnvVariables } from "../../plugins/env.ts";
import { bunBinary, DENO, runCli, type Runtime, thisPass, useEmulatorHome } from "../_helpers/cli.ts";

const FAKETIME = "/usr/bin/faketime";
const world = useEmulatorHome();
const { home } = world;

/** A runtime running the CLI with its clock 8 days behind. */
function behind(runtime: Runtime): Runtime {
  return {
    name: `${runtime.name}, 8 days behind`,
    command: FAKETIME,
    prefix: ["-f", "-8d", runtime.command, ...runtime.prefix],
  };
}

/** A device registered at the emulator and kept in `env:` variables, with the emulator's requests reset. */
async function storedDevice(options: Parameters<typeof registerDevice>[1]) {
  const device = await registerDevice(world.emulator, options);
  const env = { PLEXTV_URL: world.emulator.url, PLEXTV_STORE: "env:", ...toEnvVariables(device.data) };
  world.emulator.resetRequests();
  return { device, env };
}

/** Runs `plextv user --json`, checks that it printed the account, and returns the device's requests. */
async function userRequests(
  runtime: Runtime,
  { device, env }: Awaited<ReturnType<typeof storedDevice>>,
): Promise<string[]> {
  const user = await runCli(runtime, ["user", "--json"], home, { env });
  assert.equal(user.code, 0, user.stderr);
  assert.equal(JSON.parse(user.stdout).username, world.emulator.users.default.username);
  return world.emulator.requests.filter((r) => r.clientId === device.clientId).map((r) =>
    `${r.method} ${r.path} ${r.status}`
  );
}

/** Whether an expiry is 7 days from now, as a JWT plex.tv has just issued (within 10 minutes). */
function sevenDaysFromNow(expiresAtMs: number): boolean {
  return Math.abs(expiresAtMs - (Date.now() + 7 * 86_400_000)) < 10 * 60_000;
}

let bun: Runtime | undefined;
const RUNTIMES = { deno: () => DENO, "bun binary": () => bun! };

/** Why the tests cannot run here, or `false`; with `CI` set, a missing faketime is an error. */
function skipReason(): string | false {
  if (existsSync(FAKETIME)) return false;
  const message = "faketime is not installed (apt-get install -y faketime)";
  if (process.env.CI) throw new Error(`${message}: CI must install it`);
  console.warn(`${message}; skipping the clock skew tests of the CLI`);
  return message;
}

describe("plextv on a machine whose clock is 8 days behind", { skip: skipReason() }, () => {
  before(async () => {
    if (thisPass(RUNTIMES).some(([name]) => name === "bun binary")) bun = await bunBinary();
  });

  it("runs under a clock that really is 8 days behind", async () => {
    const run = await runCli(
      { name: "date", command: FAKETIME, prefix: ["-f", "-8d", "date", "+%s"] },
      [],
      home,
    );
    const days = (Date.now() / 1000 - Number(run.stdout)) / 86_400;
    assert.ok(days > 7.9 && days < 8.1, `faketime moved the clock by ${days} days`);
  });

  for (const [name, runtime] of thisPass(RUNTIMES)) {
    it(`${name}: refreshes a stored JWT issued after its own clock's time before the first call, and counts its expiry on plex.tv's time`, async () => {
      const skewed = behind(runtime());
      const stored = await storedDevice({ expiresInSeconds: -3_600 });
      const { env } = stored;

      assert.deepEqual(
        await userRequests(skewed, stored),
        // The stored JWT was issued after this machine's time: its clock is behind, so the JWT's age is
        // unknown, and plex.tv's time is asked (the nonce) before it is used; on it, the JWT has expired.
        [
          "GET /api/v2/auth/nonce 200",
          "POST /api/v2/auth/token 200",
          "GET /api/v2/user 200",
        ],
      );

      const status = await runCli(skewed, ["status"], home, { env });
      assert.equal(status.code, 0, status.stderr);
      // The JWT just issued, 7 days on plex.tv's time (on this machine's own clock it would be 15 days;
      // the stored one, which plex.tv called expired, 7).
      const [, at, left] = /Expires:\s+(\S+ \S+) UTC \((.*)\)/.exec(status.stdout) ?? [];
      assert.ok(sevenDaysFromNow(Date.parse(`${at}Z`)), `expires ${at}`);
      // Counted on plex.tv's time, within its estimate's half second: 6 or 7 days, never 15.
      assert.match(left ?? "", /^in [67] days$/);
    });

    it(`${name}: token prints a JWT plex.tv accepts, not a stored one issued after its clock's time`, async () => {
      const skewed = behind(runtime());
      const { device, env } = await storedDevice({ expiresInSeconds: -3_600 });

      const run = await runCli(skewed, ["token", "--json"], home, { env });
      assert.equal(run.code, 0, run.stderr);
      const printed = JSON.parse(run.stdout) as { token: string; expiresAt: string };
      assert.notEqual(printed.token, device.data.token);
      assert.ok(sevenDaysFromNow(Date.parse(printed.expiresAt)), `expires ${printed.expiresAt}`);
      assert.equal(world.emulator.count("GET /api/v2/auth/nonce"), 1);
      assert.equal(world.emulator.count("POST /api/v2/auth/token"), 1);
    });

    it(`${name}: makes the call again with a refreshed JWT when plex.tv calls the stored one expired (498)`, async () => {
      const skewed = behind(runtime());
      // Issued 9 days ago for 9 days less an hour: before this machine's time, and a week from expiry on it.
      const stored = await storedDevice({
        issuedAt: Math.floor(Date.now() / 1000) - 9 * 86_400,
        expiresInSeconds: 9 * 86_400 - 3_600,
      });

      assert.deepEqual(
        await userRequests(skewed, stored),
        [
          "GET /api/v2/user 498",
          "GET /api/v2/auth/nonce 200",
          "POST /api/v2/auth/token 200",
          "GET /api/v2/user 200",
        ],
      );
    });
  }
});
