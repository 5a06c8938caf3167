import { chmod, readFile, rename, rm, writeFile } from "node:fs/promises";
import type { SecureData, SecureStore, StoreScheme } from "@plexkit/plextv";

// A store plugin for the plextv command: jsonfile:PATH keeps the record in a JSON file that only its owner
// can read (mode 0600), replaced atomically. It shows the contract; it does not encrypt, so prefer vault: or
// keychain: for real secrets. It imports only types from plextv, so it loads in any build of the CLI.
function jsonFileStore(path: string): SecureStore<SecureData> {
  return {
    async load() {
      const text = await readFile(path, "utf8").catch((err) =>
        err.code === "ENOENT" ? "" : Promise.reject(err)
      );
      return text.trim() === "" ? undefined : JSON.parse(text) as SecureData;
    },
    async save(data) {
      const temp = `${path}.${crypto.randomUUID()}.tmp`;
      await writeFile(temp, JSON.stringify(data, null, 2), { mode: 0o600 });
      await chmod(temp, 0o600);
      await rename(temp, path);
    },
    async clear() {
      await rm(path, { force: true });
    },
  };
}

// What --plugin loads: the default export, a scheme the CLI adds to its store registry.
export default {
  schemes: ["jsonfile"],
  open: (path: string) => {
    if (!path) throw new Error("jsonfile: needs a file path, such as jsonfile:/tmp/plextv.json");
    return jsonFileStore(path);
  },
} satisfies StoreScheme;
