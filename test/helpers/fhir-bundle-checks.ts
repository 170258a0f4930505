/** Structural checks of a FHIR document bundle, shared by the unit and API tests. */
import type { Bundle, Resource } from "../../src/fhir/index.ts";

const UUID_URN = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every `reference` string anywhere under a value. */
export function referencesIn(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) referencesIn(x, out);
  else if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (k === "reference" && typeof x === "string") out.push(x);
      else referencesIn(x, out);
    }
  }
  return out;
}

/** Problems found: fullUrls not unique urn:uuid, dangling references, entries unreachable from the Composition. */
export function bundleProblems(b: Bundle): string[] {
  const problems: string[] = [];
  if (b.type !== "document") problems.push(`type ${b.type}`);
  const entries = b.entry ?? [];
  if (entries[0]?.resource?.resourceType !== "Composition") problems.push("first entry is not a Composition");
  const byUrl = new Map<string, Resource>();
  for (const e of entries) {
    if (e.fullUrl === undefined || !UUID_URN.test(e.fullUrl)) problems.push(`fullUrl ${String(e.fullUrl)}`);
    else if (byUrl.has(e.fullUrl)) problems.push(`duplicate fullUrl ${e.fullUrl}`);
    else if (e.resource !== undefined) byUrl.set(e.fullUrl, e.resource);
  }
  for (const e of entries) {
    for (const r of referencesIn(e.resource)) {
      if (!byUrl.has(r)) problems.push(`${e.resource?.resourceType ?? "?"} → dangling ${r}`);
    }
  }
  // Reachability from the Composition.
  const seen = new Set<string>();
  const stack = [entries[0]?.fullUrl ?? ""];
  while (stack.length > 0) {
    const u = stack.pop() ?? "";
    if (seen.has(u) || !byUrl.has(u)) continue;
    seen.add(u);
    stack.push(...referencesIn(byUrl.get(u)));
    // DocumentReference attachments point at the Binary by url.
    const r = byUrl.get(u);
    if (r?.resourceType === "DocumentReference")
      for (const c of r.content) if (c.attachment.url !== undefined) stack.push(c.attachment.url);
  }
  for (const u of byUrl.keys())
    if (!seen.has(u)) problems.push(`unreachable ${byUrl.get(u)?.resourceType ?? "?"}`);
  return problems;
}

/** Well-formedness of a narrative div: xhtml namespace and balanced tags (no parser needed for our subset). */
export function xhtmlProblems(div: string): string[] {
  const problems: string[] = [];
  if (!div.startsWith('<div xmlns="http://www.w3.org/1999/xhtml">')) problems.push("no xhtml div");
  const stack: string[] = [];
  for (const m of div.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    const [, close, name = "", self] = m;
    if (self === "/") continue;
    if (close === "/") {
      if (stack.pop() !== name) problems.push(`unbalanced </${name}>`);
    } else stack.push(name);
  }
  if (stack.length > 0) problems.push(`unclosed ${stack.join(",")}`);
  if (/&(?!amp;|lt;|gt;|quot;)/.test(div)) problems.push("unescaped &");
  return problems;
}

/** Resources of one type. */
export function ofType<T extends Resource["resourceType"]>(
  b: Bundle,
  t: T,
): Extract<Resource, { resourceType: T }>[] {
  return (b.entry ?? [])
    .map((e) => e.resource)
    .filter((r): r is Extract<Resource, { resourceType: T }> => r?.resourceType === t);
}

/** The resource a reference points to. */
export function resolve(b: Bundle, ref: string | undefined): Resource | undefined {
  return (b.entry ?? []).find((e) => e.fullUrl === ref)?.resource;
}
