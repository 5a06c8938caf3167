/**
 * Vault timings: the one-time key stretch (PBKDF2-HMAC-SHA256, 600,000
 * iterations) against the cheap operations that reuse the cached key, and
 * a load by a new instance (which stretches once). Figures only, no verdict.
 *
 * Run: `deno run -A bench/vault.ts` or `bun bench/vault.ts` (`--json` prints the rows as JSON).
 *
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import type { SecureData } from "../lib/store/store.ts";
import { Vault } from "../plugins/vault.ts";

const REPEAT = 50;
const data: SecureData = {
  version: 1,
  clientId: "0d6e7f2a-5b1c-4e8f-9a3d-2c4b6e8f0a1b",
  keyId: "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
  privateKey: {
    kty: "OKP",
    crv: "Ed25519",
    x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
    d: "x".repeat(43),
  },
  token: "eyJ" + "a".repeat(600),
  tokenExpiresAt: new Date().toISOString(),
};

async function time(run: () => Promise<unknown>, times = 1): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < times; i++) await run();
  return (performance.now() - start) / times;
}

const dir = await mkdtemp(join(tmpdir(), "plextv-vault-bench-"));
try {
  const path = join(dir, "device.vault");
  const vault = new Vault<SecureData>(path, "correct horse battery staple");
  const rows = [
    {
      operation: "first save (stretches the key once)",
      ms: await time(() => vault.save(data)),
    },
    {
      operation: `save, cached key (mean of ${REPEAT}, fsync included)`,
      ms: await time(() => vault.save(data), REPEAT),
    },
    {
      operation: `load, cached key (mean of ${REPEAT})`,
      ms: await time(() => vault.load(), REPEAT),
    },
    {
      operation: "load by a new instance (stretches the key once)",
      ms: await time(() => new Vault<SecureData>(path, "correct horse battery staple").load()),
    },
  ];
  const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify({ runtime, rows }));
  } else {
    console.log(
      `vault timings (${runtime}, PBKDF2-HMAC-SHA256 600,000 iterations)`,
    );
    for (const row of rows) {
      console.log(`${row.ms.toFixed(2).padStart(9)} ms  ${row.operation}`);
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
