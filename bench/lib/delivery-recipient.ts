/**
 * The recipient's side of the delivery bench: a matrix-js-sdk client (Rust crypto) that, for every
 * event it decrypts, finds the encrypted attachment, downloads and decrypts it, checks its SHA-256
 * against the one announced in the event and verifies the PDF's signature against the CA — and
 * only then marks the delivery done. Two kinds of events count:
 * - Passerelle's sheet message: one `m.file` whose `fr.passerelle.sheet` data key it by `sheet_id`
 *   and give the hash `pdf_sha256`;
 * - the bare baseline's `m.file` event (keyed by `bench.id`, hash `bench.sha256`).
 */
import { performance } from "node:perf_hooks";
import type { MatrixClient, MatrixEvent, Room } from "matrix-js-sdk";
import { EventTimeline, MatrixEventEvent, RoomEvent } from "matrix-js-sdk";
import type { EncryptedFile, SheetData } from "../../src/matrix/index.ts";
import { downloadEncryptedFile, isSheetMessage, SHEET_KEY, sha256Hex } from "../../src/matrix/index.ts";
import { verifyPdf } from "../../src/pdf/index.ts";

/** When the recipient had the event decrypted, and when the attachment verified (performance.now()). */
export interface Received {
  readonly decryptedAt: number;
  readonly verifiedAt: number;
}

/** The bare baseline's event content. */
export interface BareFileContent {
  readonly msgtype: "m.file";
  readonly body: string;
  readonly file: EncryptedFile;
  readonly "bench.id": string;
  readonly "bench.sha256": string;
}

interface Waiter {
  resolve(r: Received): void;
  reject(e: Error): void;
}

export class VerifyingRecipient {
  readonly #client: MatrixClient;
  readonly #caPem: string;
  readonly #seen = new Set<string>();
  readonly #done = new Map<string, Received | Error>();
  readonly #waiters = new Map<string, Waiter>();
  /** Events that failed to decrypt or to verify (must stay 0). */
  failures = 0;

  constructor(client: MatrixClient, caPem: string) {
    this.#client = client;
    this.#caPem = caPem;
    const onEvent = (ev: MatrixEvent): void => {
      if (ev.isBeingDecrypted() || ev.shouldAttemptDecryption()) return; // Decrypted follows
      this.#consider(ev);
    };
    client.on(RoomEvent.Timeline, onEvent);
    client.on(MatrixEventEvent.Decrypted, (ev) => {
      if (ev.isDecryptionFailure()) this.failures++;
      else this.#consider(ev);
    });
    // A burst can exceed a sync's timeline limit: the SDK then resets the live timeline over a
    // gap, as any client would, it pages back through the gap (the paged events reach `onEvent`).
    client.on(RoomEvent.TimelineReset, (room, set) => {
      if (room && set === room.getUnfilteredTimelineSet()) void this.#backfill(room);
    });
  }

  /** Pages back after a limited sync until it meets an event it had already seen (at most 20 pages). */
  async #backfill(room: Room): Promise<void> {
    const live = room.getLiveTimeline();
    for (let page = 0; page < 20; page++) {
      if (live.getPaginationToken(EventTimeline.BACKWARDS) === null) return;
      await this.#client.scrollback(room, 50);
      if (live.getEvents().some((e) => this.#seen.has(e.getId() ?? ""))) return;
    }
  }

  /** Resolves when the delivery keyed `key` (sheet id or bench id) has been received and verified. */
  received(key: string, timeoutMs: number): Promise<Received> {
    const done = this.#done.get(key);
    if (done instanceof Error) return Promise.reject(done);
    if (done !== undefined) return Promise.resolve(done);
    return new Promise<Received>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(key);
        reject(new Error(`recipient: ${key} not received and verified within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.set(key, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  #consider(ev: MatrixEvent): void {
    const id = ev.getId();
    if (id === undefined || this.#seen.has(id)) return;
    const target = this.#target(ev);
    if (target === undefined) return;
    this.#seen.add(id);
    const decryptedAt = performance.now();
    this.#verify(target.file, target.sha256).then(
      () => {
        this.#finish(target.key, { decryptedAt, verifiedAt: performance.now() });
      },
      (e: unknown) => {
        this.failures++;
        this.#finish(target.key, e instanceof Error ? e : new Error(String(e)));
      },
    );
  }

  #target(ev: MatrixEvent): { key: string; file: EncryptedFile; sha256: string } | undefined {
    if (isSheetMessage(ev.getType(), ev.getContent())) {
      const c = ev.getContent<{ file: EncryptedFile; [SHEET_KEY]: SheetData }>();
      return { key: c[SHEET_KEY].sheet_id, file: c.file, sha256: c[SHEET_KEY].pdf_sha256 };
    }
    if (ev.getType() === "m.room.message") {
      const c = ev.getContent<Partial<BareFileContent>>();
      const key = c["bench.id"];
      const sha = c["bench.sha256"];
      if (c.msgtype === "m.file" && key !== undefined && sha !== undefined && c.file !== undefined)
        return { key, file: c.file, sha256: sha };
    }
    return undefined;
  }

  async #verify(file: EncryptedFile, sha256: string): Promise<void> {
    const pdf = await downloadEncryptedFile(this.#client, file);
    if (sha256Hex(pdf) !== sha256) throw new Error("recipient: PDF SHA-256 differs from the event's");
    if (!(await verifyPdf(pdf, { trustedCas: [this.#caPem] })).valid)
      throw new Error("recipient: PDF signature does not verify");
  }

  #finish(key: string, r: Received | Error): void {
    this.#done.set(key, r);
    const w = this.#waiters.get(key);
    if (w === undefined) return;
    this.#waiters.delete(key);
    if (r instanceof Error) w.reject(r);
    else w.resolve(r);
  }
}
