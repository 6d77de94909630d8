/**
 * Checks Hearth's client-server responses against the Matrix specification's own OpenAPI 3.1
 * documents (v1.19, vendored in spec/fixtures/matrix-spec/, see its README).
 *
 * Every YAML file is added to one ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses) under an `$id`
 * made from its path, so the spec's relative `$ref`s (`definitions/errors/error.yaml`,
 * `../../event-schemas/schema/core-event-schema/event.yaml#/…`) resolve as they do in the spec.
 * A response is checked against the schema of the operation matched by method and path, for its
 * status (`"200"`, then `"4XX"`, then `"default"`); an error status the operation does not list is
 * checked against the standard error shape (`definitions/errors/error.yaml`).
 *
 * The validator is not made lenient to let Hearth pass: the only allowances are the known schema
 * bugs in KNOWN_SCHEMA_BUGS, each explained there.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import formatsModule from "ajv-formats";
import YAML from "yaml";

// ajv-formats is CommonJS: under NodeNext the default import is `module.exports`, whose
// `default` property is the plugin.
const addFormats = formatsModule.default;

const SPEC_ROOT = join(import.meta.dirname, "..", "fixtures", "matrix-spec");
const BASE_URI = "https://matrix-spec.invalid/data/";
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

/**
 * The spec's string formats (string-formats.yaml) as real checks: the grammar of the appendices,
 * kept to what every valid identifier satisfies (a sigil, a localpart or opaque part, and, for
 * user IDs and aliases, `:server`; room and event IDs are opaque from room version 3 on).
 */
const MATRIX_FORMATS: Record<string, (value: string) => boolean> = {
  "mx-user-id": (v) => /^@[^:\s]+:\S+$/.test(v),
  "mx-room-alias": (v) => /^#[^:\s]+:\S+$/.test(v),
  "mx-room-id": (v) => /^![^\s]+$/.test(v),
  "mx-event-id": (v) => /^\$[^\s]+$/.test(v),
  "mx-server-name": (v) => /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(v),
  "mx-mxc-uri": (v) => /^mxc:\/\/[^/\s]+\/[^/\s]+$/.test(v),
  "mx-unpadded-base64": (v) => /^[A-Za-z0-9+/]*$/.test(v),
  "mx-urlsafe-unpadded-base64": (v) => /^[A-Za-z0-9_-]*$/.test(v),
};

/**
 * Known bugs in the v1.19 schemas, as `(file, pointer into it) → replacement fragment`, applied
 * to the loaded documents before compiling. Each entry says why the schema, not the server, is
 * wrong, quoting the spec text.
 */
const KNOWN_SCHEMA_BUGS: Array<{ file: string; pointer: string[]; why: string; patch: (node: Record<string, unknown>) => void }> = [
  {
    file: "api/client-server/rooms.yaml",
    pointer: ["paths", "/rooms/{roomId}/state/{eventType}/{stateKey}", "get", "responses", "200", "content", "application/json", "schema"],
    why:
      "getRoomStateWithKey answers 'The content of the state event, or the entire client-formatted event if " +
      "`?format=event` was used' as `oneOf: [{type: object}, state_event.yaml]`; every event is also an object, " +
      "so a correct `?format=event` answer matches both branches and fails `oneOf`. `anyOf` is what the text says.",
    patch: (schema) => {
      schema.anyOf = schema.oneOf;
      delete schema.oneOf;
    },
  },
];

export interface SpecOperation {
  /** The file under api/client-server/, e.g. `sync.yaml`. */
  file: string;
  /** The path template with its base, e.g. `/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}`. */
  template: string;
  method: string;
  operationId: string;
  /** The statuses the operation documents. */
  statuses: string[];
}

