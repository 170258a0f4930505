/**
 * A minimal XML writer for CDA R2 documents: elements are built as strings with every text and
 * attribute value escaped (XML 1.0 §2.4, §3.3.3); characters XML 1.0 forbids are dropped.
 */
export type Node = string;
type Attrs = Readonly<Record<string, string | number | undefined>>;

// eslint-disable-next-line no-control-regex -- XML 1.0 §2.2: these control characters are not allowed
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function esc(s: string): string {
  return s
    .replace(FORBIDDEN, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** An element; `undefined` attributes are left out, children are already-built nodes. */
export function el(
  name: string,
  attrs: Attrs = {},
  ...children: readonly (Node | undefined | false)[]
): Node {
  const a = Object.entries(attrs)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${esc(String(v))}"`)
    .join("");
  const body = children.filter((c): c is Node => typeof c === "string" && c !== "").join("");
  return body === "" ? `<${name}${a}/>` : `<${name}${a}>${body}</${name}>`;
}

/** Escaped character data. */
export const text = (s: string): Node => esc(s);

/** `<name>text</name>`, or nothing when the text is absent or blank. */
export function leaf(name: string, value: string | undefined, attrs: Attrs = {}): Node | undefined {
  return value === undefined || value.trim() === "" ? undefined : el(name, attrs, text(value));
}
