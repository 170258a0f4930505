/**
 * The narrative block of a CDA R2 section (HL7 CDA R2 §4.3.5 « Section Narrative Block », schema
 * `StrucDoc.Text`) as blocks a page can lay out: paragraphs (inline `content`, `sub`, `sup`,
 * `linkHtml`, `footnote` give their text, `br` a line break), lists (§4.3.5.5, ordered or not, items
 * holding blocks), tables (§4.3.5.6: caption, header rows from `thead` or `th` cells, body rows) and
 * a `[multimedia]` marker for `renderMultiMedia`. Whitespace is collapsed as a renderer would.
 */
import type { XElement } from "../../cda/read/xml.ts";

const HL7 = "urn:hl7-org:v3";

export type NarrativeBlock =
  | { readonly kind: "paragraph"; readonly text: string; readonly caption?: boolean }
  | {
      readonly kind: "list";
      readonly ordered: boolean;
      readonly items: readonly (readonly NarrativeBlock[])[];
    }
  | {
      readonly kind: "table";
      readonly caption?: string;
      readonly header: readonly (readonly string[])[];
      readonly body: readonly (readonly string[])[];
    };

const collapse = (s: string): string =>
  s
    .split("\n")
    .map((l) => l.replace(/[ \t\r\f]+/g, " ").trim())
    .filter((l) => l !== "")
    .join("\n");

const isEl = (c: XElement | string): c is XElement => typeof c !== "string" && c.ns === HL7;

/** The text of inline content, `br` as a line break. */
function inline(el: XElement): string {
  let s = "";
  for (const c of el.children) {
    if (typeof c === "string") s += c.replace(/[\r\n]+/g, " ");
    else if (c.ns !== HL7) continue;
    else if (c.local === "br") s += "\n";
    else if (c.local === "renderMultiMedia") s += " [multimedia] ";
    else if (c.local === "footnoteRef") continue;
    else s += inline(c);
  }
  return s;
}

/** A table cell on one line (breaks inside a cell become spaces). */
const cellText = (cell: XElement): string => collapse(inline(cell)).replace(/\n/g, " ");

function table(el: XElement): NarrativeBlock {
  const header: string[][] = [];
  const body: string[][] = [];
  let caption: string | undefined;
  const rows = (group: XElement, inHead: boolean): void => {
    for (const tr of group.children.filter(isEl)) {
      if (tr.local !== "tr") continue;
      const cells = tr.children.filter(isEl).filter((c) => c.local === "td" || c.local === "th");
      const texts = cells.flatMap((c) => {
        const span = Number(c.attrs.colspan ?? "1");
        return [
          cellText(c),
          ...Array<string>(Number.isInteger(span) && span > 1 ? Math.min(span, 50) - 1 : 0).fill(""),
        ];
      });
      if (inHead || (cells.length > 0 && cells.every((c) => c.local === "th") && body.length === 0))
        header.push(texts);
      else body.push(texts);
    }
  };
  for (const c of el.children.filter(isEl)) {
    if (c.local === "caption") caption = collapse(inline(c)).replace(/\n/g, " ");
    else if (c.local === "thead") rows(c, true);
    else if (c.local === "tbody" || c.local === "tfoot") rows(c, false);
    else if (c.local === "tr") rows({ ...c, children: [c] }, false);
  }
  const width = Math.max(1, ...[...header, ...body].map((r) => r.length));
  const pad = (r: string[]): string[] => [...r, ...Array<string>(width - r.length).fill("")];
  return {
    kind: "table",
    ...(caption === undefined || caption === "" ? {} : { caption }),
    header: header.map(pad),
    body: body.map(pad),
  };
}

/** The blocks of a narrative element (`section/text`, a list item, a paragraph…). */
export function narrativeBlocks(el: XElement | undefined): NarrativeBlock[] {
  if (el === undefined) return [];
  const out: NarrativeBlock[] = [];
  let pending = "";
  const flush = (): void => {
    const text = collapse(pending);
    if (text !== "") out.push({ kind: "paragraph", text });
    pending = "";
  };
  for (const c of el.children) {
    if (typeof c === "string") {
      pending += c.replace(/[\r\n]+/g, " ");
      continue;
    }
    if (c.ns !== HL7) continue;
    switch (c.local) {
      case "paragraph":
        flush();
        out.push(...narrativeBlocks(c));
        flush();
        break;
      case "list": {
        flush();
        const caption = c.children.filter(isEl).find((x) => x.local === "caption");
        if (caption) out.push({ kind: "paragraph", text: collapse(inline(caption)), caption: true });
        const items = c.children
          .filter(isEl)
          .filter((x) => x.local === "item")
          .map((item) => narrativeBlocks(item));
        out.push({ kind: "list", ordered: c.attrs.listType === "ordered", items });
        break;
      }
      case "table":
        flush();
        out.push(table(c));
        break;
      case "caption":
        flush();
        out.push({ kind: "paragraph", text: collapse(inline(c)), caption: true });
        break;
      case "br":
        pending += "\n";
        break;
      case "renderMultiMedia":
        pending += " [multimedia] ";
        break;
      case "footnoteRef":
        break;
      default:
        pending += inline(c);
    }
  }
  flush();
  return out.filter((b) => b.kind !== "paragraph" || b.text !== "");
}
