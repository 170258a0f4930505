/**
 * The narrative block of a CDA R2 section (`section/text`, HL7 CDA R2 §4.3.5 « Section Narrative
 * Block », schema `StrucDoc.Text`) flattened to readable plain text:
 * - inline elements (`content`, `linkHtml`, `sub`, `sup`, `footnote`, `footnoteRef`) give their text;
 *   `br` a line break; `renderMultiMedia` a `[multimedia]` marker;
 * - blocks (`paragraph`, `list`, `table`) start on their own line: list items as `- item` (ordered
 *   lists `1. item`), a caption on its own line, table rows as cells joined by ` | `.
 * Whitespace inside a line is collapsed, as a renderer would.
 */
import { attr, HL7 } from "./dom.ts";
import type { XElement } from "./xml.ts";

const BLOCKS = new Set(["paragraph", "list", "table", "caption", "tr", "item", "thead", "tbody", "tfoot"]);

export function flattenNarrative(text: XElement | undefined): string {
  if (text === undefined) return "";
  const lines: string[] = [];
  let line = "";
  /** A list item's marker, put before the item's first non-empty line (which may be a paragraph). */
  let marker = "";
  const flush = (): void => {
    const t = line.replace(/[ \t\r\n\f]+/g, " ").trim();
    if (t !== "") {
      lines.push(marker + t);
      marker = "";
    }
    line = "";
  };
  const walk = (el: XElement): void => {
    for (const c of el.children) {
      if (typeof c === "string") {
        line += c;
        continue;
      }
      if (c.ns !== HL7) continue;
      switch (c.local) {
        case "br":
          flush();
          break;
        case "renderMultiMedia":
          line += " [multimedia] ";
          break;
        case "list": {
          flush();
          const ordered = attr(c, "listType") === "ordered";
          let n = 0;
          for (const item of c.children) {
            if (typeof item === "string" || item.ns !== HL7) continue;
            if (item.local === "caption") {
              walk(item);
              flush();
            } else if (item.local === "item") {
              n++;
              flush();
              marker = ordered ? `${String(n)}. ` : "- ";
              walk(item);
              flush();
              marker = "";
            }
          }
          break;
        }
        case "tr": {
          flush();
          const cells = c.children
            .filter((x): x is XElement => typeof x !== "string" && (x.local === "td" || x.local === "th"))
            .map((cell) => inline(cell));
          line = cells.join(" | ");
          flush();
          break;
        }
        case "col":
        case "colgroup":
          break;
        default:
          if (BLOCKS.has(c.local)) flush();
          walk(c);
          if (BLOCKS.has(c.local)) flush();
      }
    }
  };
  walk(text);
  flush();
  return lines.join("\n");
}

/** A table cell on one line (line breaks and paragraphs inside it become spaces). */
function inline(el: XElement): string {
  return flattenNarrative(el).replace(/\n/g, " ").trim();
}
