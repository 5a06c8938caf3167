import process from "node:process";
import { defaultConfig, withJwt, withLogger } from "@plexkit/plextv";
import { redisStore } from "@plexkit/plextv/plugins/redis";

// Every replica: the same URI and the same PLEXTV_REDIS_PASSPHRASE (read from the environment).
const store = redisStore(process.env.REDIS_STORE ?? "redis://redis.internal:6379/0?key=my-service");
const identity = await store.load(); // registered once: PLEXTV_STORE=<this URI> plextv login --pin-jwt
if (!identity) throw new Error("No Plex identity in Redis yet: sign in once with plextv login --pin-jwt");

const config = defaultConfig().withClientId(identity.clientId).withDevice({ product: "My Service" });
const source = config.tokenSource(withJwt(store, { lockTtlMs: 30_000 }), withLogger(console));
const account = await config.client(source).user(); // one replica refreshes; the others read its JWT
console.log(`replica ${process.pid}: signed in as ${account.username}`);
