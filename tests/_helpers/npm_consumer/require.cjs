// A CommonJS program: require() of the ESM package's every entry point (Node 20.19 and later, 22.12
// and later; an entry point with top-level await would be refused).
// Prints one JSON line: whether this Node can, what each entry point gave (the number of its
// exports, or the error's code), and the account it signed in to.
if (!process.features.require_module) {
  console.log(JSON.stringify({ requireModule: false, node: process.version }));
  process.exit(0);
}
const entries = [
  "",
  "/protocol",
  "/testing",
  "/browser",
  "/plugins/vault",
  "/plugins/env",
  "/plugins/keychain",
  "/plugins/redis",
  "/cli",
];
const loaded = {};
for (const entry of entries) {
  try {
    loaded[`.${entry}`] = Object.keys(require(`@plexkit/plextv${entry}`)).length;
  } catch (err) {
    loaded[`.${entry}`] = err.code;
  }
}
const { defaultConfig, withCredentials } = require("@plexkit/plextv");
const { startEmulator } = require("@plexkit/plextv/testing");
(async () => {
  const emulator = await startEmulator();
  try {
    const config = defaultConfig().withClientId("commonjs-consumer").withUrls(emulator.url);
    const account = await config.client(config.tokenSource(withCredentials("plexuser", "plexpass"))).user();
    console.log(JSON.stringify({ requireModule: true, loaded, username: account.username }));
  } finally {
    await emulator.close();
  }
})();
