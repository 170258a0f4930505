import type { Field, GroupField, ListField, Section, TableField } from "../../forms/definition.ts";
import { formatScalar, isPresent, isScalar } from "./format.ts";
import { COLORS, SIZES } from "./layout.ts";
import { sectionBar } from "./heading.ts";
import { drawTable } from "./table.ts";

type Doc = PDFKit.PDFDocument;
const INDENT = 12;

/** Starts a new page when less than `needed` points remain, so a heading never ends a page alone. */
function keepSpace(doc: Doc, needed: number): void {
  if (doc.y + needed > doc.page.maxY()) doc.addPage();
}

function contentWidth(doc: Doc, x: number): number {
  return doc.page.width - doc.page.margins.right - x;
}

function label(doc: Doc, x: number, text: string): void {
  keepSpace(doc, 28);
  doc.font("bold").fontSize(SIZES.label).fillColor(COLORS.label);
  doc.text(text, x, doc.y, { width: contentWidth(doc, x) });
}

/** Renders one section: a heading bar, then each field that carries data, in form order. */
export function renderSection(doc: Doc, section: Section, value: unknown): void {
  if (!isPresent(value)) return;
  const data = value as Record<string, unknown>;
  keepSpace(doc, 60);
  doc.moveDown(0.6);
  const x = doc.page.margins.left;
  sectionBar(doc, x, section.label.fr);
  doc.moveDown(0.5);
  renderFields(doc, section.fields, data, x);
}

function renderFields(doc: Doc, fields: readonly Field[], data: Record<string, unknown>, x: number): void {
  for (const field of fields) {
    const v = data[field.id];
    if (!isPresent(v)) continue;
    renderField(doc, field, v, x);
  }
}

function renderField(doc: Doc, field: Field, v: unknown, x: number): void {
  if (field.type === "longtext") {
    label(doc, x, field.label.fr);
    doc.font("regular").fontSize(SIZES.body).fillColor(COLORS.text);
    doc.text(typeof v === "string" ? v : "", x, doc.y + 1, {
      width: contentWidth(doc, x),
      paragraphGap: 3,
      lineGap: 1,
    });
    doc.moveDown(0.35);
  } else if (isScalar(field)) {
    keepSpace(doc, 14);
    doc.font("bold").fontSize(SIZES.label).fillColor(COLORS.label);
    doc.text(`${field.label.fr} : `, x, doc.y, { width: contentWidth(doc, x), continued: true, lineGap: 1 });
    doc.font("regular").fontSize(SIZES.body).fillColor(COLORS.text).text(formatScalar(field, v));
    doc.moveDown(0.2);
  } else {
    switch (field.type) {
      case "list":
        renderList(doc, field, v as readonly string[], x);
        return;
      case "table":
        renderTable(doc, field, v as readonly Record<string, unknown>[], x);
        return;
      case "group":
        renderGroup(doc, field, v as Record<string, unknown>, x);
        return;
    }
  }
}

function renderList(doc: Doc, field: ListField, items: readonly string[], x: number): void {
  label(doc, x, field.label.fr);
  doc.font("regular").fontSize(SIZES.body).fillColor(COLORS.text);
  for (const item of items) {
    keepSpace(doc, 12);
    doc.text(`•  ${item}`, x + 6, doc.y + 1, { width: contentWidth(doc, x + 6), indent: 0, lineGap: 1 });
  }
  doc.moveDown(0.35);
}

function renderGroup(doc: Doc, field: GroupField, value: Record<string, unknown>, x: number): void {
  keepSpace(doc, 30);
  doc.font("bold").fontSize(SIZES.group).fillColor(COLORS.text);
  doc.text(field.label.fr, x, doc.y + 2, { width: contentWidth(doc, x) });
  doc.moveDown(0.15);
  renderFields(doc, field.fields, value, x + INDENT);
  doc.x = x;
}

/** A table with a shaded header row; pdfkit moves a row that does not fit to the next page whole. */
function renderTable(doc: Doc, field: TableField, rows: readonly Record<string, unknown>[], x: number): void {
  label(doc, x, field.label.fr);
  keepSpace(doc, 40);
  const body = rows.map((row) => field.columns.map((c) => (isScalar(c) ? formatScalar(c, row[c.id]) : "")));
  drawTable(doc, x, [field.columns.map((c) => c.label.fr)], body);
}
