/**
 * Writes PDF direct objects (ISO 32000-1 §7.3) as read by `pdf-objects.ts`, for the objects an
 * incremental update rewrites (catalog, page, form): strings as hex strings (§7.3.4.3, any byte is
 * safe there), names with `#xx` escapes (§7.3.5), reals without exponent (§7.3.3).
 */
import type { PdfValue } from "../verify/index.ts";

const REGULAR_NAME_CHAR = /^[!-~]$/;
const NAME_DELIMITERS = new Set("()<>[]{}/%#");

function name(n: string): string {
  let out = "/";
  for (const ch of Buffer.from(n, "latin1").toString("latin1")) {
    out +=
      REGULAR_NAME_CHAR.test(ch) && !NAME_DELIMITERS.has(ch)
        ? ch
        : `#${ch.charCodeAt(0).toString(16).padStart(2, "0")}`;
  }
  return out;
}

function number(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(6).replace(/0+$/, "").replace(/\.$/, "");
}

export function serialize(v: PdfValue): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return number(v);
  if (Array.isArray(v)) return `[${v.map((x: PdfValue) => serialize(x)).join(" ")}]`;
  const o = v as Exclude<PdfValue, null | boolean | number | readonly PdfValue[]>;
  switch (o.kind) {
    case "name":
      return name(o.name);
    case "string":
      return `<${o.bytes.toString("hex")}>`;
    case "ref":
      return `${String(o.num)} ${String(o.gen)} R`;
    case "dict":
      return `<<${[...o.entries].map(([k, x]) => `${name(k)} ${serialize(x)}`).join(" ")}>>`;
  }
}

/** A PDF text string (ISO 32000-1 §7.9.2.2): ASCII as a literal string, otherwise UTF-16BE with BOM. */
export function textString(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s)) return `(${s.replace(/[\\()]/g, (c) => `\\${c}`)})`;
  const utf16 = Buffer.from(s, "utf16le").swap16();
  return `<feff${utf16.toString("hex")}>`;
}

/** A PDF date (ISO 32000-1 §7.9.4) in UTC. */
export function pdfDate(d: Date): string {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
  return `(D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z)`;
}
