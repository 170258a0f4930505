/**
 * The hub's Matrix transport against a real Synapse: an encrypted room, a recipient on its own
 * device (matrix-js-sdk + Rust crypto) who decrypts the structured event and the attachment, and
 * the refusals (unencrypted room, stranger in the room).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { Direction, EventTimeline, type MatrixClient } from "matrix-js-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.ts";
import { createDevPki, P12Signer, produceSignedSheet, verifyPdf, type DevPki } from "../../src/pdf/index.ts";
import {
  downloadEncryptedFile,
  MatrixSheetTransport,
  SHEET_EVENT_TYPE,
  sha256Hex,
  type OutgoingSheet,
  type RegisteredUser,
  type SheetEventContent,
} from "../../src/matrix/index.ts";
import { tempDir } from "../helpers/tmp.ts";
import { validatedExample } from "../helpers/sheets.ts";
import {
  acceptInvite,
  decryptionFailures,
  startTestHomeserver,
  waitForEvent,
  waitForJoin,
  type TestHomeserver,
} from "./synapse/harness.ts";

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
  sheet = {
    transferId: "tr-0001",
    sheetId: signed.sheetId,
    kind: "discharge",
    form: "discharge@1",
    pdf: signed.pdf,
    data: (await validatedExample("discharge")).data,
    summaryFr: "Nouvelle lettre de liaison de sortie. Merci d’en accuser réception (✅).",
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
  it("delivers the sheet: the recipient decrypts the event, the attachment and the summary; the PDF verifies", async () => {
    const roomId = await transport.createRoom("A1B2C3", [alice.userId]);
    await acceptInvite(aliceClient, roomId);
    await waitForJoin(hub, roomId, alice.userId);

    const t0 = Date.now();
    const sent = await transport.sendSheet(roomId, [alice.userId], sheet);
    const ev = await waitForEvent(aliceClient, roomId, SHEET_EVENT_TYPE);
    const content = ev.getContent<SheetEventContent>();
    const pdf = await downloadEncryptedFile(aliceClient, content.file);
    timings.sendToDecryptedPdfMs = Date.now() - t0;

    expect(ev.isEncrypted()).toBe(true);
    expect(ev.getId()).toBe(sent.sheetEventId);
    expect(content).toMatchObject({
      version: 1,
      sheet_id: sheet.sheetId,
      kind: "discharge",
      form: "discharge@1",
    });
    expect(content.data).toEqual(sheet.data);
    expect(content.pdf_sha256).toBe(sha256Hex(sheet.pdf));
    expect(sha256Hex(pdf)).toBe(content.pdf_sha256);
    expect(pdf.equals(Buffer.from(sheet.pdf))).toBe(true);
    const report = await verifyPdf(pdf, { trustedCas: [pki.caCertPem] });
    expect(report.valid).toBe(true);

    const fileEv = await waitForEvent(
      aliceClient,
      roomId,
      "m.room.message",
      10_000,
      (e) => e.getContent().msgtype === "m.file",
    );
    expect(fileEv.isEncrypted()).toBe(true);
    expect(fileEv.getContent()).toMatchObject({
      body: "lettre-de-liaison.pdf",
      file: { url: sent.contentUri, v: "v2" },
    });
    expect(fileEv.getContent().url).toBeUndefined();
    const text = await waitForEvent(
      aliceClient,
      roomId,
      "m.room.message",
      10_000,
      (e) => e.getContent().msgtype === "m.text",
    );
    expect(text.isEncrypted()).toBe(true);
    expect(text.getContent().body).toBe(sheet.summaryFr);
    expect(decryptionFailures(aliceClient, roomId)).toEqual([]);

    // Nothing from the sheet in clear room state: the name is the neutral reference.
    const state = aliceClient.getRoom(roomId)!.getLiveTimeline().getState(EventTimeline.FORWARDS)!;
    expect(state.getStateEvents("m.room.name", "")?.getContent().name).toBe("Passerelle · T-A1B2C3");
    expect(state.getStateEvents("m.room.topic", "")).toBeNull();
    expect(state.getStateEvents("m.room.history_visibility", "")?.getContent().history_visibility).toBe(
      "invited",
    );

    // Idempotent: the same transfer sent again yields the same event ids, no new event.
    const again = await transport.sendSheet(roomId, [alice.userId], sheet);
    expect([again.fileEventId, again.sheetEventId, again.textEventId]).toEqual([
      sent.fileEventId,
      sent.sheetEventId,
      sent.textEventId,
    ]);
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
