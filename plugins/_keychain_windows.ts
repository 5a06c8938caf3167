/**
 * The Windows Credential Manager backend: Windows PowerShell reads a fixed
 * script from standard input (`-Command -`) that calls advapi32's
 * `CredReadW`, `CredWriteW` and `CredDeleteW` for a generic credential whose
 * target is `SERVICE/ACCOUNT`.
 *
 * Standard input holds the script, wrapped in `& { ... }` and ended by an
 * empty line (PowerShell runs stdin input statement by statement, and a
 * multi-line statement ends at an empty line), then the data lines the script
 * reads with `[Console]::In.ReadLine()`: each is `#` and base64 (a line the
 * script failed to read would be a comment, never a command). The data (the
 * target, the user name, the secret) is never part of the script text: the
 * script is the same for every item, so nothing can be injected into it and
 * script-block logging never records a secret.
 *
 * The script answers on standard output with `plextv:ok`, `plextv:notfound` or
 * `plextv:value:BASE64`, and on standard error with
 * `plextv:error:OPERATION:WIN32_CODE` or `plextv:error:script:MESSAGE`.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import process from "node:process";
import type { PlexError } from "../lib/errors.ts";
import type { BackendFactory, KeychainBackend, KeychainItem } from "./_keychain_backend.ts";
import { keychainError, type KeychainHints } from "./_keychain_errors.ts";
import { describeEnd, runTool, type SpawnResult, type ToolContext } from "./_keychain_spawn.ts";

/** The largest credential blob Credential Manager keeps: CRED_MAX_CREDENTIAL_BLOB_SIZE, 5 * 512 bytes. */
export const CRED_MAX_CREDENTIAL_BLOB_SIZE = 5 * 512;

/** The arguments PowerShell runs with: no profile, no prompts, the script from standard input. */
export const POWERSHELL_ARGS: readonly string[] = ["-NoProfile", "-NonInteractive", "-Command", "-"];

/**
 * Windows PowerShell's full path, from `SystemRoot` (so a `powershell.exe`
 * in the working folder or earlier in `PATH` cannot stand in for it).
 *
 * @param env The environment to read `SystemRoot` from.
 * @returns The path, `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe` by default.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { powershellPath } from "./_keychain_windows.ts";
 * assert.equal(powershellPath({ SystemRoot: "D:\\Win" }), "D:\\Win\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
 * ```
 */
export function powershellPath(env: Record<string, string | undefined> = process.env): string {
  const root = env.SystemRoot || env.SYSTEMROOT || env.windir || "C:\\Windows";
  return `${root.replace(/[\\/]+$/, "")}\\System32\\WindowsPowerShell\\v1.0\\powershell.exe`;
}

const _ERROR_NOT_FOUND = 1168;

const _HINTS: KeychainHints = {
  missing: "Windows PowerShell ships with Windows; check that powershell.exe exists under System32",
  timeout: "PowerShell or Credential Manager did not answer: retry, or raise the timeout",
};

// The P/Invoke wrapper: C# 5, compiled by Add-Type once per PowerShell process. No empty lines anywhere.
const _CSHARP = String.raw`using System;
using System.Runtime.InteropServices;
public static class PlextvCredentials {
  [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
  private struct CREDENTIAL {
    public uint Flags;
    public uint Type;
    public string TargetName;
    public string Comment;
    public System.Runtime.InteropServices.ComTypes.FILETIME LastWritten;
    public uint CredentialBlobSize;
    public IntPtr CredentialBlob;
    public uint Persist;
    public uint AttributeCount;
    public IntPtr Attributes;
    public string TargetAlias;
    public string UserName;
  }
  private const uint CRED_TYPE_GENERIC = 1;
  private const uint CRED_PERSIST_LOCAL_MACHINE = 2;
  [DllImport("advapi32.dll", EntryPoint = "CredReadW", CharSet = CharSet.Unicode, SetLastError = true)]
  private static extern bool CredRead(string target, uint type, uint flags, out IntPtr credential);
  [DllImport("advapi32.dll", EntryPoint = "CredWriteW", CharSet = CharSet.Unicode, SetLastError = true)]
  private static extern bool CredWrite(ref CREDENTIAL credential, uint flags);
  [DllImport("advapi32.dll", EntryPoint = "CredDeleteW", CharSet = CharSet.Unicode, SetLastError = true)]
  private static extern bool CredDelete(string target, uint type, uint flags);
  [DllImport("advapi32.dll", EntryPoint = "CredFree")]
  private static extern void CredFree(IntPtr buffer);
  public static int Read(string target, out byte[] blob) {
    blob = null;
    IntPtr handle;
    if (!CredRead(target, CRED_TYPE_GENERIC, 0, out handle)) return Marshal.GetLastWin32Error();
    try {
      CREDENTIAL credential = (CREDENTIAL)Marshal.PtrToStructure(handle, typeof(CREDENTIAL));
      blob = new byte[credential.CredentialBlobSize];
      if (blob.Length > 0) Marshal.Copy(credential.CredentialBlob, blob, 0, blob.Length);
      return 0;
    } finally {
      CredFree(handle);
    }
  }
  public static int Write(string target, string userName, byte[] blob) {
    CREDENTIAL credential = new CREDENTIAL();
    credential.Type = CRED_TYPE_GENERIC;
    credential.TargetName = target;
    credential.UserName = userName;
    credential.Persist = CRED_PERSIST_LOCAL_MACHINE;
    credential.CredentialBlobSize = (uint)blob.Length;
    credential.CredentialBlob = Marshal.AllocHGlobal(Math.Max(blob.Length, 1));
    try {
      Marshal.Copy(blob, 0, credential.CredentialBlob, blob.Length);
      if (!CredWrite(ref credential, 0)) return Marshal.GetLastWin32Error();
      return 0;
    } finally {
      Marshal.Copy(new byte[blob.Length], 0, credential.CredentialBlob, blob.Length);
      Marshal.FreeHGlobal(credential.CredentialBlob);
    }
  }
  public static int Delete(string target) {
    if (!CredDelete(target, CRED_TYPE_GENERIC, 0)) return Marshal.GetLastWin32Error();
    return 0;
  }
}`;

