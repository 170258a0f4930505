/**
 * Section narrative blocks (CDA R2 §4.3.5, `StrucDoc.Text`): paragraphs for free text (one per
 * line of the form's text), lists for lists, tables for tables — the human-readable part the
 * recipient's software displays.
 */
import { el, text, type Node } from "./xml.ts";

/** A labelled value: `<paragraph><content styleCode="Bold">label : </content>value</paragraph>`, one per line of `value`. */
export function labelled(label: string, value: string | undefined): Node[] {
  if (value === undefined || value.trim() === "") return [];
  const lines = value.split(/\r?\n/).filter((l) => l.trim() !== "");
  const [head = "", ...rest] = lines;
  return [
    el("paragraph", {}, el("content", { styleCode: "Bold" }, text(`${label} : `)), text(head)),
    ...rest.map((l) => el("paragraph", {}, text(l))),
  ];
}

/** Free text, one paragraph per non-blank line. */
export function paragraphs(value: string | undefined): Node[] {
  if (value === undefined) return [];
  return value
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "")
    .map((l) => el("paragraph", {}, text(l)));
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
