/**
 * Appends an incremental update (ISO 32000-1 §7.5.6) to an existing PDF: the new and rewritten
 * objects, then a cross-reference section of the same kind as the newest one of the file — a
 * classic table with its trailer (§7.5.4–7.5.5) or a cross-reference stream (§7.5.8) — whose /Prev
 * is the previous `startxref`. The original bytes are left untouched: they stay a prefix of the result.
 */
import type { PdfDict } from "../verify/index.ts";
import { serialize } from "./serialize.ts";

/** An object to write: its number, generation and body (the text between `obj` and `endobj`). */
export interface UpdatedObject {
  readonly num: number;
  readonly gen: number;
  readonly body: string;
}

export interface UpdateTarget {
  readonly original: Buffer;
  /** The original's newest trailer (or cross-reference stream dictionary). */
  readonly trailer: PdfDict;
  readonly startxref: number;
  readonly kind: "table" | "stream";
  /** The first object number not in use (the next /Size before the update's own objects). */
  readonly size: number;
}

/** Contiguous runs of object numbers, for the subsections / the /Index array. */
function runs(nums: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const n of [...nums].sort((a, b) => a - b)) {
    const last = out[out.length - 1];
    if (last && last[0] + last[1] === n) last[1]++;
    else out.push([n, 1]);
  }
  return out;
}

/** Root, Info and ID of the original trailer, carried over to the new one (ISO 32000-1 §7.5.5, §14.4). */
function carried(trailer: PdfDict): string {
  return ["Root", "Info", "ID"]
    .flatMap((k) => {
      const v = trailer.entries.get(k);
      return v === undefined ? [] : [`/${k} ${serialize(v)}`];
    })
    .join(" ");
}

export function appendUpdate(target: UpdateTarget, objects: readonly UpdatedObject[]): Buffer {
  const parts: Buffer[] = [target.original];
  let length = target.original.length;
  const push = (b: Buffer): void => {
    parts.push(b);
    length += b.length;
  };
  const last = target.original[target.original.length - 1];
  if (last !== 0x0a && last !== 0x0d) push(Buffer.from("\n", "latin1"));

  const offsets = new Map<number, { offset: number; gen: number }>();
  for (const o of objects) {
    offsets.set(o.num, { offset: length, gen: o.gen });
    push(Buffer.from(`${String(o.num)} ${String(o.gen)} obj\n${o.body}\nendobj\n`, "latin1"));
  }
  const xrefOffset = length;
  const prev = `/Prev ${String(target.startxref)}`;
  if (target.kind === "table") {
    let text = "xref\n";
    for (const [first, count] of runs([...offsets.keys()])) {
      text += `${String(first)} ${String(count)}\n`;
      for (let n = first; n < first + count; n++) {
        const e = offsets.get(n) ?? { offset: 0, gen: 0 };
        text += `${String(e.offset).padStart(10, "0")} ${String(e.gen).padStart(5, "0")} n\r\n`;
      }
    }
    text += `trailer\n<</Size ${String(target.size)} ${carried(target.trailer)} ${prev}>>\n`;
    push(Buffer.from(text, "latin1"));
  } else {
    const xrefNum = target.size;
    offsets.set(xrefNum, { offset: xrefOffset, gen: 0 });
    const index = runs([...offsets.keys()]);
    const data = Buffer.alloc(offsets.size * 7);
    let row = 0;
    for (const [first, count] of index) {
      for (let n = first; n < first + count; n++, row++) {
        const e = offsets.get(n) ?? { offset: 0, gen: 0 };
        data.writeUInt8(1, row * 7);
        data.writeUInt32BE(e.offset, row * 7 + 1);
        data.writeUInt16BE(e.gen, row * 7 + 5);
      }
    }
    const dict =
      `<</Type /XRef /Size ${String(xrefNum + 1)} /W [1 4 2] /Index [${index.flat().join(" ")}] ` +
      `${carried(target.trailer)} ${prev} /Length ${String(data.length)}>>`;
    push(Buffer.from(`${String(xrefNum)} 0 obj\n${dict}\nstream\n`, "latin1"));
    push(data);
    push(Buffer.from("\nendstream\nendobj\n", "latin1"));
  }
  push(Buffer.from(`startxref\n${String(xrefOffset)}\n%%EOF\n`, "latin1"));
  return Buffer.concat(parts, length);
}
