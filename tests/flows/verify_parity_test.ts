// Parity: the same tokens through plextv's verifyPlexToken and through
// jose's jwtVerify (with a local key set and the equivalent options) get the
// same verdict: valid, expired_token (jose's ERR_JWT_EXPIRED) or
// invalid_token (any other jose error). Where plextv is deliberately stricter
// than jose, the cases are listed apart, with the reason.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createLocalJWKSet, errors, jwtVerify } from "jose";
import {
  defaultConfig,
  type DeviceKey,
  generateDeviceKey,
  isPlexError,
  PlexKeySet,
  type PublicJwk,
} from "../../mod.ts";
import { signJwt } from "../_helpers/jwt.ts";

const NOW = 1_900_000_000;
const CLIENT = "parity-client";

interface Case {
  name: string;
  token: string;
  /** The key set both verifiers use (default: keys a and b). */
  keys?: PublicJwk[];
  audience?: string | string[];
  clockToleranceSeconds?: number;
}

type Verdict = "valid" | "expired_token" | "invalid_token" | string;

function segment(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return btoa(text).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

const claims = (extra: Record<string, unknown> = {}) => ({
  iss: "plex.tv",
  aud: ["plex.tv", CLIENT],
  iat: NOW - 60,
  exp: NOW + 3600,
  thumbprint: "device-kid",
  user: { id: 1, username: "plexuser" },
  ...extra,
});

async function ours(item: Case, keys: PublicJwk[]): Promise<Verdict> {
  // The key set plex.tv "publishes" is the same set, answered by this fetch: nothing leaves the process.
  const body = JSON.stringify({ keys });
  const config = defaultConfig().withClientId(CLIENT).withFetch(() => Promise.resolve(new Response(body)));
  try {
    await config.verifyPlexToken(item.token, {
      keySet: new PlexKeySet(),
      audience: item.audience,
      clockToleranceSeconds: item.clockToleranceSeconds,
      now: new Date(NOW * 1000),
    });
    return "valid";
  } catch (err) {
    return isPlexError(err) ? err.code : `unexpected ${err}`;
  }
}

async function theirs(item: Case, keys: PublicJwk[]): Promise<Verdict> {
  try {
    await jwtVerify(item.token, createLocalJWKSet({ keys }), {
      algorithms: ["EdDSA"],
      issuer: "plex.tv",
      audience: item.audience,
      requiredClaims: ["exp", "iat", "thumbprint"],
      clockTolerance: item.clockToleranceSeconds,
      currentDate: new Date(NOW * 1000),
    });
    return "valid";
  } catch (err) {
    if (err instanceof errors.JWTExpired) return "expired_token";
    return err instanceof errors.JOSEError ? "invalid_token" : `unexpected ${err}`;
  }
}

async function cases(a: DeviceKey, b: DeviceKey): Promise<Case[]> {
  const sign = (key: DeviceKey, extra?: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    signJwt(key.privateKey, { kid: key.keyId, typ: "JWT", ...header }, claims(extra));
  const valid = await sign(a);
  const [h, p, s] = valid.split(".") as [string, string, string];
  const flipped = s.slice(0, 10) + (s[10] === "A" ? "B" : "A") + s.slice(11);
  const tamperedClaims = segment(claims({ exp: NOW + 99_999 }));
  const noKid = await signJwt(a.privateKey, { typ: "JWT" }, claims());
  return [
    { name: "valid", token: valid },
    { name: "valid, signed by the second key", token: await sign(b) },
    { name: "valid for the audience", token: valid, audience: CLIENT },
    { name: "valid for one of the audiences", token: valid, audience: ["other", CLIENT] },
    { name: "another audience", token: valid, audience: "other-client" },
    { name: "no aud, an audience asked for", token: await sign(a, { aud: undefined }), audience: CLIENT },
    { name: "expired", token: await sign(a, { exp: NOW - 10 }) },
    { name: "expiring this second", token: await sign(a, { exp: NOW }) },
    {
      name: "expired within the tolerance",
      token: await sign(a, { exp: NOW - 10 }),
      clockToleranceSeconds: 30,
    },
    {
      name: "expired beyond the tolerance",
      token: await sign(a, { exp: NOW - 60 }),
      clockToleranceSeconds: 30,
    },
    { name: "not yet valid", token: await sign(a, { nbf: NOW + 600 }) },
    {
      name: "not yet valid, within the tolerance",
      token: await sign(a, { nbf: NOW + 20 }),
      clockToleranceSeconds: 30,
    },
    { name: "valid since", token: await sign(a, { nbf: NOW - 600 }) },
    { name: "iat a string", token: await sign(a, { iat: String(NOW) }) },
    { name: "nbf a string", token: await sign(a, { nbf: String(NOW) }) },
    { name: "exp a string", token: await sign(a, { exp: String(NOW + 3600) }) },
    { name: "no exp", token: await sign(a, { exp: undefined }) },
    { name: "no iat", token: await sign(a, { iat: undefined }) },
    { name: "no thumbprint", token: await sign(a, { thumbprint: undefined }) },
    { name: "another issuer", token: await sign(a, { iss: "evil.example" }) },
    { name: "no issuer", token: await sign(a, { iss: undefined }) },
    { name: "bad signature", token: `${h}.${p}.${flipped}` },
    { name: "claims changed after signing", token: `${h}.${tamperedClaims}.${s}` },
    { name: "signed by another key under a known kid", token: await sign(b, {}, { kid: a.keyId }) },
    { name: "unknown kid", token: await sign(a, {}, { kid: "made-up" }) },
    { name: "kid a number", token: await sign(a, {}, { kid: 7 }) },
    { name: "no kid, two keys", token: noKid },
    { name: "no kid, one key", token: noKid, keys: [a.publicJwk] },
    { name: "unknown crit", token: await sign(a, {}, { crit: ["x-plex"], "x-plex": 1 }) },
    { name: "crit not an array", token: await sign(a, {}, { crit: "exp" }) },
    { name: "crit empty", token: await sign(a, {}, { crit: [] }) },
    { name: "crit b64, b64 false", token: await sign(a, {}, { crit: ["b64"], b64: false }) },
    { name: "alg HS256", token: `${segment({ alg: "HS256", kid: a.keyId })}.${p}.${s}` },
    { name: "alg none", token: `${segment({ alg: "none" })}.${p}.` },
    { name: "alg RS256", token: `${segment({ alg: "RS256", kid: a.keyId })}.${p}.${s}` },
    { name: "header not JSON", token: `${segment("{alg")}.${p}.${s}` },
    { name: "claims not JSON", token: `${h}.${segment("{iss")}.${s}` },
    { name: "claims an array", token: await signJwt(a.privateKey, { kid: a.keyId }, [1] as never) },
    { name: "two parts", token: `${h}.${p}` },
    { name: "five parts", token: `${h}.${p}.${s}.x.y` },
    { name: "duplicate kids", token: valid, keys: [a.publicJwk, { ...b.publicJwk, kid: a.keyId }] },
    { name: "the key only for encryption", token: valid, keys: [{ ...a.publicJwk, use: "enc" }] },
    { name: "the key for another alg", token: valid, keys: [{ ...a.publicJwk, alg: "ES256" }] },
    {
      name: "the key without verify in key_ops",
      token: valid,
      keys: [{ ...a.publicJwk, key_ops: ["sign"] } as never],
    },
    {
      name: "an RSA key beside the right one",
      token: valid,
      keys: [{ kty: "RSA", kid: "rsa", n: "sXch", e: "AQAB" } as never, a.publicJwk],
    },
  ];
}

describe("verifyPlexToken and jose's jwtVerify agree", () => {
  it("gives the same verdict on every case", async () => {
    const a = await generateDeviceKey();
    const b = await generateDeviceKey();
    const all = await cases(a, b);
    const verdicts: string[] = [];
    for (const item of all) {
      const keys = item.keys ?? [a.publicJwk, b.publicJwk];
      const [mine, jose] = [await ours(item, keys), await theirs(item, keys)];
      assert.equal(mine, jose, `${item.name}: plextv ${mine}, jose ${jose}`);
      verdicts.push(mine);
    }
    // The cases cover each verdict, so agreement is not agreement on one answer.
    for (const verdict of ["valid", "expired_token", "invalid_token"]) {
      assert.ok(verdicts.filter((v) => v === verdict).length >= 2, `${verdict} is covered`);
    }
  });

  it("is stricter than jose where a JWT can never be right", async () => {
    const a = await generateDeviceKey();
    const keys = [a.publicJwk];
    const sign = (extra?: Record<string, unknown>, header: Record<string, unknown> = {}) =>
      signJwt(a.privateKey, { kid: a.keyId, ...header }, claims(extra));
    const stricter: Case[] = [
      // jose ignores b64 outside crit; a JWT's payload is always encoded (RFC 7797 section 7).
      { name: "b64 false outside crit", token: await sign({}, { b64: false }) },
      // The thumbprint names the device key; plextv compares it as a string.
      { name: "thumbprint a number", token: await sign({ thumbprint: 7 }) },
    ];
    for (const item of stricter) {
      assert.equal(await theirs(item, keys), "valid", `${item.name}: jose accepts it`);
      assert.equal(await ours(item, keys), "invalid_token", `${item.name}: plextv refuses it`);
    }
  });
});
