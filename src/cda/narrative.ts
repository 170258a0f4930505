/**
 * Section narrative blocks (CDA R2 §4.3.5, `StrucDoc.Text`): paragraphs for free text (one per
 * line of the form's text), lists for lists, tables for tables — the human-readable part the
 * recipient's software displays.
 */
import { el, text, type Node } from "./xml.ts";

/**
 * The lines of a text, without its leading and trailing blank lines; a blank line inside it is
 * kept (it separates the author's paragraphs).
 */
function lines(value: string): string[] {
  const all = value.split(/\r?\n/);
  const first = all.findIndex((l) => l.trim() !== "");
  if (first < 0) return [];
  const last = all.length - 1 - [...all].reverse().findIndex((l) => l.trim() !== "");
  return all.slice(first, last + 1);
}

/** One paragraph for a line; a blank line is a paragraph holding a line break (rendered as a blank line). */
const line = (l: string): Node => el("paragraph", {}, l.trim() === "" ? el("br") : text(l));

/** A labelled value: `<paragraph><content styleCode="Bold">label : </content>value</paragraph>`, one per line of `value`. */
export function labelled(label: string, value: string | undefined): Node[] {
  if (value === undefined) return [];
  const [head, ...rest] = lines(value);
  if (head === undefined) return [];
  return [
    el("paragraph", {}, el("content", { styleCode: "Bold" }, text(`${label} : `)), text(head)),
    ...rest.map(line),
  ];
}

/** Free text, one paragraph per line (blank lines inside the text kept). */
export function paragraphs(value: string | undefined): Node[] {
  return value === undefined ? [] : lines(value).map(line);
}

export function list(values: readonly string[], caption?: string): Node[] {
  if (values.length === 0) return [];
  return [
    el(
      "list",
      {},
      caption === undefined ? undefined : el("caption", {}, text(caption)),
      ...values.map((v) => el("item", {}, text(v))),
    ),
  ];
}

/** A table with a header row; cells are strings (blank when absent); `ids` gives each row an ID for entry references. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly (string | undefined)[])[],
  ids?: readonly string[],
): Node[] {
  if (rows.length === 0) return [];
  return [
    el(
      "table",
      { border: "1" },
      el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", {}, text(h))))),
      el(
        "tbody",
        {},
        ...rows.map((r, i) => el("tr", { ID: ids?.[i] }, ...r.map((c) => el("td", {}, text(c ?? ""))))),
      ),
    ),
  ];
}

/**
 * A labelled value joining several fields (`name — phone — email`), each part in a
 * `<content ID="…">` so that a reader finds every field whatever its text; absent parts left out.
 * The IDs must be unique in the document (XML ID).
 */
export function labelledParts(
  label: string,
  separator: string,
  parts: readonly (readonly [id: string, value: string | undefined])[],
): Node[] {
  const present = parts.filter(
    (p): p is readonly [string, string] => p[1] !== undefined && p[1].trim() !== "",
  );
  if (present.length === 0) return [];
  return [
    el(
      "paragraph",
      {},
      el("content", { styleCode: "Bold" }, text(`${label} : `)),
      ...present.flatMap(([id, v], i) => [
        ...(i === 0 ? [] : [text(separator)]),
        el("content", { ID: id }, text(v)),
      ]),
    ),
  ];
}
