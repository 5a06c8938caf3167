/**
 * The browser example page (examples/browser/) in headless Chromium, driven
 * by playwright-core, against the plex.tv emulator: the popup sign-in, a
 * closed popup, and the forwardUrl sign-in across a reload.
 *
 * Needs Debian's Chromium at /usr/bin/chromium (`apt-get install -y chromium`):
 * without it the tests are skipped, or fail when `CI` is set. Everything runs
 * on 127.0.0.1; a request to any other host fails the test.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, before, it } from "node:test";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { buildBrowserExample } from "../../examples/browser/build.ts";
import { serveBrowserExample, type ServedPage } from "../../examples/browser/serve.ts";
import { type Emulator, startEmulator } from "../../lib/testing/mod.ts";
import { describeNeeding, RUN_BY_DENO_PASS } from "../_helpers/needs.ts";

const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const MISSING = `${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)`;
const STEP_MS = 15_000;
const PENDING_KEY = "plextv:pending-sign-in";

if (!HAVE_CHROMIUM && process.env.CI) {
  it("has Chromium to run the browser tests", () => assert.fail(`${MISSING}; CI must provide it`));
}
if (!HAVE_CHROMIUM && !process.env.CI) console.warn(`Skipping the browser end-to-end tests: ${MISSING}`);

describeNeeding(
  "the browser example in headless Chromium",
  HAVE_CHROMIUM ? RUN_BY_DENO_PASS : MISSING,
  () => {
    let emulator: Emulator;
    let site: ServedPage;
    let browser: Browser;
    let outDir: string;

    before(async () => {
      outDir = mkdtempSync(join(tmpdir(), "plextv-browser-e2e-"));
      buildBrowserExample(outDir);
      emulator = await startEmulator();
      site = await serveBrowserExample(outDir);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-quic",
          "--no-first-run",
          "--disable-component-update",
          "--disable-sync",
          // Any host name other than loopback fails to resolve, so nothing can leave the machine.
          "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
        ],
      });
    });

    after(async () => {
      await browser?.close();
      await emulator?.close();
      await new Promise((resolve) => site ? site.server.close(resolve) : resolve(undefined));
      if (outDir) rmSync(outDir, { recursive: true, force: true });
    });

    /** A fresh browser profile (empty storage) that records any request leaving 127.0.0.1. */
    async function openPage(): Promise<
      { context: BrowserContext; page: Page; offLoopback: string[]; errors: string[] }
    > {
      const context = await browser.newContext();
      const offLoopback: string[] = [];
      // Recorded, not intercepted: routing would make Playwright answer CORS preflights itself.
      context.on("request", (request) => {
        const url = new URL(request.url());
        if (url.protocol !== "about:" && url.hostname !== "127.0.0.1") offLoopback.push(request.url());
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (err) => errors.push(err.message));
      await page.goto(`${site.url}/?plex=${encodeURIComponent(emulator.url)}`);
      await page.locator("#status", { hasText: /^Signed out$/ }).waitFor({ timeout: STEP_MS });
      return { context, page, offLoopback, errors };
    }

    it(
      "signs in through the popup: click, approve in the popup, the account name shows",
      { timeout: 60_000 },
      async () => {
        const { context, page, offLoopback, errors } = await openPage();
        try {
          emulator.resetRequests();
          const clientId = await page.textContent("#client-id");
          const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("#sign-in")]);
          await popup.locator("#approve").waitFor({ timeout: STEP_MS });
          assert.equal(new URL(popup.url()).origin, emulator.url, "the popup shows the (emulated) auth app");
          assert.equal(await popup.textContent("#product"), "plextv browser example");
          const closed = popup.waitForEvent("close", { timeout: STEP_MS });
          await popup.click("#approve");
          await page.locator("#signed-in").waitFor({ state: "visible", timeout: STEP_MS });
          assert.equal(await page.textContent("#account"), emulator.users.default.username);
          assert.equal(await page.textContent("#token-kind"), "legacy");
          assert.equal(await page.textContent("#status"), "Signed in");
          await closed;
          assert.ok(popup.isClosed(), "the helper closed the popup");
          assert.equal(
            emulator.count((r) =>
              r.method === "POST" && r.path === "/api/v2/pins" && r.clientId === clientId
            ),
            1,
            "one PIN, with the page's client id",
          );
          assert.ok(
            emulator.count("OPTIONS /api/v2/user") >= 1,
            "the browser preflighted the X-Plex-* headers",
          );
          assert.equal(emulator.count("GET /api/v2/user"), 1);
          assert.deepEqual(offLoopback, []);
          assert.deepEqual(errors, []);
        } finally {
          await context.close();
        }
      },
    );

    it("says on the page that a ?plex= it cannot use is unusable, and keeps the buttons off", {
      timeout: 60_000,
    }, async () => {
      const context = await browser.newContext();
      try {
        for (
          const [given, pattern] of [["not-a-url", /^invalid_argument: The base URL not-a-url/], [
            "http://10.255.255.1:80",
            /^insecure_url: The URL http:\/\/10\.255\.255\.1:80 must use https/,
          ]] as const
        ) {
          const page = await context.newPage();
          const errors: string[] = [];
          page.on("pageerror", (err) => errors.push(err.message));
          await page.goto(`${site.url}/?plex=${encodeURIComponent(given)}`);
          await page.locator("#error", { hasText: pattern }).waitFor({ timeout: STEP_MS });
          assert.equal(await page.textContent("#status"), "Signed out");
          assert.ok(
            await page.isDisabled("#sign-in") && await page.isDisabled("#sign-in-forward"),
            "buttons off",
          );
          assert.deepEqual(errors, [], "no uncaught error");
          await page.close();
        }
      } finally {
        await context.close();
      }
    });

    it("shows popup_closed when the user closes the popup", { timeout: 60_000 }, async () => {
      const { context, page, offLoopback, errors } = await openPage();
      try {
        const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("#sign-in")]);
        await popup.locator("#approve").waitFor({ timeout: STEP_MS });
        await popup.close();
        const error = page.locator("#error");
        await page.locator('#error[data-code="popup_closed"]').waitFor({ timeout: STEP_MS });
        assert.match((await error.textContent()) ?? "", /^popup_closed: /);
        assert.equal(await page.textContent("#status"), "Signed out");
        assert.equal(await page.locator("#signed-in").isVisible(), false);
        assert.equal(await page.locator("#sign-in").isEnabled(), true, "the user can try again");
        assert.deepEqual(offLoopback, []);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });

    it("signs in through this tab: to the auth app, approve, back to the page, the account shows", {
      timeout: 60_000,
    }, async () => {
      const { context, page, offLoopback, errors } = await openPage();
      try {
        const pageUrl = page.url();
        const clientId = await page.textContent("#client-id");
        await page.click("#sign-in-forward");
        await page.waitForURL((url) => url.origin === emulator.url && url.pathname === "/auth", {
          timeout: STEP_MS,
        });
        const forwardUrl = new URLSearchParams(new URL(page.url()).hash.replace(/^#\??/, "")).get(
          "forwardUrl",
        );
        assert.equal(forwardUrl, pageUrl, "the auth app sends the browser back to the page");
        await page.click("#approve");
        await page.waitForURL((url) => url.origin === site.url, { timeout: STEP_MS });
        await page.locator("#signed-in").waitFor({ state: "visible", timeout: STEP_MS });
        assert.equal(await page.textContent("#account"), emulator.users.default.username);
        assert.equal(await page.textContent("#client-id"), clientId, "the client id survived the reload");
        assert.equal(
          await page.evaluate((key) => sessionStorage.getItem(key), PENDING_KEY),
          null,
          "pending PIN cleared",
        );
        await page.reload();
        await page.locator("#status", { hasText: /^Signed out$/ }).waitFor({ timeout: STEP_MS });
        assert.equal(await page.getAttribute("#error", "data-code"), "", "a reload does not finish it twice");
        assert.deepEqual(offLoopback, []);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  },
);
