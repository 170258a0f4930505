/**
 * Reading a section's narrative block back into sheet fields, following the writer's conventions:
 * `<paragraph><content styleCode="Bold">Label : </content>value</paragraph>` then one paragraph per
 * further line; tables whose header row names the columns; lists (with a caption); elements with
 * an `ID`; sentences such as `Ordonnance remise au patient : oui.`. Values are converted back from
 * their French rendering (dates `JJ/MM/AAAA`, `oui`/`non`, enum labels).
 */
import { attr, child, descend, elements, textOf } from "./dom.ts";
import { flattenNarrative } from "./narrative.ts";
import type { FieldKind, JoinedFields, SectionSpec } from "./volet-specs.ts";
import type { XElement } from "./xml.ts";

export type Data = Record<string, Record<string, unknown>>;

/** Sets a dotted path (`wishes.trustedPerson.name`); empty values are left out. */
export function set(data: Data, path: string, value: unknown): void {
  if (value === undefined || value === "") return;
  const keys = path.split(".");
  const last = keys.pop() ?? "";
  let cur: Record<string, unknown> = data;
  for (const k of keys) {
    const next = cur[k];
    if (typeof next === "object" && next !== null && !Array.isArray(next))
      cur = next as Record<string, unknown>;
    else cur = cur[k] = {};
  }
  cur[last] = value;
}

function convert(kind: FieldKind, raw: string): unknown {
  const v = raw.trim();
  if (kind === "text") return v;
  if (kind === "bool") return /^oui\.?$/i.test(v) ? true : /^non\.?$/i.test(v) ? false : undefined;
  if (kind === "date") {
    const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(v);
    return m === null ? undefined : `${m[3]}-${m[2]}-${m[1]}`;
  }
  if (kind === "integer") return /^\d+$/.test(v) ? Number(v) : undefined;
  if (kind === "datetime") {
    // The writer's `JJ/MM/AAAA HH h MM[ min SS s][ (UTC±hh:mm)]`; with its offset, RFC 3339.
    const m =
      /^(\d{2})\/(\d{2})\/(\d{4})(?: (\d{2}) h (\d{2})(?: min (\d{2}) s)?(?: \(UTC([+-]\d{2}:\d{2})\))?)?$/.exec(
        v,
      );
    if (m === null) return v;
    const [, d, mo, y, h, mi, s, zone] = m;
    const day = `${y ?? ""}-${mo ?? ""}-${d ?? ""}`;
    if (h === undefined) return day;
    return zone === undefined ? `${day}T${h}:${mi ?? "00"}` : `${day}T${h}:${mi ?? "00"}:${s ?? "00"}${zone}`;
  }
  if (kind === "split") return v;
  return Object.entries(kind).find(([, label]) => label === v)?.[0];
}

/**
 * A joined label (`name — phone — email — availability`): the part with `@` is the email, the one
 * shaped like a phone number the phone; what comes before them is the first other field (it may
 * itself hold the separator), what comes after, the second.
 */
function readJoined(raw: string, separator: string, f: JoinedFields, data: Data): void {
  const parts = raw.split(separator).map((p) => p.trim());
  const email = parts.findIndex((p) => p.includes("@"));
  const phone = parts.findIndex((p) => /^\+?[\d .()-]{6,}$/.test(p));
  if (f.email !== undefined && email >= 0) set(data, f.email, parts[email]);
  if (f.phone !== undefined && phone >= 0) set(data, f.phone, parts[phone]);
  const marks = [email, phone].filter((i) => i >= 0);
  if (f.layout === "sequence") {
    const rest = parts.filter((_, i) => !marks.includes(i));
    f.others.forEach((path, i) => {
      set(data, path, rest[i]);
    });
    return;
  }
  const [first, second] = f.others;
  if (marks.length === 0) {
    if (first !== undefined) set(data, first, parts[0]);
    if (second !== undefined) set(data, second, parts.slice(1).join(separator));
    return;
  }
  if (first !== undefined) set(data, first, parts.slice(0, Math.min(...marks)).join(separator));
  if (second !== undefined) set(data, second, parts.slice(Math.max(...marks) + 1).join(separator));
}