const _PRELUDE = String.raw`$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
trap { [Console]::Error.WriteLine('plextv:error:script:' + ($_.Exception.Message -replace '\s+', ' ')); exit 1 }
function Read-PlextvData {
  $line = [Console]::In.ReadLine()
  if ($null -eq $line -or -not $line.StartsWith('#')) { [Console]::Error.WriteLine('plextv:error:input:0'); exit 1 }
  return ,([Convert]::FromBase64String($line.Substring(1)))
}
function Read-PlextvText { return [Text.Encoding]::UTF8.GetString((Read-PlextvData)) }
Add-Type -TypeDefinition @'
${_CSHARP}
'@`;

/** The three operations of the script, each reading its data lines in order. */
export type WindowsOperation = "read" | "write" | "delete";

const _BODIES: Record<WindowsOperation, string> = {
  read: String.raw`$target = Read-PlextvText
$blob = $null
$code = [PlextvCredentials]::Read($target, [ref]$blob)
if ($code -eq ${_ERROR_NOT_FOUND}) { [Console]::Out.WriteLine('plextv:notfound'); exit 2 }
if ($code -ne 0) { [Console]::Error.WriteLine('plextv:error:read:' + $code); exit 1 }
[Console]::Out.WriteLine('plextv:value:' + [Convert]::ToBase64String($blob))
exit 0`,
  write: String.raw`$target = Read-PlextvText
$user = Read-PlextvText
$blob = [byte[]](Read-PlextvData)
$code = [PlextvCredentials]::Write($target, $user, $blob)
if ($code -ne 0) { [Console]::Error.WriteLine('plextv:error:write:' + $code); exit 1 }
[Console]::Out.WriteLine('plextv:ok')
exit 0`,
  delete: String.raw`$target = Read-PlextvText
$code = [PlextvCredentials]::Delete($target)
if ($code -eq ${_ERROR_NOT_FOUND}) { [Console]::Out.WriteLine('plextv:notfound'); exit 2 }
if ($code -ne 0) { [Console]::Error.WriteLine('plextv:error:delete:' + $code); exit 1 }
[Console]::Out.WriteLine('plextv:ok')
exit 0`,
};

/**
 * The script of one operation, as PowerShell reads it from standard input:
 * `& {`, the statements, `}` and an empty line. It holds no data: the same
 * text serves every item.
 *
 * @param operation `read`, `write` or `delete`.
 * @returns The script text (ASCII, lines ending in `\n`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { windowsScript } from "./_keychain_windows.ts";
 * const script = windowsScript("read");
 * assert.ok(script.startsWith("& {\n") && script.endsWith("\n}\n\n") && script.includes("CredReadW"));
 * ```
 */
export function windowsScript(operation: WindowsOperation): string {
  return `& {\n${_PRELUDE}\n${_BODIES[operation]}\n}\n\n`;
}

/**
 * One data line for the script: `#` and the base64 of the bytes.
 *
 * @param data Text (sent as UTF-8) or bytes.
 * @returns The line, with its line break.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { windowsDataLine } from "./_keychain_windows.ts";
 * assert.equal(windowsDataLine("plextv/default"), "#cGxleHR2L2RlZmF1bHQ=\n");
 * ```
 */
export function windowsDataLine(data: string | Uint8Array): string {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data);
  return `#${bytes.toString("base64")}\n`;
}

/**
 * The Windows backend for one item: a generic credential with target
 * `SERVICE/ACCOUNT`, user name `ACCOUNT`, persisted on the local machine,
 * whose blob is the secret text's bytes.
 *
 * @param item The service, account and label.
 * @param context How to run PowerShell.
 * @returns The backend.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { windowsBackend } from "./_keychain_windows.ts";
 * const backend = windowsBackend(
 *   { service: "plextv", account: "default", label: "plextv (default)" },
 *   { spawn: () => Promise.resolve({ exitCode: 2, signal: null, stdout: "plextv:notfound\r\n", stderr: "" }), timeoutMs: 1000 },
 * );
 * assert.equal(await backend.read(), undefined);
 * ```
 */
