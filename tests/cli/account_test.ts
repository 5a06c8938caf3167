/**
 * `plextv link`, `friends`, `shares` and `webhooks`. The first part runs the
 * CLI in this process against a small stand-in for plex.tv that answers with
 * the recorded bodies of tests/_helpers/account_api.ts (tables, --json,
 * errors and exit codes, --help). The second part runs real CLI processes
 * (the Bun binary) against the emulator: one sandbox shows a PIN (`login --pin`, not a
 * terminal), a second signed-in sandbox approves it with `plextv link CODE`;
 * and a webhooks round trip.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { describeNeeding, RUN_BY_DENO_PASS } from "../_helpers/needs.ts";
import { main } from "../../lib/cli/main.ts";
import { startEmulator } from "../../lib/testing/mod.ts";
import { fixture } from "../_helpers/fixtures.ts";
import { bunBinary, type Home, makeHome, type Run, runCli } from "../_helpers/cli.ts";
import { FRIENDS_JSON, SHARE_TOKEN, SHARED_SERVERS_XML } from "../_helpers/account_api.ts";

const OWNED = "8276c3fa6bc24e44b347e19c71fbb98b9287c1e9"; // StreamMaster in resources.json
const TOKEN = "clitoken0123456789ab";

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A stand-in for plex.tv: canned account API answers, a webhook list it keeps, and what it was sent. */
async function standIn(): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const resources = await fixture("resources.json");
  const e1020 = await fixture("error_1020.json");
  const e1001 = await fixture("error_1001.json");
  const seen: Seen[] = [];
  let hooks: string[] = ["https://hooks.example.com/first"];
  const xml = (urls: string[]) =>
    `<MediaContainer size="${urls.length}">${
      urls.map((u) => `<webhook url="${u.replace(/&/g, "&amp;")}"/>`).join("")
    }</MediaContainer>`;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      seen.push({ method: req.method ?? "", path, headers: req.headers, body });
      const answer = (status: number, text = "", type = "application/json") => {
        res.writeHead(status, { "Content-Type": type });
        res.end(text);
      };
      const route = `${req.method} ${path}`;
      if (req.headers["x-plex-token"] !== TOKEN) return answer(401, e1001);
      if (route === "GET /api/v2/friends") return answer(200, FRIENDS_JSON);
      if (route === "GET /api/v2/resources") return answer(200, resources);
      if (route === `GET /api/servers/${OWNED}/shared_servers`) {
        return answer(200, SHARED_SERVERS_XML, "application/xml");
      }
      if (route === "GET /api/v2/user/webhooks") return answer(200, xml(hooks), "application/xml");
      if (route === "POST /api/v2/user/webhooks") {
        const form = new URLSearchParams(body);
        hooks = form.getAll("urls[]");
        return answer(200, xml(hooks), "application/xml");
      }
      if (route === "PUT /api/v2/pins/link") {
        return new URLSearchParams(body).get("code") === "7RQZ" ? answer(204) : answer(404, e1020);
      }
      answer(
        404,
        '{"errors":[{"code":1002,"message":"The requested resource or endpoint could not be found"}]}',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Input that is not a terminal and has nothing to say. */
const noInput = {
  isTTY: false,
  resume() {},
  pause() {},
  on(event: string, listener: () => void) {
    if (event === "end") queueMicrotask(listener);
  },
  off() {},
};

describe("plextv link, friends, shares, webhooks (in process, against a stand-in plex.tv)", () => {
  let plex: Awaited<ReturnType<typeof standIn>>;
  let home: Home;
  before(async () => {
    plex = await standIn();
    home = makeHome();
  });
  after(async () => {
    await plex.close();
    home.cleanup();
  });

  async function plextv(args: string[], env: Record<string, string> = {}): Promise<Run> {
    let stdout = "";
    let stderr = "";
    const code = await main(args, {
      env: { ...home.env, PLEX_TOKEN: TOKEN, PLEXTV_URL: plex.url, ...env },
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      stdin: noInput,
    });
    return { code, stdout, stderr };
  }

  function ok(run: Run, what: string): Run {
    assert.equal(run.code, 0, `${what} failed (${run.code}):\n${run.stderr}`);
    return run;
  }

  it("link CODE approves the PIN as the signed-in account, as Plex SSO", async () => {
    const run = ok(await plextv(["link", "7RQZ"]), "link");
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /Approved 7RQZ/);
    const put = plex.seen.find((s) => s.method === "PUT");
    assert.equal(put?.path, "/api/v2/pins/link");
    assert.equal(put?.body, "code=7RQZ");
    assert.equal(put?.headers["x-plex-product"], "Plex SSO");
  });

  it("link with an unknown code fails (exit 1) and says so; a malformed code is a usage error sent nowhere", async () => {
    const unknown = await plextv(["link", "ZZZZ"]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No PIN ZZZZ is waiting for approval\. Check the code the device shows/);
    const before = plex.seen.length;
    const bad = await plextv(["link", "7R"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /A PIN code is 4 to 64 letters and digits/);
    assert.equal(plex.seen.length, before);
    assert.equal((await plextv(["link"])).code, 2);
  });

  it("friends prints a table, and --json the typed friends", async () => {
    const table = ok(await plextv(["friends"]), "friends").stdout.split("\n");
    assert.match(table[0]!, /^TITLE\s+USERNAME\s+EMAIL\s+STATUS\s+KIND\s+ID$/);
    assert.match(table[1]!, /^ana\s+ana\s+ana@example\.com\s+accepted\s+friend\s+1001$/);
    assert.match(table[2]!, /^Kid\s+-\s+kid@example\.com\s+accepted\s+managed\s+1002$/);
    const json = JSON.parse(ok(await plextv(["friends", "--json"]), "friends --json").stdout);
    assert.deepEqual(json.map((f: { id: number }) => f.id), [1001, 1002]);
    assert.equal(json[0].friendSince, 1690000000);
  });

  it("shares SERVER finds an owned server by name, and prints libraries without the users' tokens", async () => {
    const run = ok(await plextv(["shares", "streammaster"]), "shares");
    const lines = run.stdout.split("\n");
    assert.match(lines[0]!, /^USER\s+EMAIL\s+LIBRARIES\s+ACCEPTED\s+USER ID$/);
    assert.match(lines[1]!, /^ana\s+ana@example\.com\s+Movies\s+2023-11-14 22:13 UTC\s+1001$/);
    assert.match(lines[2]!, /^-\s+-\s+all\s+-\s+1002$/);
    const json = ok(await plextv(["shares", OWNED, "--json"]), "shares --json").stdout;
    assert.ok(!json.includes(SHARE_TOKEN), "no server token in --json");
    assert.deepEqual(JSON.parse(json)[0].sections.map((s: { title: string }) => s.title), [
      "Movies",
      "TV & Specials",
    ]);
    assert.ok(plex.seen.some((s) => s.path === `/api/servers/${OWNED}/shared_servers`));
  });

  it("shares refuses a server the account does not own, or does not have", async () => {
    const shared = await plextv(["shares", "PirateBay"]);
    assert.equal(shared.code, 1);
    assert.match(
      shared.stderr,
      /PirateBay is shared with this account, not its own\. The account's servers: StreamMaster/,
    );
    const missing = await plextv(["shares", "Nowhere"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No server named Nowhere/);
    assert.equal((await plextv(["shares"])).code, 2);
  });

  it("webhooks lists, adds and removes, printing the list each time", async () => {
    const list = ok(await plextv(["webhooks"]), "webhooks").stdout;
    assert.equal(list, "URL\nhttps://hooks.example.com/first\n");
    const added = ok(await plextv(["webhooks", "add", "https://hooks.example.com/second?a=1&b=2"]), "add");
    assert.equal(
      added.stdout,
      "URL\nhttps://hooks.example.com/first\nhttps://hooks.example.com/second?a=1&b=2\n",
    );
    assert.match(added.stderr, /The webhook is set/);
    const again = ok(
      await plextv(["webhooks", "add", "https://hooks.example.com/second?a=1&b=2", "--json"]),
      "again",
    );
    assert.deepEqual(JSON.parse(again.stdout), [
      "https://hooks.example.com/first",
      "https://hooks.example.com/second?a=1&b=2",
    ]);
    const removed = ok(
      await plextv(["webhooks", "remove", "https://hooks.example.com/first", "--json"]),
      "remove",
    );
    assert.deepEqual(JSON.parse(removed.stdout), ["https://hooks.example.com/second?a=1&b=2"]);
  });

  it("webhooks errors: a missing URL to remove (exit 1), bad arguments (exit 2, nothing sent)", async () => {
    const missing = await plextv(["webhooks", "remove", "https://hooks.example.com/never"]);
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /The account has no such webhook \(it has \d+\)\. plextv webhooks lists the account's webhooks/,
    );
    const before = plex.seen.length;
    for (
      const args of [
        ["webhooks", "add"],
        ["webhooks", "frob", "x"],
        ["webhooks", "add", "ftp://x.example/"],
        [
          "webhooks",
          "add",
          "a",
          "b",
        ],
      ]
    ) {
      const run = await plextv(args);
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    }
    assert.equal(plex.seen.length, before);
  });

  it("PLEXTV_DISCOVER_URL is held to https or loopback like the other hosts", async () => {
    const run = await plextv(["friends"], { PLEXTV_DISCOVER_URL: "http://discover.example" });
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      "error: PLEXTV_DISCOVER_URL: The URL http://discover.example must use https (http only for loopback hosts). " +
        "Use https in PLEXTV_DISCOVER_URL, or http only for 127.0.0.1, localhost or [::1]\n",
    );
  });

  it("--help shows the usage, the options and an example for each command", async () => {
    for (
      const [name, example] of [
        ["link", "plextv link 7RQZ"],
        ["friends", "plextv friends"],
        ["shares", 'plextv shares "Living Room"'],
        ["webhooks", "plextv webhooks add https://hooks.example.com/plex"],
      ]
    ) {
      const help = ok(await plextv([name!, "--help"]), `${name} --help`).stdout;
      assert.match(help, new RegExp(`USAGE\\n  plextv ${name}`));
      assert.ok(help.includes("EXAMPLES") && help.includes(example!), `${name} has an example`);
      assert.ok(help.includes("--json"), `${name} lists the options`);
    }
  });
});

