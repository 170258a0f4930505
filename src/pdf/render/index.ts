/**
 * Drawing a liaison sheet as a PDF/A-3b document (ISO 19005-3 on ISO 32000-1) with pdfkit: the
 * pages laid out from the form definition, the structured data (JSON) and any other associated
 * file embedded with its relationship (ISO 19005-3 Annex E, /AF). The fonts are parsed once per
 * process and shared through pdfkit's public font registration.
 */
export { FONTS, registerSheetFonts } from "./fonts.ts";
export { collectPdf } from "./collect.ts";
export { drawPageFurniture } from "./furniture.ts";
export { sectionBar } from "./heading.ts";
export { formatDate, formatDateTime, formatNir } from "./format.ts";
export { COLORS, PAGE, SIZES } from "./layout.ts";
export { EMBEDDED_DATA_NAME, renderSheet } from "./render.ts";
export { drawTable } from "./table.ts";
export type { AssociatedFile } from "./render.ts";
