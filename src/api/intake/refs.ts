/**
 * The queue « à orienter » in URLs: `POST /documents/{ref}/assign` carries an opaque reference, not
 * the document's own id. A CDA `ClinicalDocument/id` or a producer's id may embed a stay or record
 * number, and URLs end up in proxy logs and browser history; an unkeyed hash of such a short id
 * could be reversed by enumeration. The reference is `d` + 40 hex digits of HMAC-SHA256 (RFC 2104)
 * of the id under a key drawn when the app starts: stable while the process runs, meaningless
 * outside it. After a restart, the queue is listed again (the page always lists before assigning).
 */
import { createHmac, randomBytes } from "node:crypto";

export interface DocumentRefs {
  ref(documentId: string): string;
}

export function documentRefs(key: Uint8Array = randomBytes(32)): DocumentRefs {
  return {
    ref: (documentId) =>
      `d${createHmac("sha256", key).update(documentId, "utf8").digest("hex").slice(0, 40)}`,
  };
}
