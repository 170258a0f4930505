/**
 * fast-check arbitraries of HTTP requests for one documented operation: valid and invalid path
 * and query values, tokens (valid for each role, none, malformed, alg none, expired, wrong
 * audience, HS256 signed with the public key, tampered signature), and bodies (valid samples,
 * samples with a field removed or retyped, any JSON, huge strings, malformed JSON, wrong or
 * missing content types, random bytes).
 */
import fc from "fast-check";
import type { Operation, ParameterDoc } from "./openapi-model.ts";

export interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Uint8Array;
  /** What was generated, for the report (never a whole body). */
  readonly label: string;
}

export interface FuzzInputs {
  /** Valid tokens by label (`sender`, `gp`, …) and broken ones (`alg-none`, `expired`, …). */
  readonly tokens: Readonly<Record<string, string>>;
  /** Known-good values of path and query parameters by name (`id`, `form`, `rpps`, `state`…). */
  readonly pathValues: Readonly<Record<string, readonly string[]>>;
  /** Valid JSON bodies by `METHOD /path`. */
  readonly jsonBodies: Readonly<Record<string, readonly unknown[]>>;
  /** A valid signed PDF for `application/pdf` bodies. */
  readonly pdf: Uint8Array;
  /** Valid bodies of other media types (CDA R2, multipart, FHIR) by `METHOD /path`. */
  readonly rawBodies?: Readonly<Record<string, readonly { body: Uint8Array; type: string }[]>>;
}

/** Raw bodies: valid samples, cut, with bytes changed, under another sample's media type, random bytes. */
function rawBody(
  samples: readonly { body: Uint8Array; type: string }[],
): fc.Arbitrary<{ body?: string | Uint8Array; type?: string; label: string }> {
  const sample = fc.constantFrom(...samples);
  const types = [...new Set(samples.map((x) => x.type))];
  return fc.oneof(
    { weight: 2, arbitrary: sample.map((x) => ({ ...x, label: `valid ${x.type}` })) },
    {
      weight: 2,
      arbitrary: fc.tuple(sample, fc.double({ min: 0, max: 1, noNaN: true })).map(([x, at]) => ({
        body: x.body.subarray(0, Math.floor(x.body.length * at)),
        type: x.type,
        label: `cut ${x.type}`,
      })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          sample,
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        )
        .map(([x, flips]) => {
          const b = Uint8Array.from(x.body);
          for (const [i, v] of flips) b[i % b.length] = v;
          return { body: b, type: x.type, label: `bytes changed in ${x.type}` };
        }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(sample, fc.constantFrom(...types))
        .map(([x, type]) => ({ body: x.body, type, label: `${x.type} sent as ${type}` })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.uint8Array({ maxLength: 2000 }), fc.constantFrom(...types, ...CONTENT_TYPES))
        .map(([body, type]) => ({ body, type, label: `random bytes as ${type}` })),
    },
  );
}

const weird = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", " ", "../../etc/passwd", "%00", "' OR 1=1 --", "<script>", "null", "-1", "1e999", "😀"),
  fc.integer().map(String),
  fc.constant("x".repeat(5000)),
);

function paramValue(p: ParameterDoc, known: readonly string[]): fc.Arbitrary<string> {
  const s = p.schema;
  const valid: fc.Arbitrary<string>[] = [];
  if (known.length > 0) valid.push(fc.constantFrom(...known));
  if (Array.isArray(s["enum"])) valid.push(fc.constantFrom(...(s["enum"] as string[])));
  if (typeof s["pattern"] === "string") valid.push(fc.stringMatching(new RegExp(s["pattern"])));
  if (s["format"] === "date-time") {
    valid.push(
      fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString()),
    );
  }
  return valid.length === 0
    ? weird
    : fc.oneof({ weight: 3, arbitrary: fc.oneof(...valid) }, { weight: 1, arbitrary: weird });
}

/** Every `[path, value]` leaf and branch of a JSON value, for targeted mutations. */
function pathsOf(
  v: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (prefix.length > 0) out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...prefix, i], out));
  else if (v !== null && typeof v === "object")
    for (const [k, x] of Object.entries(v)) pathsOf(x, [...prefix, k], out);
  return out;
}

function setAt(v: unknown, path: readonly (string | number)[], value: unknown, remove: boolean): unknown {
  const copy = structuredClone(v);
  let cur = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  const last = path.at(-1) ?? "";
  if (remove) {
    if (Array.isArray(cur)) cur.splice(Number(last), 1);
    else Reflect.deleteProperty(cur, last);
  } else cur[last] = value;
  return copy;
}

const wrongValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 30 }),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.constant("é".repeat(20_000)),
);

