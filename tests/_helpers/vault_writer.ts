// A child process of tests/plugins/vault_test.ts: saves to one vault `count` times.
// Arguments: vault path, writer number, count. The passphrase arrives on stdin
// (never in argv). Each saved value is { writer, n, check } with
// check = `${writer}:${n}`, so readers can tell a whole value from a mixed one.
import process from "node:process";
import { Vault } from "../../plugins/vault.ts";

const [path, writerText, countText] = process.argv.slice(-3);
const writer = Number(writerText);
const count = Number(countText);

let passphrase = "";
for await (const chunk of process.stdin) passphrase += new TextDecoder().decode(chunk as Uint8Array);
passphrase = passphrase.replace(/\n$/, "");

const vault = new Vault<{ writer: number; n: number; check: string }>(path, passphrase);
for (let n = 0; n < count; n++) {
  await vault.save({ writer, n, check: `${writer}:${n}` });
}
process.stdout.write(`saved ${count}\n`);
