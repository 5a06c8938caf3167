import process from "node:process";
import { defaultConfig, isPlexError, withToken } from "@plexkit/plextv";
import { rankConnections } from "@plexkit/plextv/protocol";

const config = defaultConfig().withClientId(process.env.PLEXTV_CLIENT_ID!);
const client = config.client(config.tokenSource(withToken(process.env.PLEX_TOKEN!)));

const servers = await client.servers(); // owned and shared Plex Media Servers, with their own access tokens
console.log(`${servers.length} server(s)`);
for (const server of servers) {
  console.log(`- ${server.name} (${server.productVersion ?? "?"})`);
  for (const c of rankConnections(server)) {
    console.log(`    ${c.local ? "local" : c.relay ? "relay" : "remote"} ${c.uri}`);
  }
  try {
    const { uri } = await client.connect(server, { timeoutMs: 2_000 }); // probes them all, keeps the best that answers
    console.log(`  connected through ${uri}`);
  } catch (err) {
    console.log(`  not reachable: ${isPlexError(err) ? err.code : err}`);
  }
}