function jsonBody(samples: readonly unknown[]): fc.Arbitrary<{ text: string; label: string }> {
  const sample = samples.length > 0 ? fc.constantFrom(...samples) : fc.constant({});
  const mutated = sample.chain((s) => {
    const paths = pathsOf(s);
    if (paths.length === 0) return fc.constant({ v: s, label: "sample" });
    return fc.tuple(fc.constantFrom(...paths), fc.boolean(), wrongValue).map(([p, remove, value]) => ({
      v: setAt(s, p, value, remove),
      label: `${remove ? "removed" : "retyped"} ${p.join(".")}`,
    }));
  });
  return fc.oneof(
    { weight: 2, arbitrary: sample.map((v) => ({ text: JSON.stringify(v), label: "valid sample" })) },
    { weight: 4, arbitrary: mutated.map(({ v, label }) => ({ text: JSON.stringify(v), label })) },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => ({ text: JSON.stringify(v), label: "any JSON" })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom("{", '{"sheet":', "[1,2", "nul", "\u0000", '{"a":1}}')
        .map((t) => ({ text: t, label: "malformed JSON" })),
    },
    {
      weight: 1,
      arbitrary: fc.constant({
        text: JSON.stringify({ pad: "x".repeat(1_200_000) }),
        label: "huge body (1.2 MB)",
      }),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { text: `${"[".repeat(5000)}${"]".repeat(5000)}`, label: "deeply nested JSON" },
        { text: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}', label: "prototype keys" },
        {
          text: '{"sheet":{"form":"discharge@1","data":{}},"to":["1","1","1"],"to":[]}',
          label: "duplicate keys",
        },
      ),
    },
  );
}

const CONTENT_TYPES = [
  "application/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "application/pdf",
  "application/json; charset=latin1",
  "multipart/form-data; boundary=x",
];

/** The request arbitrary for one operation. */
export function requestArbitrary(op: Operation, inputs: FuzzInputs, base: string): fc.Arbitrary<FuzzRequest> {
  const tokenNames = Object.keys(inputs.tokens);
  const token = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...tokenNames) },
    { weight: 1, arbitrary: fc.constantFrom("(none)", "(garbage)", "(basic)") },
  );
  const pathParams = op.parameters.filter((p) => p.in === "path");
  const queryParams = op.parameters.filter((p) => p.in === "query");
  // An empty path segment is another route (`/forms/` is `/forms`), not a value of the parameter.
  const pathArb = fc.tuple(
    ...pathParams.map((p) => paramValue(p, inputs.pathValues[p.name] ?? []).filter((v) => v !== "")),
  );
  const queryArb = fc.tuple(
    ...queryParams.map((p) =>
      fc.option(paramValue(p, inputs.pathValues[p.name] ?? []), { nil: undefined, freq: 2 }),
    ),
  );
  const extraQuery = fc.option(fc.tuple(fc.constantFrom("unknown", "limit", "state", "__proto__"), weird), {
    nil: undefined,
    freq: 4,
  });
  const key = `${op.method} ${op.path}`;
  const bodyTypes = Object.keys(op.body ?? {});
  const raw = inputs.rawBodies?.[key] ?? [];
  const body: fc.Arbitrary<{ body?: string | Uint8Array; type?: string; label: string }> =
    raw.length > 0
      ? rawBody(raw)
      : bodyTypes.includes("application/json")
        ? fc
            .tuple(
              jsonBody(inputs.jsonBodies[key] ?? []),
              fc.oneof(
                { weight: 5, arbitrary: fc.constant("application/json") },
                { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES, "(none)") },
              ),
            )
            .map(([b, type]) => ({ body: b.text, type, label: `${b.label} as ${type}` }))
        : bodyTypes.includes("application/pdf")
          ? fc.oneof(
              fc.constant({ body: inputs.pdf, type: "application/pdf", label: "signed PDF" }),
              fc
                .uint8Array({ maxLength: 2000 })
                .map((b) => ({ body: b, type: "application/pdf", label: "random bytes as PDF" })),
              fc.constant({ body: inputs.pdf, type: "application/json", label: "PDF as application/json" }),
              fc.constant({ body: new Uint8Array(), type: "application/pdf", label: "empty PDF" }),
            )
          : op.method === "GET"
            ? fc.constant({ label: "no body" })
            : fc.oneof(
                { weight: 4, arbitrary: fc.constant({ label: "no body" }) },
                {
                  weight: 1,
                  arbitrary: fc.constant({
                    body: '{"x":1}',
                    type: "application/json",
                    label: "unexpected body",
                  }),
                },
              );
  return fc.tuple(token, pathArb, queryArb, extraQuery, body).map(([tok, pv, qv, extra, b]) => {
    let path = op.path;
    pathParams.forEach((p, i) => {
      path = path.replace(`{${p.name}}`, encodeURIComponent(pv[i] ?? ""));
    });
    const qs = new URLSearchParams();
    queryParams.forEach((p, i) => {
      const v = qv[i];
      if (v !== undefined) qs.append(p.name, v);
    });
    if (extra !== undefined) qs.append(extra[0], extra[1]);
    const headers: Record<string, string> = {};
    if (tok === "(garbage)") headers["authorization"] = "Bearer not.a.jwt";
    else if (tok === "(basic)") headers["authorization"] = "Basic dXNlcjpwYXNz";
    else if (tok !== "(none)") headers["authorization"] = `Bearer ${inputs.tokens[tok] ?? ""}`;
    if (b.type !== undefined && b.type !== "(none)") headers["content-type"] = b.type;
    const q = qs.toString();
    return {
      method: op.method,
      url: `${base}${path}${q === "" ? "" : `?${q}`}`,
      headers,
      ...(b.body === undefined ? {} : { body: b.body }),
      label: `token=${tok} path=${path.slice(0, 80)} query=${q.slice(0, 80)} body=${b.label}`,
    };
  });
}
