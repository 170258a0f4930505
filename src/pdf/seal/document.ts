/**
 * Random access to the objects of an existing PDF through its cross-reference chain (ISO 32000-1
 * §7.5.4, §7.5.7 object streams, §7.5.8 cross-reference streams): what the sealer needs to read
 * the trailer, the catalog, the page tree (§7.7.3) down to the first page, and the interactive form.
 */
import { PasserelleError } from "../../core/errors.ts";
import {
  dictGet,
  isDict,
  isRef,
  parseValue,
  type PdfDict,
  type PdfRef,
  type PdfValue,
} from "../verify/index.ts";
import { decodeStream, readIndirectAt } from "./stream.ts";
import { readXrefChain, type XrefChain } from "./xref.ts";

const unreadable = (what: string): never => {
  throw new PasserelleError("PDF_UNSUPPORTED", `the PDF cannot be read: ${what}`);
};

/** Depth of the page tree followed at most (ISO 32000-1 §7.7.3.2 trees are shallow). */
const MAX_TREE_DEPTH = 64;

export class PdfFile {
  readonly buf: Buffer;
  readonly xref: XrefChain;
  readonly #objectStreams = new Map<number, Map<number, PdfValue>>();

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.buf.subarray(0, 1024).indexOf("%PDF-") < 0) {
      throw new PasserelleError("NOT_A_PDF", "input has no %PDF- header");
    }
    this.xref = readXrefChain(this.buf);
  }

  /** The largest object number in use, plus one (at least the trailer's /Size). */
  get size(): number {
    const declared = dictGet(this.xref.trailer, "Size");
    return Math.max(
      typeof declared === "number" ? declared : 0,
      ...[...this.xref.entries.keys()].map((n) => n + 1),
    );
  }

  /** The generation number of an object's current definition (0 for objects in object streams). */
  generation(num: number): number {
    const e = this.xref.entries.get(num);
    return e?.kind === "offset" ? e.gen : 0;
  }

  /** The object `num` (null when it is not defined, as ISO 32000-1 §7.3.10 says). */
  object(num: number): PdfValue {
    const e = this.xref.entries.get(num);
    if (!e) return null;
    if (e.kind === "offset") {
      try {
        const obj = readIndirectAt(this.buf, e.offset);
        if (obj.num !== num) return unreadable("an object offset points to another object");
        return obj.value;
      } catch (cause) {
        if (cause instanceof PasserelleError) throw cause;
        return unreadable("an object is not well-formed");
      }
    }
    return this.#fromObjectStream(e.stream, num); // found by number in the stream's header
  }

  /** `value` itself, or the object it refers to. */
  resolve(value: PdfValue | undefined): PdfValue | undefined {
    return isRef(value) ? this.object(value.num) : value;
  }

  /** The dictionary `value` is or refers to; undefined when it is something else. */
  dict(value: PdfValue | undefined): PdfDict | undefined {
    const v = this.resolve(value);
    return isDict(v) ? v : undefined;
  }

  /** The first page: the first leaf of the page tree, depth-first (ISO 32000-1 §7.7.3). */
  firstPage(catalog: PdfDict): { ref: PdfRef; dict: PdfDict } {
    let node = dictGet(catalog, "Pages");
    for (let depth = 0; depth < MAX_TREE_DEPTH; depth++) {
      if (!isRef(node)) return unreadable("the page tree node is not an indirect object");
      const dict = this.dict(node);
      if (!dict) return unreadable("the page tree has a node that is not a dictionary");
      const kids = this.resolve(dictGet(dict, "Kids"));
      if (!Array.isArray(kids)) return { ref: node, dict };
      if (kids.length === 0) return unreadable("the document has no page");
      node = kids[0] as PdfValue;
    }
    return unreadable("the page tree is too deep");
  }

  #fromObjectStream(streamNum: number, num: number): PdfValue {
    let objects = this.#objectStreams.get(streamNum);
    if (!objects) {
      const e = this.xref.entries.get(streamNum);
      if (e?.kind !== "offset") return unreadable("an object stream is not at a byte offset");
      const obj = readIndirectAt(this.buf, e.offset, (len) => {
        const v = isRef(len) ? this.object(len.num) : undefined;
        return typeof v === "number" ? v : undefined;
      });
      const n = dictGet(obj.value, "N");
      const first = dictGet(obj.value, "First");
      if (typeof n !== "number" || typeof first !== "number")
        return unreadable("an object stream has no /N or /First");
      const data = decodeStream(this.buf, obj);
      const header = data.subarray(0, first).toString("latin1").trim().split(/\s+/).map(Number);
      objects = new Map();
      for (let k = 0; k < n; k++) {
        const objNum = header[2 * k];
        const rel = header[2 * k + 1];
        if (objNum === undefined || rel === undefined || Number.isNaN(objNum) || Number.isNaN(rel)) {
          return unreadable("an object stream header is malformed");
        }
        try {
          objects.set(objNum, parseValue(data, first + rel).value);
        } catch {
          return unreadable("an object in an object stream is not well-formed");
        }
      }
      this.#objectStreams.set(streamNum, objects);
    }
    return objects.has(num)
      ? (objects.get(num) ?? null)
      : unreadable("an object is missing from its object stream");
  }
}