/** Elements with an `ID` attribute anywhere below `el`. */
function byId(el: XElement, out = new Map<string, XElement>()): Map<string, XElement> {
  for (const c of elements(el)) {
    const id = attr(c, "ID");
    if (id !== undefined) out.set(id, c);
    byId(c, out);
  }
  return out;
}

/** The writer's narrative for a section the form left empty. */
const EMPTY_SECTION = "Non renseigné.";

export function readNarrative(text: XElement, spec: SectionSpec, data: Data): void {
  const blocks = elements(text);
  if (blocks.length === 1 && blocks[0]?.local === "paragraph" && textOf(blocks[0]) === EMPTY_SECTION) return;
  if (spec.ids !== undefined) {
    const ids = byId(text);
    for (const [id, f] of Object.entries(spec.ids)) {
      const v = textOf(ids.get(id));
      if (v !== undefined) set(data, f.path, convert(f.kind, v));
    }
  }
  let current: { path: string; kind: FieldKind; lines: string[] } | undefined;
  const close = (): void => {
    if (current !== undefined) set(data, current.path, convert(current.kind, current.lines.join("\n")));
    current = undefined;
  };
  const free: string[] = [];
  let paragraphs = 0;
  for (const block of elements(text)) {
    if (block.local === "paragraph") {
      paragraphs++;
      const first = elements(block)[0];
      const bold =
        first !== undefined && first.local === "content" && /Bold/.test(attr(first, "styleCode") ?? "");
      const whole = textOf(block) ?? "";
      const sentence = spec.sentences?.find((s) => whole.startsWith(s.prefix));
      if (sentence !== undefined) {
        close();
        set(
          data,
          sentence.path,
          convert(sentence.kind, whole.slice(sentence.prefix.length).replace(/\.$/, "")),
        );
        continue;
      }
      if (bold) {
        close();
        const label = (textOf(first) ?? "").replace(/\s*:\s*$/, "");
        const field = spec.labels?.[label];
        const rest = whole.slice((textOf(first) ?? "").length).trim();
        const joined = spec.joined?.[label];
        if (joined !== undefined && byId(block).size === 0)
          readJoined(rest, joined.separator, joined.fields, data);
        if (field !== undefined) current = { path: field.path, kind: field.kind, lines: [rest] };
        continue;
      }
      if (spec.placeholders?.includes(whole) === true) continue;
      if (current !== undefined) current.lines.push(whole);
      else if (spec.paragraphs !== undefined) free.push(whole);
      else if (spec.enumParagraph !== undefined)
        set(data, spec.enumParagraph.path, convert(spec.enumParagraph.kind, whole));
    } else if (block.local === "table") {
      close();
      readTable(block, spec, data);
    } else if (block.local === "list") {
      close();
      const caption = textOf(child(block, "caption"));
      const path = caption === undefined ? spec.list : spec.captionedLists?.[caption];
      const items = elements(block)
        .filter((i) => i.local === "item")
        .map((i) => textOf(i) ?? "")
        .filter((i) => i !== "");
      if (path !== undefined && items.length > 0) set(data, path, items);
    }
  }
  close();
  if (spec.paragraphs !== undefined) {
    set(data, spec.paragraphs, paragraphs > 0 ? free.join("\n") : flattenNarrative(text));
  }
}

function readTable(table: XElement, spec: SectionSpec, data: Data): void {
  const headers = elements(descend(table, "thead", "tr") ?? table)
    .filter((c) => c.local === "th")
    .map((c) => textOf(c) ?? "");
  const t = spec.tables?.find((x) => x.headers[0] === headers[0]);
  if (t === undefined) return;
  const rows = elements(child(table, "tbody") ?? table)
    .filter((r) => r.local === "tr")
    .map((tr) => {
      const cells = elements(tr).filter((c) => c.local === "td");
      const row: Record<string, unknown> = {};
      t.columns.forEach((col, i) => {
        const raw = textOf(cells[i]);
        if (raw !== undefined) {
          const v = convert(col.kind, raw);
          if (v !== undefined) row[col.key] = v;
        }
      });
      return row;
    })
    .filter((r) => Object.keys(r).length > 0);
  if (rows.length > 0) set(data, t.path, rows);
}
