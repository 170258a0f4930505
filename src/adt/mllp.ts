/**
 * MLLP framing (HL7 v2.5 appendix C.4, Minimal Lower Layer Protocol): a message is `VT <bytes> FS CR`.
 * The framer works on bytes — decoding waits until MSH-18 is read (`charset.ts`) — and never loses
 * a frame because another one was bad:
 * - bytes between frames are skipped and counted (no answer is possible: there is no frame);
 *   CR, LF and spaces there are not counted;
 * - FS ends a frame whether or not CR follows (that CR is then skipped between frames);
 * - a VT inside a frame starts a new frame (the interrupted one is reported, HL7 text never holds VT);
 * - a frame longer than `maxFrameBytes` is dropped as it arrives and reported at its FS, so it can
 *   still be answered (AR).
 */
const VT = 0x0b;
const FS = 0x1c;

export type FramerEvent =
  | { readonly kind: "frame"; readonly bytes: Buffer }
  | { readonly kind: "oversize"; readonly size: number }
  | { readonly kind: "outside"; readonly bytes: number }
  | { readonly kind: "interrupted"; readonly bytes: number };

const isBlank = (b: number): boolean => b === 0x0d || b === 0x0a || b === 0x20;

export class MllpFramer {
  readonly #max: number;
  #inFrame = false;
  #parts: Buffer[] = [];
  #size = 0;
  #oversize = false;

  constructor(maxFrameBytes: number) {
    this.#max = maxFrameBytes;
  }

  /** Bytes of a frame begun and not yet ended (reported when the connection closes). */
  get pending(): number {
    return this.#inFrame ? this.#size : 0;
  }

  push(chunk: Buffer): FramerEvent[] {
    const out: FramerEvent[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (!this.#inFrame) {
        const vt = chunk.indexOf(VT, i);
        const stop = vt < 0 ? chunk.length : vt;
        let junk = 0;
        for (let k = i; k < stop; k++) if (!isBlank(chunk[k] ?? 0)) junk++;
        if (junk > 0) out.push({ kind: "outside", bytes: junk });
        if (vt < 0) return out;
        this.#start();
        i = vt + 1;
        continue;
      }
      let end = chunk.length;
      let fs = false;
      let vt = false;
      for (let k = i; k < chunk.length; k++) {
        const b = chunk[k];
        if (b === FS || b === VT) {
          end = k;
          fs = b === FS;
          vt = b === VT;
          break;
        }
      }
      this.#append(chunk.subarray(i, end));
      if (fs) {
        out.push(this.#finish());
        i = end + 1;
      } else if (vt) {
        out.push({ kind: "interrupted", bytes: this.#size });
        this.#start();
        i = end + 1;
      } else {
        i = end;
      }
    }
    return out;
  }

  #start(): void {
    this.#inFrame = true;
    this.#parts = [];
    this.#size = 0;
    this.#oversize = false;
  }

  #append(b: Buffer): void {
    if (b.length === 0) return;
    this.#size += b.length;
    if (this.#size > this.#max) {
      this.#oversize = true;
      this.#parts = [];
    } else {
      this.#parts.push(Buffer.from(b));
    }
  }

  #finish(): FramerEvent {
    this.#inFrame = false;
    const ev: FramerEvent = this.#oversize
      ? { kind: "oversize", size: this.#size }
      : { kind: "frame", bytes: Buffer.concat(this.#parts) };
    this.#parts = [];
    this.#size = 0;
    return ev;
  }
}
