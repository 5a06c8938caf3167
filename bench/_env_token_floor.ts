/**
 * The start-up section's floor for `plextv token` with an `env:` store: the
 * work that command cannot skip, written out in one file with nothing else,
 * compiled like the binary. It reads the `PLEXTV_*` variables, imports the
 * private JWK through jose and exports it (so `d` is seen to derive to `x`),
 * hashes the key's RFC 7638 thumbprint with Bun's synchronous SHA-256 and
 * compares it with `PLEXTV_KEY_ID`, checks the JWT's expiry against the
 * refresh margin, and prints the token. It is a measure, not an option: it
 * checks less than plextv (no store session, no URL or option checks, no
 * typed errors), so the gap between the two rows is what plextv's own
 * structure costs at start-up.
 *
 * Run: `bun bench/_env_token_floor.ts` with the variables of `plextv keys export --format env`.
 *
 * @module
 */
import { exportJWK } from "jose/key/export";
import { importJWK } from "jose/key/import";

/** Bun's hasher, the one Bun global this file uses (it runs as a Bun binary only). */
declare const Bun: {
  CryptoHasher: new (
    algorithm: "sha256",
  ) => { update(text: string): { digest(encoding: "base64url"): string } };
};

/** The token source's refresh margin (lib/token_sources/freshness.ts): a day. */
const MARGIN_MS = 24 * 60 * 60 * 1000;

const env = process.env;
const fail = (what: string): never => {
  console.error(`_env_token_floor: ${what}`);
  process.exit(1);
};
/** Base64url (or base64) text to UTF-8 text, natively: Bun's `Buffer` reads both alphabets. */
const decodeText = (text: string): string => Buffer.from(text, "base64url").toString("utf8");

if (!env.PLEXTV_CLIENT_ID) fail("PLEXTV_CLIENT_ID is not set");
const rawKey = env.PLEXTV_PRIVATE_KEY ?? fail("PLEXTV_PRIVATE_KEY is not set");
const jwk = JSON.parse(
  rawKey.startsWith("{") ? rawKey : decodeText(rawKey),
) as JsonWebKey;
if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || !jwk.d || !jwk.x) fail("not an Ed25519 private JWK");
const derived = await exportJWK(await importJWK(jwk, "Ed25519", { extractable: true }));
if (derived.x !== jwk.x) fail("x is not d's public key");
const thumbprint = new Bun.CryptoHasher("sha256").update(`{"crv":"Ed25519","kty":"OKP","x":"${derived.x}"}`)
  .digest("base64url");
if (thumbprint !== env.PLEXTV_KEY_ID) {
  fail("PLEXTV_KEY_ID is not the key's thumbprint");
}
const token = env.PLEXTV_TOKEN ?? fail("PLEXTV_TOKEN is not set");
const claims = JSON.parse(decodeText(token.split(".")[1] ?? "")) as {
  exp?: number;
};
if (typeof claims.exp !== "number" || claims.exp * 1000 - MARGIN_MS <= Date.now()) fail("the JWT is due");
console.log(token);