export const windowsBackend: BackendFactory = (item: KeychainItem, context: ToolContext): KeychainBackend => {
  const target = `${item.service}/${item.account}`;
  let command: string;
  try {
    command = powershellPath(context.env ?? process.env);
  } catch {
    command = powershellPath({}); // Deno without --allow-env: the default folder
  }
  const run = (operation: WindowsOperation, data: string[], secrets: string[] = []) =>
    runTool(context, {
      tool: "PowerShell",
      command,
      args: POWERSHELL_ARGS,
      stdin: windowsScript(operation) + data.join(""),
      secrets,
      hints: _HINTS,
    });
  return {
    name: "windows",
    async read(): Promise<string | undefined> {
      const result = await run("read", [windowsDataLine(target)]);
      const answer = _answer(result);
      if (answer.value !== undefined) {
        return new TextDecoder().decode(Buffer.from(answer.value, "base64"));
      }
      if (answer.notFound) return undefined;
      throw _failure(result, "read", []);
    },
    async write(secret: string): Promise<void> {
      const blob = Buffer.from(secret, "utf8");
      if (blob.length > CRED_MAX_CREDENTIAL_BLOB_SIZE) {
        throw keychainError(
          "store_error",
          `The data is too large for Windows Credential Manager: ${blob.length} bytes encoded, at most ` +
            `${CRED_MAX_CREDENTIAL_BLOB_SIZE}`,
          "Store less data",
        );
      }
      const dataLine = windowsDataLine(blob);
      const result = await run(
        "write",
        [windowsDataLine(target), windowsDataLine(item.account), dataLine],
        [secret, dataLine.slice(1, -1)],
      );
      if (_answer(result).ok) return;
      throw _failure(result, "write", [secret, dataLine.slice(1, -1)]);
    },
    async remove(): Promise<void> {
      const result = await run("delete", [windowsDataLine(target)]);
      const answer = _answer(result);
      if (answer.ok || answer.notFound) return;
      throw _failure(result, "delete", []);
    },
  };
};

interface _Answer {
  ok: boolean;
  notFound: boolean;
  value?: string;
}

function _answer(result: SpawnResult): _Answer {
  const lines = result.stdout.split(/\r?\n/).map((line) => line.trim());
  const value = lines.find((line) => line.startsWith("plextv:value:"));
  // The script prints an answer only after the call succeeded, so the answer counts whatever the exit code.
  return {
    ok: lines.includes("plextv:ok"),
    notFound: lines.includes("plextv:notfound"),
    value: value?.slice("plextv:value:".length),
  };
}

function _failure(result: SpawnResult, operation: string, secrets: string[]): PlexError {
  const stderr = _plainPowerShellError(result.stderr);
  const output = { output: stderr, secrets };
  const win32 = /plextv:error:(?:read|write|delete):(\d+)/.exec(stderr);
  if (win32) {
    const code = Number(win32[1]);
    switch (code) {
      case 5:
        return keychainError(
          "access_denied",
          `Credential Manager denied access (${operation}, error 5)`,
          "Check that this user may use Credential Manager",
        );
      case 1312:
        return keychainError(
          "store_unavailable",
          `Credential Manager is not available in this logon session (${operation}, error 1312)`,
          "Run plextv in an interactive sign-in session (not a service or a network logon)",
        );
      default:
        return keychainError(
          "store_error",
          `Credential Manager failed to ${operation} the credential (Windows error ${code})`,
          "Run the command again, or check the credential in Credential Manager",
        );
    }
  }
  if (/language mode/i.test(stderr)) {
    return keychainError(
      "access_denied",
      `PowerShell's language mode forbids the Credential Manager calls (${operation})`,
      "Allow Add-Type for plextv (PowerShell runs in constrained language mode)",
      output,
    );
  }
  if (/plextv:error:input:/.test(stderr)) {
    return keychainError(
      "store_error",
      `PowerShell did not receive plextv's data on standard input (${operation})`,
      "Report this with your PowerShell version ($PSVersionTable)",
    );
  }
  return keychainError(
    "store_error",
    `PowerShell failed to ${operation} the credential (${describeEnd(result)})`,
    "Run PowerShell from a terminal to see why",
    output,
  );
}

/** Error text from PowerShell's stderr, also when it came as CLIXML (`#< CLIXML` and `<S S="Error">` lines). */
function _plainPowerShellError(stderr: string): string {
  if (!stderr.trimStart().startsWith("#< CLIXML")) return stderr;
  const parts = [...stderr.matchAll(/<S S="Error">([\s\S]*?)<\/S>/g)].map((m) => m[1]);
  return parts.join("")
    .replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}
