/**
 * The hub's Matrix transport against a real Synapse: an encrypted room, a recipient on its own
 * device (matrix-js-sdk + Rust crypto) who decrypts the one sheet message — caption, structured data
 * and attachment — while the server sees no patient data in clear; and the refusals (unencrypted
 * room, stranger in the room).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { Direction, EventTimeline, type MatrixClient } from "matrix-js-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/core/clock.ts";
import { createDevPki, P12Signer, produceSignedSheet, verifyPdf } from "../../../src/pdf/index.ts";
import type { DevPki } from "../../../src/pdf/sign/dev-pki.ts";
import {
  downloadEncryptedFile,
  MatrixSheetTransport,
  SHEET_KEY,
  sha256Hex,
  type OutgoingSheet,
  type RegisteredUser,
  type SheetMessageContent,
} from "../../../src/matrix/index.ts";
import { sheetCaption } from "../../../src/transfers/outbox/caption.ts";
import { transferReference } from "../../../src/transfers/record/index.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { clearMedia, clearView, leaks, patientNeedles } from "./plaintext.ts";
import { decryptedMessages, sheetMessages } from "../../helpers/matrix-recipient.ts";
import { validatedExample } from "../../helpers/sheets.ts";
import {
  acceptInvite,
  decryptionFailures,
  startTestHomeserver,
  waitForEvent,
  waitForJoin,
  type TestHomeserver,
} from "../synapse/harness.ts";

const PASSPHRASE = "integration";
let server: TestHomeserver;
let pki: DevPki;
let cleanupPki: () => Promise<void>;
let hubUser: RegisteredUser;
let alice: RegisteredUser;
let mallory: RegisteredUser;
let hub: MatrixClient;
let aliceClient: MatrixClient;
let transport: MatrixSheetTransport;
let sheet: OutgoingSheet;
const timings: Record<string, number> = {};

beforeAll(async () => {
  let t = Date.now();
  server = await startTestHomeserver();
  timings.synapseCreateAndStartMs = Date.now() - t;
  const tmp = await tempDir("passerelle-matrix-pki-");
  cleanupPki = tmp.cleanup;
  pki = await createDevPki({
    outDir: tmp.dir,
    passphrase: PASSPHRASE,
    organisation: "CH Intégration",
    finess: "750712184",
  });
  const signed = await produceSignedSheet(await validatedExample("discharge"), {
    signer: await P12Signer.fromFile(pki.signerP12Path, PASSPHRASE),
    clock: systemClock,
  });
  const data = (await validatedExample("discharge")).data;
  const caption = sheetCaption({ kind: "discharge", transferId: "tr-0001", data, fallbackDate: new Date() });
  sheet = {
    transferId: "tr-0001",
    sheetId: signed.sheetId,
    kind: "discharge",
    form: "discharge@1",
    reference: transferReference("discharge", "tr-0001"),
    pdf: signed.pdf,
    data,
    caption: { body: caption.body, html: caption.html },
    filename: caption.filename,
  };
  [hubUser, alice, mallory] = await Promise.all([
    server.user("passerelle"),
    server.user("alice"),
    server.user("mallory"),
  ]);
  t = Date.now();
  [hub, aliceClient] = await Promise.all([server.client(hubUser), server.client(alice)]);
  timings.twoClientsCryptoAndFirstSyncMs = Date.now() - t;
  transport = new MatrixSheetTransport(hub);
});

afterAll(async () => {
  await mkdir("test-results", { recursive: true });
  await writeFile(path.join("test-results", "matrix-timings.json"), JSON.stringify(timings, null, 2));
  await server.close();
  await cleanupPki();
});

describe("hub → recipient over an encrypted room", () => {
  it("delivers the sheet as ONE message: the recipient decrypts caption, data and PDF; nothing in clear; idempotent", async () => {
    const roomId = await transport.createRoom("A1B2C3", [alice.userId]);
    await acceptInvite(aliceClient, roomId);
    await waitForJoin(hub, roomId, alice.userId);

    const t0 = Date.now();
    const sent = await transport.sendSheet(roomId, [alice.userId], sheet);
    const ev = await waitForEvent(
      aliceClient,
      roomId,
      "m.room.message",
      20_000,
      (e) => e.getId() === sent.eventId,
    );
    const content = ev.getContent<SheetMessageContent>();
    const pdf = await downloadEncryptedFile(aliceClient, content.file);
    timings.sendToDecryptedPdfMs = Date.now() - t0;

    expect(ev.isEncrypted()).toBe(true);
    expect(content).toMatchObject({
      msgtype: "m.file",
      filename: "lettre-de-sortie-MARCHAL-2026-01-16.pdf",
      format: "org.matrix.custom.html",
      info: { mimetype: "application/pdf", size: sheet.pdf.length },
      file: { url: sent.contentUri, v: "v2" },
    });
    expect(ev.getContent().url).toBeUndefined(); // encrypted attachments carry `file`, never a clear `url`
    // A caption (spec v1.10: body ≠ filename) that names the patient, the reference and how to acknowledge.
    expect(content.body).not.toBe(content.filename);
    expect(content.body).toContain("MARCHAL Odette, née le 12/03/1948");
    expect(content.body).toContain(`Réf. ${sheet.reference}`);
    expect(content.body).toContain("!ack");
    expect(content.formatted_body).toContain("<strong>Lettre de liaison de sortie");
    expect(content[SHEET_KEY]).toMatchObject({
      version: 2,
      sheet_id: sheet.sheetId,
      kind: "discharge",
      form: "discharge@1",
      reference: sheet.reference,
    });
    expect(content[SHEET_KEY].data).toEqual(sheet.data);
    expect(content[SHEET_KEY].pdf_sha256).toBe(sha256Hex(sheet.pdf));
    expect(sha256Hex(pdf)).toBe(content[SHEET_KEY].pdf_sha256);
    expect(pdf.equals(Buffer.from(sheet.pdf))).toBe(true);
    expect((await verifyPdf(pdf, { trustedCas: [pki.caCertPem] })).valid).toBe(true);
    expect(decryptionFailures(aliceClient, roomId)).toEqual([]);

    // Idempotent: the same transfer sent again yields the same event id, no new event.
    const again = await transport.sendSheet(roomId, [alice.userId], sheet);
    expect(again.eventId).toBe(sent.eventId);

    // The hub posted exactly one message for the sheet, and nothing else.
    const messages = (await decryptedMessages(aliceClient, roomId)).filter(
      (e) => e.getSender() === hubUser.userId,
    );
    expect(messages.map((e) => e.getId())).toEqual([sent.eventId]);
    expect(sheetMessages(messages)).toHaveLength(1);

    // Nothing from the sheet in clear: room state (name = neutral reference), event envelopes,
    // notifications (what push rules matched, i.e. what a push gateway is handed), media.
    const state = aliceClient.getRoom(roomId)!.getLiveTimeline().getState(EventTimeline.FORWARDS)!;
    expect(state.getStateEvents("m.room.name", "")?.getContent().name).toBe("Passerelle · T-A1B2C3");
    expect(state.getStateEvents("m.room.topic", "")).toBeNull();
    expect(state.getStateEvents("m.room.history_visibility", "")?.getContent().history_visibility).toBe(
      "invited",
    );
    const needles = patientNeedles(sheet.data);
    expect(needles).toContain("MARCHAL");
    const clear = await clearView(aliceClient, roomId);
    expect(clear.eventTypes.filter((t) => t !== "m.room.encrypted")).toEqual([]);
    expect(leaks(clear.state, needles)).toEqual([]);
    expect(leaks(clear.envelopes, needles)).toEqual([]);
    expect(clear.notifications).toContain(sent.eventId); // the recipient was notified of it…
    expect(leaks(clear.notifications, needles)).toEqual([]); // …without any patient data
    expect(leaks(clear.envelopes, ["lettre-de-sortie", sheet.reference, sheet.sheetId])).toEqual([]);
    const media = await clearMedia(aliceClient, sent.contentUri);
    expect(media.contentType).toBe("application/octet-stream");
    expect(media.disposition).not.toMatch(/filename=(?!"?file"?)/i);
    expect(leaks(media.disposition, [...needles, "lettre", ".pdf"])).toEqual([]);
    expect(media.bytes.subarray(0, 4).toString("latin1")).not.toBe("%PDF");
    expect(leaks(media.bytes.toString("latin1"), needles)).toEqual([]);
  });

  it("a sheet that concerns an earlier one replies to it", async () => {
    const roomId = await transport.createRoom("R3P1Y0", [alice.userId]);
    await acceptInvite(aliceClient, roomId);
    await waitForJoin(hub, roomId, alice.userId);
    const first = await transport.sendSheet(roomId, [alice.userId], { ...sheet, transferId: "tr-0002" });
    const second = await transport.sendSheet(roomId, [alice.userId], {
      ...sheet,
      transferId: "tr-0003",
      replyTo: () => Promise.resolve(first.eventId),
    });
    const ev = await waitForEvent(
      aliceClient,
      roomId,
      "m.room.message",
      20_000,
      (e) => e.getId() === second.eventId,
    );
    expect(ev.getContent()["m.relates_to"]).toEqual({ "m.in_reply_to": { event_id: first.eventId } });
  });
});

describe("refusals", () => {
  async function messagesIn(roomId: string): Promise<string[]> {
    const res = await hub.createMessagesRequest(roomId, null, 100, Direction.Backward);
    return res.chunk.filter((e) => !("state_key" in e)).map((e) => e.type);
  }

  it("refuses an unencrypted room and sends nothing", async () => {
    const { room_id: roomId } = await hub.createRoom({
      name: "Passerelle · T-PLAIN",
      invite: [alice.userId],
    });
    await waitForJoin(hub, roomId, hubUser.userId);
    await expect(
      transport.sendSheet(roomId, [alice.userId], { ...sheet, transferId: "tr-plain" }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("not end-to-end encrypted") as unknown,
    });
    expect(await messagesIn(roomId)).toEqual([]);
  });

  it("refuses a room where a stranger has joined and sends nothing", async () => {
    const roomId = await transport.createRoom("S7R4N6", [alice.userId, mallory.userId]);
    const res = await fetch(`${server.hs.baseUrl}/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {
      method: "POST",
      headers: { authorization: `Bearer ${mallory.accessToken}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(200);
    await waitForJoin(hub, roomId, mallory.userId);
    await expect(
      transport.sendSheet(roomId, [alice.userId], { ...sheet, transferId: "tr-stranger" }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("outside the intended recipients") as unknown,
    });
    expect(await messagesIn(roomId)).toEqual([]);
  });

  it("rejects bad input before touching the network", async () => {
    await expect(transport.createRoom("Jean Dupont 1970", [alice.userId])).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    await expect(
      transport.sendSheet("!x:localhost", [], { ...sheet, transferId: "bad id" }),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
  });
});
