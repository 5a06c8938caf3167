/**
 * A store plugin for the CLI tests: `refusing:FILE?when=WHEN` keeps the
 * record as JSON in FILE and refuses saves as a full disk would (an error
 * with code ENOSPC): `when=always` refuses every save, `when=key` only a
 * record that holds a device key (the second save of `login --jwt`, the first
 * of `login --pin-jwt`), `when=refresh` a save over a record that holds a JWT
 * already (a refresh after `login --jwt`), declined with a reason (a save the
 * token source would make again later). Loaded with `--plugin`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { SecureData, SecureStore, StoreScheme } from "../../mod.ts";

const scheme: StoreScheme = {
  schemes: ["refusing"],
  open(rest): SecureStore<SecureData> {
    const [path, query = ""] = rest.split("?");
    const when = new URLSearchParams(query).get("when") ?? "always";
    const read = (): SecureData | undefined => {
      try {
        return JSON.parse(readFileSync(path, "utf8"));
      } catch {
        return undefined;
      }
    };
    return {
      load: () => Promise.resolve(read()),
      save: (data) => {
        if (when === "refresh" && read()?.token?.split(".").length === 3) {
          // Declined, which a token source takes as passing (it would save again later).
          return Promise.resolve({ saved: false, reason: "ENOSPC: the disk is full" });
        }
        if (when === "always" || (when === "key" && data.keyId)) {
          const err = new Error(`ENOSPC: no space left on device, write '${path}'`);
          return Promise.reject(Object.assign(err, { code: "ENOSPC" }));
        }
        writeFileSync(path, JSON.stringify(data), { mode: 0o600 });
        return Promise.resolve();
      },
      clear: () => {
        writeFileSync(path, "");
        return Promise.resolve();
      },
    };
  },
};

export default scheme;
