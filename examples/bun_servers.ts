/**
 * List the account's Plex Media Servers and pick the best connection of each,
 * using the server's own access token (not the account token).
 *
 * Against the built-in plex.tv emulator (its servers are made up, so the
 * example only ranks their connections and does not dial them):
 *
 *   bun examples/bun_servers.ts
 *
 * Against plex.tv with a token you already have:
 *
 *   PLEXTV_URL=https://plex.tv PLEX_TOKEN=... bun examples/bun_servers.ts
 *
 * @module
 */
import { defaultConfig, isPlexError, newClientId, withToken } from "../mod.ts";
import { rankConnections } from "../protocol.ts";
import { startEmulator } from "../lib/testing/mod.ts";

const emulator = process.env.PLEXTV_URL ? undefined : await startEmulator();
const url = process.env.PLEXTV_URL ?? emulator!.url;
const clientId = process.env.PLEXTV_CLIENT_ID ?? newClientId();
const token = process.env.PLEX_TOKEN ?? emulator!.issueLegacyToken({ clientId });

const config = defaultConfig().withClientId(clientId).withUrls(url, process.env.PLEXTV_V2_URL ?? url);
const client = config.client(config.tokenSource(withToken(token)));

try {
  const servers = await client.servers();
  console.log(`${servers.length} server(s)`);
  for (const server of servers) {
    const ranked = rankConnections(server).map((c) =>
      `${c.local ? "local" : c.relay ? "relay" : "remote"} ${c.uri}`
    );
    console.log(`- ${server.name} (${server.productVersion ?? "?"}), ${ranked.length} connection(s):`);
    for (const line of ranked) console.log(`    ${line}`);
    if (emulator) continue;
    try {
      const { uri } = await client.connect(server, { timeout: 1_000 });
      console.log(`  connected through ${uri}`);
    } catch (err) {
      console.log(`  not reachable: ${isPlexError(err) ? err.code : String(err)}`);
    }
  }
} finally {
  await emulator?.close();
}
