/**
 * The vendored plex-api-spec schemas (tests/fixtures/plex-api-spec, converted
 * from YAML to JSON, see its PROVENANCE.md) as validators, one per operation
 * and status: Ajv (a JSON Schema 2020-12 validator; OpenAPI 3.1 schemas are
 * JSON Schema) resolves the files' relative `$ref`s, ajv-formats checks
 * `date-time`, `uri` and `email`.
 *
 * @module
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parseXml, type XmlElement } from "../../lib/parse/xml.ts";

const ROOT = fileURLToPath(new URL("../fixtures/plex-api-spec/", import.meta.url));
const BASE = "https://plex-api-spec.invalid/";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith(".json") ? [path] : [];
  });
}

// deno-lint-ignore no-explicit-any
type Ajv = any;

function makeAjv(coerceTypes: boolean): Ajv {
  // deno-lint-ignore no-explicit-any
  const AjvClass = ((Ajv2020 as any).default ?? Ajv2020) as new (options: object) => Ajv;
  const ajv = new AjvClass({
    strict: false,
    validateSchema: false,
    allErrors: true,
    coerceTypes,
    inlineRefs: false,
  });
  // deno-lint-ignore no-explicit-any
  ((addFormats as any).default ?? addFormats)(ajv);
  ajv.addFormat("int32", {
    type: "number",
    validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
  });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat("password", true);
  for (const path of files(ROOT)) {
    // The files keep their YAML `$ref`s: each is registered under its original .yaml name.
    const id = BASE + relative(ROOT, path).replace(/\.json$/, ".yaml");
    ajv.addSchema({ ...JSON.parse(readFileSync(path, "utf8")), $id: id });
  }
  return ajv;
}

const ajvs = { json: makeAjv(false), xml: makeAjv(true) };

/** One error of a validation: where and what. */
export interface SpecError {
  /** The JSON pointer into the validated value. */
  instancePath: string;
  /** What is wrong. */
  message: string;
  /** The keyword's details, e.g. `missingProperty`. */
  params?: { missingProperty?: string };
}

/**
 * The validator of an operation's answer.
 *
 * @param file The path file under `src/paths/`, e.g. `pins/pins.yaml`.
 * @param method `get`, `post`, ...
 * @param status The status, e.g. `201`.
 * @param media `application/json` or `application/xml`.
 * @returns A function returning the errors for a body (empty when valid).
 */
export function specValidator(
  file: string,
  method: string,
  status: number,
  media = "application/json",
): (body: unknown) => SpecError[] {
  const pathId = `${BASE}src/paths/${file}`;
  const pathDoc = JSON.parse(readFileSync(join(ROOT, "src/paths", file.replace(/\.yaml$/, ".json")), "utf8"));
  let response = pathDoc[method]?.responses?.[String(status)];
  assertDefined(response, `${file} ${method} ${status} is not in the spec`);
  let ref = `${pathId}#/${method}/responses/${status}`;
  if (typeof response.$ref === "string") {
    const target = new URL(response.$ref, pathId).href;
    response = JSON.parse(
      readFileSync(join(ROOT, target.slice(BASE.length).replace(/\.yaml$/, ".json")), "utf8"),
    );
    ref = `${target}#`;
  }
  assertDefined(response.content?.[media]?.schema, `${file} ${method} ${status} has no ${media} schema`);
  const pointer = `${ref}/content/${media.replace("/", "~1")}/schema`;
  const ajv = media === "application/xml" ? ajvs.xml : ajvs.json;
  const validate = ajv.compile({ $ref: pointer.replace("##", "#") });
  return (body) => validate(body) ? [] : (validate.errors as SpecError[]).map((e) => ({ ...e }));
}

function assertDefined(value: unknown, message: string): void {
  if (value === undefined || value === null) throw new Error(message);
}

/**
 * An XML document as the object the spec's XML schemas describe: an element's
 * attributes as members, its children grouped by name into arrays, under its name.
 *
 * @param text The XML.
 * @returns `{ [rootName]: { ...attributes, Child: [...] } }`.
 */
export function xmlAsObject(text: string): Record<string, unknown> {
  const convert = (element: XmlElement): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...element.attributes };
    for (const [name, children] of Object.entries(element.children)) out[name] = children.map(convert);
    return out;
  };
  const root = parseXml(text);
  return { [root.name]: convert(root) };
}
