import process from "node:process";
import { processUserResponse } from "@plexkit/plextv/protocol";

// Any HTTP client will do: here a bare fetch, then plextv checks the status and validates the account.
const response = await fetch("https://plex.tv/api/v2/user", {
  headers: {
    Accept: "application/json",
    "X-Plex-Client-Identifier": process.env.PLEXTV_CLIENT_ID!,
    "X-Plex-Token": process.env.PLEX_TOKEN!,
  },
});
const account = processUserResponse({
  status: response.status,
  headers: response.headers,
  url: response.url,
  body: await response.text(),
});
console.log(`${account.username}: ${account.subscription.active ? "Plex Pass" : "no Plex Pass"}`);