// ---------------------------------------------------------------- against the emulator, in real processes

const emulator = await startEmulator();
after(() => emulator.close());
const bun = await bunBinary();
describeNeeding("plextv link and webhooks against the emulator (two sandboxes)", RUN_BY_DENO_PASS, () => {
  const passphrase = "account cli tests";

  function ok(run: Run, what: string): Run {
    assert.equal(run.code, 0, `${what} failed (${run.code}):\n${run.stderr}`);
    return run;
  }

  async function signedInHome(username: string, password: string): Promise<Home> {
    const home = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: passphrase });
    ok(
      await runCli(bun, ["login", "--credentials", "--username", username], home, { stdin: `${password}\n` }),
      "login",
    );
    return home;
  }

  it("a sandbox showing a PIN is signed in by a second sandbox running plextv link CODE", async () => {
    emulator.addUser({ username: "laptopuser", password: "laptoppass" });
    const laptop = await signedInHome("laptopuser", "laptoppass");
    const headless = makeHome({ PLEXTV_URL: emulator.url, PLEXTV_VAULT_PASSPHRASE: passphrase });
    try {
      let linking: Promise<Run> | undefined;
      const login = await runCli(bun, ["login", "--pin"], headless, {
        timeoutMs: 60_000,
        onStderr: (_text, all) => {
          const code = /Code\s+(\S+)/.exec(all)?.[1];
          if (code && !linking && all.includes("Waiting for approval")) {
            linking = runCli(bun, ["link", code], laptop);
          }
        },
      });
      assert.ok(linking, `the headless sandbox showed no PIN:\n${login.stderr}`);
      const link = ok(await linking, "link");
      assert.match(link.stderr, /Approved \S+: the device that shows it is signing in to this account/);
      ok(login, "login --pin");
      assert.match(login.stderr, /Signed in to plex\.tv as laptopuser/);
      const user = JSON.parse(ok(await runCli(bun, ["user", "--json"], headless), "user").stdout);
      assert.equal(user.username, "laptopuser");
    } finally {
      laptop.cleanup();
      headless.cleanup();
    }
  });

  it("webhooks round trip: add, list, remove", async () => {
    const home = await signedInHome("plexuser", "plexpass");
    try {
      const url = "https://hooks.example.com/plextv-cli-round-trip";
      const before: string[] = JSON.parse(ok(await runCli(bun, ["webhooks", "--json"], home), "list").stdout);
      assert.ok(!before.includes(url));
      ok(await runCli(bun, ["webhooks", "add", url], home), "add");
      const listed = ok(await runCli(bun, ["webhooks"], home), "list after add").stdout;
      assert.ok(listed.split("\n").includes(url), listed);
      const removed = JSON.parse(
        ok(await runCli(bun, ["webhooks", "remove", url, "--json"], home), "remove").stdout,
      );
      assert.deepEqual(removed, before);
      assert.deepEqual(
        JSON.parse(ok(await runCli(bun, ["webhooks", "--json"], home), "list").stdout),
        before,
      );
    } finally {
      home.cleanup();
    }
  });
});
