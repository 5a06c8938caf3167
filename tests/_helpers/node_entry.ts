// Bundled by tests/node_runtime_test.ts and run under Node: the library signs in against the emulator.
import { defaultConfig, memoryStore, newClientId, withCredentials, withJwt } from "../../mod.ts";
import { startEmulator } from "../../lib/testing/mod.ts";

const emulator = await startEmulator();
try {
  const config = defaultConfig().withClientId(newClientId()).withUrls(emulator.url);
  const store = memoryStore();
  const source = config.tokenSource(withCredentials("plexuser", "plexpass"), withJwt(store));
  const user = await config.client(source).user();
  const token = await source.token();
  const claims = await config.verifyPlexToken(token, { thumbprint: (await store.load())?.keyId });
  console.log(JSON.stringify({
    runtime: typeof process === "object" ? process.release?.name : "unknown",
    username: user.username,
    jwt: token.isJwt(),
    verifiedFor: claims.user?.username,
    requests: emulator.requests.length,
  }));
} finally {
  await emulator.close();
}