interface Candidate extends SpecOperation {
  regex: RegExp;
  /** Characters of the template outside `{params}`: more literal wins when two templates match. */
  literal: number;
  /** The JSON pointer (as a path of keys) of the operation's `responses` object in its file. */
  responsesPath: string[];
  responses: Record<string, unknown>;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...yamlFiles(full));
    else if (/\.(ya?ml|json)$/.test(name)) out.push(full);
  }
  return out;
}

function pointerFragment(path: string[]): string {
  return "#/" + path.map((p) => encodeURIComponent(p.replace(/~/g, "~0").replace(/\//g, "~1"))).join("/");
}

function at(doc: unknown, path: string[]): unknown {
  let node = doc;
  for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
  return node;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export class OpenApiConformance {
  private readonly ajv: Ajv2020;
  private readonly candidates: Candidate[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(root = SPEC_ROOT) {
    // `inlineRefs: false`: an inlined schema would lose the base URI its own relative refs need.
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, inlineRefs: false, logger: false });
    addFormats(this.ajv);
    const declared = YAML.parse(readFileSync(join(root, "string-formats.yaml"), "utf8")) as Record<string, unknown>;
    for (const name of Object.keys(declared)) {
      if (!name.startsWith("mx-")) continue;
      const check = MATRIX_FORMATS[name];
      if (!check) throw new Error(`string-formats.yaml declares ${name}, which the conformance helper does not know`);
      this.ajv.addFormat(name, { type: "string", validate: check });
    }
    const docs = new Map<string, Record<string, unknown>>();
    for (const full of yamlFiles(root)) {
      const rel = relative(root, full).split("\\").join("/");
      if (rel === "string-formats.yaml") continue;
      docs.set(rel, YAML.parse(readFileSync(full, "utf8")) as Record<string, unknown>);
    }
    for (const bug of KNOWN_SCHEMA_BUGS) {
      const node = at(docs.get(bug.file), bug.pointer);
      if (node === null || typeof node !== "object") throw new Error(`known schema bug no longer applies: ${bug.file} ${bug.pointer.join("/")}`);
      bug.patch(node as Record<string, unknown>);
    }
    for (const [rel, doc] of docs) {
      // The `$id` in the document (not only as ajv's key) makes it the base of its relative refs.
      this.ajv.addSchema({ ...doc, $id: BASE_URI + rel });
      if (rel.startsWith("api/client-server/") && rel.split("/").length === 3) this.indexOperations(rel, doc);
    }
    this.candidates.sort((a, b) => b.literal - a.literal);
  }

  private indexOperations(rel: string, doc: Record<string, unknown>): void {
    const servers = doc.servers as Array<{ variables?: { basePath?: { default?: string } } }> | undefined;
    const basePath = servers?.[0]?.variables?.basePath?.default ?? "";
    const paths = (doc.paths ?? {}) as Record<string, Record<string, unknown>>;
    for (const [path, item] of Object.entries(paths)) {
      for (const method of METHODS) {
        const operation = item[method] as { operationId?: string; responses?: Record<string, unknown> } | undefined;
        if (!operation) continue;
        const template = basePath + path;
        // Path parameters take one segment; it may be empty (a state key of "").
        const regex = new RegExp("^" + template.split(/\{[^}]+\}/).map(escapeRegex).join("[^/]*") + "$");
        this.candidates.push({
          file: rel.slice("api/client-server/".length),
          template,
          method,
          operationId: operation.operationId ?? `${method} ${template}`,
          statuses: Object.keys(operation.responses ?? {}),
          regex,
          literal: template.replace(/\{[^}]+\}/g, "").length,
          responsesPath: ["paths", path, method, "responses"],
          responses: operation.responses ?? {},
        });
      }
    }
  }

  /**
   * The spec operations for `method` and a concrete request path (query string ignored): the most
   * literal matching template, and every operation sharing it (`POST /rooms/{roomId}/invite` is
   * both inviteUser and inviteBy3PID, told apart by their request bodies).
   */
  findOperations(method: string, requestPath: string): SpecOperation[] {
    return this.matching(method, requestPath);
  }

  private matching(method: string, requestPath: string): Candidate[] {
    const path = requestPath.split("?")[0] ?? "";
    const m = method.toLowerCase();
    const first = this.candidates.find((c) => c.method === m && c.regex.test(path));
    if (!first) return [];
    return this.candidates.filter((c) => c.method === m && c.template === first.template);
  }

  /**
   * The problems with a response, as readable lines; empty when it conforms. An operation the
   * spec does not define, or a status it does not document (other than an error), is a problem.
   */
  check(method: string, requestPath: string, status: number, body: unknown): string[] {
    const ops = this.matching(method, requestPath);
    if (ops.length === 0) return [`no operation in the spec for ${method} ${requestPath.split("?")[0] ?? ""}`];
    const problems: string[] = [];
    for (const op of ops) {
      const found = this.checkOperation(op, status, body);
      if (found.length === 0) return [];
      problems.push(...(ops.length > 1 ? found.map((p) => `${op.operationId}: ${p}`) : found));
    }
    return problems;
  }

  private checkOperation(op: Candidate, status: number, body: unknown): string[] {
    const key = [String(status), `${String(status)[0]}XX`, "default"].find((k) => k in op.responses);
    const errorRef = BASE_URI + "api/client-server/definitions/errors/" + (status === 429 ? "rate_limited.yaml" : "error.yaml");
    let schemaRef: string;
    if (key === undefined) {
      if (status < 400) return [`${op.operationId} (${op.file}) does not document status ${status}; it documents ${op.statuses.join(", ")}`];
      schemaRef = errorRef;
    } else {
      let responsePath = [...op.responsesPath, key];
      let response = op.responses[key] as Record<string, unknown>;
      // A response may be a `$ref` to `#/components/responses/…` of the same file.
      const ref = response.$ref;
      if (typeof ref === "string" && ref.startsWith("#/")) {
        responsePath = ref.slice(2).split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
        response = at(this.ajv.getSchema(BASE_URI + "api/client-server/" + op.file)?.schema, responsePath) as Record<string, unknown>;
      }
      const content = response.content as Record<string, { schema?: unknown }> | undefined;
      if (content?.["application/json"]?.schema) {
        schemaRef = BASE_URI + "api/client-server/" + op.file + pointerFragment([...responsePath, "content", "application/json", "schema"]);
      } else if (status >= 400) {
        // An error documented by its description only: the standard error body ("Standard error response").
        schemaRef = errorRef;
      } else {
        return []; // no JSON body documented (a redirect, a download)
      }
    }
    let validate = this.compiled.get(schemaRef);
    if (!validate) {
      validate = this.ajv.compile({ $ref: schemaRef });
      this.compiled.set(schemaRef, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || "(body)"} ${e.message ?? e.keyword} ${JSON.stringify(e.params)} [schema ${e.schemaPath}]`);
  }

  /** Throws, naming the operation, status, body and every ajv error, unless the response conforms. */
  assertConforms(method: string, requestPath: string, status: number, body: unknown): void {
    const problems = this.check(method, requestPath, status, body);
    if (problems.length === 0) return;
    const ops = this.findOperations(method, requestPath);
    const shown = JSON.stringify(body);
    throw new Error(
      `${method} ${requestPath} → ${status} does not match the spec` +
        (ops.length > 0 ? ` (${ops.map((op) => `${op.operationId} in ${op.file}`).join(", ")})` : "") +
        `:\n  ${problems.join("\n  ")}\nbody: ${shown.length > 2000 ? shown.slice(0, 2000) + "…" : shown}`,
    );
  }
}

let shared: OpenApiConformance | null = null;

/** One loaded spec per test process: loading compiles nothing, but parses ~140 YAML files. */
export function openApiConformance(): OpenApiConformance {
  shared ??= new OpenApiConformance();
  return shared;
}
