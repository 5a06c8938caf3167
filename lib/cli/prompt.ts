/**
 * Asking the user: a hidden prompt on a terminal (nothing is echoed), a
 * visible one for codes and names, and lines from stdin when it is not a
 * terminal (`echo "$PASSWORD" | plextv login --credentials ...`). Prompts
 * are written on stderr so stdout stays pipeable.
 *
 * @module
 */
import { CliError, EXIT } from "./exit.ts";
import type { Sink } from "./output.ts";

/**
 * Where a prompt reads keys from: `process.stdin`, or a test double.
 */
export interface Source {
  /** Whether it is a terminal. */
  isTTY?: boolean;
  /** Switches a terminal to raw mode (no echo, keys one by one). */
  setRawMode?(mode: boolean): unknown;
  /** Starts reading. */
  resume(): unknown;
  /** Stops reading, so the process can exit. */
  pause(): unknown;
  /** Listens to `data`, `end` and `error`. */
  // deno-lint-ignore no-explicit-any
  on(event: string, listener: (...args: any[]) => void): unknown;
  /** Stops listening. */
  // deno-lint-ignore no-explicit-any
  off(event: string, listener: (...args: any[]) => void): unknown;
}

/**
 * The user pressed Ctrl-C or Ctrl-D at a prompt (exit 2).
 *
 * @returns The error, to throw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cancelled } from "./prompt.ts";
 * assert.equal(cancelled().exitCode, 2);
 * ```
 */
export function cancelled(): CliError {
  return new CliError("Cancelled", { exitCode: EXIT.usage, cancelled: true });
}

/**
 * Reads answers from the user: key by key on a terminal, line by line otherwise.
 *
 * @example Reading piped lines
 * ```ts
 * import assert from "node:assert/strict";
 * import { Readable } from "node:stream";
 * import { Prompter } from "./prompt.ts";
 * const prompter = new Prompter(Readable.from(["first\nsecond\n"]), { write: () => true });
 * assert.ok(await prompter.line() === "first" && await prompter.line() === "second");
 * assert.equal(await prompter.line(), undefined);
 * ```
 */
export class Prompter {
  readonly #source?: Source;
  readonly #output: Sink;
  #buffer = "";
  #ended = false;
  #watchingEnd = false;
  #wake?: () => void;

  /**
   * Creates a prompter.
   *
   * @param input Where answers come from. Default `process.stdin`, touched only when asked.
   * @param output Where questions are written. Default `process.stderr`.
   */
  constructor(input?: Source, output?: Sink) {
    this.#source = input;
    this.#output = output ?? process.stderr;
  }

  get #input(): Source {
    return this.#source ?? (process.stdin as unknown as Source);
  }

  /** Whether the user can be asked (stdin is a terminal). */
  get interactive(): boolean {
    return this.#input.isTTY === true && typeof this.#input.setRawMode === "function";
  }

  /**
   * Asks on the terminal without echoing what is typed (passwords, passphrases).
   *
   * @param question The question, e.g. `Password: `.
   * @returns The answer.
   * @throws {CliError} `Cancelled` (exit 2) on Ctrl-C or Ctrl-D.
   */
  hidden(question: string): Promise<string> {
    return this.#ask(question, false);
  }

  /**
   * Asks on the terminal, echoing what is typed (codes, names).
   *
   * @param question The question, e.g. `Code: `.
   * @returns The answer.
   * @throws {CliError} `Cancelled` (exit 2) on Ctrl-C or Ctrl-D.
   */
  visible(question: string): Promise<string> {
    return this.#ask(question, true);
  }

  /**
   * Asks a yes-or-no question on the terminal.
   *
   * @param question The question, without the `[y/N]` part.
   * @param yes The answer to an empty reply. Default `false`.
   * @returns Whether the answer is yes.
   * @throws {CliError} `Cancelled` (exit 2) on Ctrl-C or Ctrl-D.
   */
  async confirm(question: string, yes = false): Promise<boolean> {
    const answer = (await this.visible(`${question} ${yes ? "[Y/n]" : "[y/N]"} `)).trim().toLowerCase();
    return answer === "" ? yes : answer === "y" || answer === "yes";
  }

  /**
   * Reads the next line from a non-terminal stdin, without its line ending.
   *
   * @returns The line, or `undefined` at the end of the input.
   */
  async line(): Promise<string | undefined> {
    while (!this.#buffer.includes("\n") && !this.#ended) await this.#readChunk();
    if (this.#buffer === "" && this.#ended) return undefined;
    const end = this.#buffer.indexOf("\n");
    const line = end < 0 ? this.#buffer : this.#buffer.slice(0, end);
    this.#buffer = end < 0 ? "" : this.#buffer.slice(end + 1);
    return line.replace(/\r$/, "");
  }

  #readChunk(): Promise<void> {
    const input = this.#input;
    if (!this.#watchingEnd) {
      this.#watchingEnd = true;
      input.on("end", () => {
        this.#ended = true;
        this.#wake?.();
      });
    }
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        this.#wake = undefined;
        input.off("data", onData);
        input.off("error", onError);
        input.pause();
      };
      const onData = (chunk: string | Uint8Array) => {
        this.#buffer += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
        done();
        resolve();
      };
      const onError = (err: unknown) => {
        done();
        reject(new CliError("Cannot read standard input", { cause: err }));
      };
      this.#wake = () => {
        done();
        resolve();
      };
      input.on("data", onData);
      input.on("error", onError);
      input.resume();
    });
  }

  #ask(question: string, echo: boolean): Promise<string> {
    const input = this.#input;
    const output = this.#output;
    output.write(question);
    input.setRawMode!(true);
    return new Promise<string>((resolve, reject) => {
      let answer = "";
      const finish = (error?: CliError) => {
        input.off("data", onData);
        input.setRawMode!(false);
        input.pause();
        output.write("\n");
        if (error) reject(error);
        else resolve(answer);
      };
      const onData = (chunk: string | Uint8Array) => {
        const text = typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
        // deno-lint-ignore no-control-regex
        for (const char of text.replace(/\x1b\[[0-9;?]*[A-Za-z~]|\x1b./g, "")) {
          if (char === "\r" || char === "\n") return finish();
          if (char === "\u0003" || (char === "\u0004" && answer === "")) return finish(cancelled());
          if (char === "\u007f" || char === "\b") {
            if (answer && echo) output.write("\b \b");
            answer = [...answer].slice(0, -1).join("");
          } else if (char >= " ") {
            answer += char;
            if (echo) output.write(char);
          }
        }
      };
      input.on("data", onData);
      input.resume();
    });
  }
}
