/**
 * A sheet as the hub posted it before sheets became one message: a custom `fr.passerelle.sheet`
 * event, then an `m.file` and an `m.text` naming it (`fr.passerelle.sheet_event_id`), all
 * encrypted. Posted through the hub's own client, so that the tests can check that receipts and
 * acknowledgements on any of the three still count.
 */
import type { EventType, MatrixClient } from "matrix-js-sdk";
import { SHEET_EVENT_TYPE, SHEET_REF_KEY } from "../../src/matrix/index.ts";

export interface LegacySheet {
  readonly sheetEventId: string;
  readonly fileEventId: string;
  readonly textEventId: string;
}

export async function postLegacySheet(
  hub: MatrixClient,
  roomId: string,
  s: { sheetId: string; kind: string; form: string; pdfSha256: string; data: unknown },
): Promise<LegacySheet> {
  const file = {
    url: "mxc://localhost/legacy",
    key: { kty: "oct", key_ops: ["encrypt", "decrypt"], alg: "A256CTR", k: "x", ext: true },
    iv: "AAAAAAAAAAAAAAAAAAAAAA",
    hashes: { sha256: "x" },
    v: "v2",
  };
  const send = async (type: string, content: object): Promise<string> =>
    // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- custom event type
    (await hub.sendEvent(roomId, type as EventType.RoomMessage, content as never)).event_id;
  const sheetEventId = await send(SHEET_EVENT_TYPE, {
    version: 1,
    sheet_id: s.sheetId,
    kind: s.kind,
    form: s.form,
    pdf_sha256: s.pdfSha256,
    file,
    filename: "lettre-de-liaison.pdf",
    data: s.data,
  });
  const ref = { [SHEET_REF_KEY]: sheetEventId };
  const fileEventId = await send("m.room.message", {
    msgtype: "m.file",
    body: "lettre-de-liaison.pdf",
    filename: "lettre-de-liaison.pdf",
    info: { mimetype: "application/pdf", size: 1 },
    file,
    ...ref,
  });
  const textEventId = await send("m.room.message", {
    msgtype: "m.text",
    body: "Nouvelle lettre de liaison de sortie. Merci d’en accuser réception : réagissez ✅ ou répondez !ack.",
    ...ref,
  });
  return { sheetEventId, fileEventId, textEventId };
}
