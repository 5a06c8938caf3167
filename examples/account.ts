import process from "node:process";
import { defaultConfig, withToken } from "@plexkit/plextv";

const config = defaultConfig().withClientId(process.env.PLEXTV_CLIENT_ID!);
const client = config.client(config.tokenSource(withToken(process.env.PLEX_TOKEN!)));

// Who sees what: the friends, then each user's libraries on the servers the account owns.
for (const friend of await client.friends()) console.log(`friend ${friend.title} (${friend.status ?? "?"})`);
for (const server of (await client.servers()).filter((s) => s.owned)) {
  for (const share of await client.sharedServers(server.clientIdentifier)) {
    const libraries = share.sections.filter((s) => s.shared).map((s) => s.title);
    console.log(`${share.username} sees ${libraries.join(", ")} on ${server.name}`);
  }
}

// Webhooks live at plex.tv: each call returns the list as it is afterwards.
const hook = "https://hooks.example.com/plex";
console.log(`webhooks: ${(await client.addWebhook(hook)).join(", ")}`);
console.log(`webhooks: ${(await client.removeWebhook(hook)).length}`);

// The watchlist comes from the discover host (Config.withDiscoverUrl for another one).
for (const item of await client.watchlist({ sort: "watchlistedAt:desc" })) {
  console.log(`watchlist: ${item.title} (${item.year ?? "?"})`);
}

// Approve the PIN a headless server shows, as typing it at plex.tv/link would.
const code = process.env.PIN_CODE;
if (code) {
  await client.linkPin(code);
  console.log(`approved ${code}`);
}
