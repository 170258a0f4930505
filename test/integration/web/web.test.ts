/**
 * The web app end to end: Debian's chromium (playwright-core) against the
 * whole service on its embedded default — real Synapse, demo CPTS, sqlite, dev signer — and the
 * GP's own Matrix client (Rust crypto), which decrypts the sheet and acknowledges it with an
 * encrypted `!ack` reply.
 * Screenshots of every page go to test-results/screenshots/.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { MatrixClient } from "matrix-js-sdk";
import { ReceiptType } from "matrix-js-sdk";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../../src/app.ts";
import { start } from "../../../src/app.ts";
import { DEMO_MEMBERS } from "../../../src/demo/cpts.ts";
import { createLogger } from "../../../src/log/index.ts";
import { testConfig } from "../../helpers/config.ts";
import { tempDir, waitFor } from "../../helpers/tmp.ts";
import { sheetEventsSeen } from "../../helpers/matrix-recipient.ts";
import { SCREENSHOTS, demoLogin, fillSheet, launchChromium, newPage, screenshot } from "./browser.ts";
import { memberClient, replyAck } from "./recipient.ts";

const member = (localpart: string) => DEMO_MEMBERS.find((m) => m.localpart === localpart)!;
const sender = member("dr.berard");
const gp = member("dr.martin");
const coordinator = member("coord.morel");
/** The HAS indicator counts letters sent on the day of discharge (Europe/Paris). */
const todayParis = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(new Date());

/** Every required field of discharge@1, filled as a discharge team would. */
const DISCHARGE: Record<string, string> = {
  "data.patient.lastName": "MARCHAL",
  "data.patient.firstNames": "Odette Marie Louise",
  "data.patient.birthDate": "1948-03-12",
  "data.patient.sex": "F",
  "data.patient.ins": "248037511204721",
  "data.establishment.name": "Centre hospitalier de démonstration",
  "data.establishment.finess": "699990016",
  "data.establishment.unit": "Médecine gériatrique",
  "data.practitioners.hospitalDoctor.name": "Dr Hélène Bérard",
  "data.practitioners.hospitalDoctor.rpps": sender.rpps,
  "data.stay.admissionDate": "2026-11-25",
  "data.stay.admissionMode": "emergency",
  "data.stay.dischargeDate": todayParis,
  "data.stay.dischargeMode": "home",
  "data.reason.text": "Chute à domicile révélant une décompensation cardiaque.",
  "data.synthesis.summary":
    "Évolution favorable sous diurétiques ; retour à domicile avec passage infirmier.",
  "data.synthesis.mdro": "negative",
  "data.synthesis.transfusion": "false",
  "data.treatments.prescriptionHandedOver": "true",
  "data.contact.name": "Secrétariat de gériatrie",
  "data.contact.phone": "04 72 00 31 10",
  "data.recipients.writtenAt": `${todayParis}T10:30`,
  "data.recipients.handedToPatient": "true",
};
/** Same length, wrong check key (the real one ends 21). */
const BAD_INS = "248037511204722";

let dir: string;
let cleanup: () => Promise<void>;
let app: App;
let browser: Browser;
let gpClient: MatrixClient | undefined;
let sentId: string | undefined;
/** The service's warnings and errors (codes and ids only), shown when a test fails. */
const serviceLog: string[] = [];

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("passerelle-web-"));
  app = await start(testConfig(dir), {
    log: createLogger({
      level: "warn",
      destination: { write: (line: string) => serviceLog.push(line.trimEnd()) },
    }),
  });
  browser = await launchChromium();
  const account = app.demoAccounts.find((a) => a.rpps === gp.rpps)!;
  gpClient = await memberClient(app.homeserverUrl, account.userId, account.password);
});

afterAll(async () => {
  // eslint-disable-next-line no-console -- service warnings, for the report
  if (serviceLog.length > 0) console.log(`web e2e service log:\n${serviceLog.join("\n")}`);
  gpClient?.stopClient();
  await browser.close();
  await app.stop();
  await cleanup();
});

/** Opens a logged-in page on the « Nouvelle fiche » form. */
async function composing(): Promise<Page> {
  const { page } = await newPage(browser);
  await demoLogin(page, app.httpUrl, sender.rpps, "sender");
  await page.goto(`${app.httpUrl}/#/nouvelle`);
  await page.locator('[data-path="data.patient.lastName"]').waitFor({ timeout: 15_000 });
  return page;
}

describe("web app on the embedded default", () => {
  it("serves the page with its security headers; demo tokens only for demo accounts (404 naming rpps)", async () => {
    const res = await fetch(`${app.httpUrl}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const js = await fetch(`${app.httpUrl}/assets/app.js`);
    expect(js.headers.get("content-type")).toContain("javascript");
    expect((await js.text()).length).toBeGreaterThan(50_000); // the bundle, ajv included
    // Anything else is the API's: an unknown path is its 404 problem document.
    const other = await fetch(`${app.httpUrl}/nope`);
    expect(other.status).toBe(404);
    expect(other.headers.get("content-type")).toContain("application/problem+json");
    const refused = await fetch(`${app.httpUrl}/web/demo/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ rpps: gp.rpps, role: "coordinator" }),
    });
    expect(refused.status).toBe(404);
    const problem = (await refused.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path)).toEqual(["rpps"]);
  });

  it("logs in with a demo account; the token never appears in the URL", async () => {
    const { page } = await newPage(browser);
    await page.goto(`${app.httpUrl}/`);
    await page.locator("#demo-accounts").waitFor();
    await screenshot(page, "01-login");
    await demoLogin(page, app.httpUrl, sender.rpps, "sender");
    await expect.poll(() => page.locator("#whoami").textContent()).toContain("Hélène Bérard");
    expect(page.url()).not.toMatch(/ey[A-Za-z0-9_-]{10,}/);
    await page.close();
  });

  it("checks the sheet in the browser: a bad INS key is shown next to the field, nothing is posted", async () => {
    const page = await composing();
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(r.url());
    });
    // Every control of the generated form has a label (table cells: visually hidden ones).
    const unlabelled = await page
      .locator("#sheet-form input, #sheet-form select, #sheet-form textarea")
      .evaluateAll(
        (els: { labels: { length: number } | null }[]) =>
          els.filter((e) => (e.labels?.length ?? 0) === 0).length,
      );
    expect(unlabelled).toBe(0);
    await fillSheet(page, { ...DISCHARGE, "data.patient.ins": BAD_INS });
    await page.locator(`#recipients input[value="${gp.rpps}"]`).check();
    await page.locator("#send").click();
    const err = page.locator('[data-error-for="data.patient.ins"]');
    await expect.poll(() => err.textContent()).toMatch(/INS.*clé/);
    expect(await page.locator('[data-path="data.patient.ins"]').getAttribute("aria-invalid")).toBe("true");
    expect(posts).toEqual([]);
    await page.close();
  });

  it("shows the server's field error next to the field (browser check out of date: schema without check keys)", async () => {
    const page = await composing();
    // A client holding an older schema: the browser no longer knows the INS check key; the
    // server, which validates every sheet again, does.
    await page.route(/\/api\/v1\/forms\/discharge/, async (route) => {
      const res = await route.fetch();
      const body = JSON.stringify(await res.json(), (k, v: unknown) =>
        k === "x-identifier" ? undefined : v,
      );
      await route.fulfill({ response: res, body });
    });
    await page.locator("#form-select").selectOption({ index: 0 });
    await page.locator("#form-select").selectOption("discharge@1");
    await page.locator('[data-path="data.patient.lastName"]').waitFor();
    await fillSheet(page, { ...DISCHARGE, "data.patient.ins": BAD_INS });
    await page.locator(`#recipients input[value="${gp.rpps}"]`).check();
    const answer = page.waitForResponse(
      (r) => r.url().endsWith("/api/v1/transfers") && r.request().method() === "POST",
    );
    await page.locator("#send").click();
    const res = await answer;
    expect(res.status()).toBe(422);
    const problem = (await res.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path)).toContainEqual(
      expect.stringMatching(/^(sheet\.)?data\.patient\.ins$/),
    );
    const err = page.locator('[data-error-for="data.patient.ins"]');
    await expect.poll(() => err.textContent()).toMatch(/INS.*clé/);
    await page.locator('[data-field-path="data.patient.ins"]').scrollIntoViewIfNeeded();
    await screenshot(page, "03-server-field-error");
    await page
      .locator('fieldset[data-field-path="data.patient"]')
      .screenshot({ path: path.join(SCREENSHOTS, "03b-server-field-error-patient.png") });
    await page.close();
  });

  it("previews, signs and sends a discharge letter; the GP decrypts it and acknowledges with !ack; the page follows", async () => {
    const page = await composing();
    await fillSheet(page, DISCHARGE);
    await page.locator(`#recipients input[value="${gp.rpps}"]`).check();
    const preview = page.waitForResponse((r) => r.url().endsWith("/api/v1/sheets/preview"));
    await page.locator("#preview").click();
    const pdf = await preview;
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toContain("application/pdf");
    await page.locator("#preview-frame").waitFor();
    // What the page shows is the PDF the server rendered (read back from the page's blob URL).
    const href = await page.locator("#preview-link").getAttribute("href");
    expect(href).toMatch(/^blob:/);
    const head = await page.evaluate(async (url) => {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      return { start: String.fromCharCode(...bytes.subarray(0, 5)), size: bytes.length };
    }, href!);
    expect(head.start).toBe("%PDF-");
    expect(head.size).toBeGreaterThan(10_000);
    await screenshot(page, "02-compose-preview");

    const created = page.waitForResponse(
      (r) => r.url().endsWith("/api/v1/transfers") && r.request().method() === "POST",
    );
    await page.locator("#send").click();
    expect((await created).status()).toBe(201);
    await page.waitForURL(/#\/suivi\/[^/]+$/, { timeout: 15_000 });
    sentId = decodeURIComponent(page.url().split("/").at(-1)!);
    expect(page.url()).not.toContain("MARCHAL");

    // The real workflow: queued → sent (homeserver accepted the event) → delivered (echo seen by the hub).
    const state = page.locator(`tr[data-transfer="${sentId}"] .badge`).first();
    await expect.poll(() => state.getAttribute("data-state"), { timeout: 60_000 }).toBe("delivered");
    expect(await state.textContent()).toContain("Remis");
    const status = await waitFor(
      "the sheet event id",
      async () => {
        const s = await app.transferStatus(sentId!);
        return s.transfer.sheetEventId === undefined || s.transfer.roomId === undefined ? undefined : s;
      },
      60_000,
      200,
    );
    const roomId = status.transfer.roomId!;
    // The follow-up list names the transfer by its short reference, the kind in French and (to a
    // sender, who handles the sheet) the patient — so "Mme Marchal's letter" is found at a glance.
    const listed = page.locator(`tr[data-transfer="${sentId}"]`);
    expect(await listed.locator(".reference").textContent()).toBe(status.transfer.reference);
    expect(status.transfer.reference).toMatch(/^LDL-[0-9A-Z]{4}-[0-9A-Z]{3}$/);
    expect(await listed.locator(".kind").textContent()).toBe("Lettre de liaison de sortie");
    expect(await listed.locator(".patient").textContent()).toMatch(/^MARCHAL /);
    expect(await page.locator("#transfers thead").textContent()).toContain("Patient");
    expect(await listed.textContent()).not.toContain("discharge@1");
    // The GP's own device joins and decrypts the sheet event.
    await waitFor(
      "the GP decrypting the sheet",
      async () => {
        if (gpClient!.getRoom(roomId)?.getMyMembership() !== "join") return undefined;
        const seen = await sheetEventsSeen(gpClient!, roomId);
        return seen.bySheet.get(status.transfer.sheetId) === 1 ? seen : undefined;
      },
      60_000,
      500,
    );
    await screenshot(page, "04-follow-up-sent");
    // The GP's client says it has read up to the sheet (weak evidence), then an encrypted `!ack` (the legal one).
    const sheetEvent = await waitFor(
      "the sheet event in the GP's timeline",
      () => gpClient!.getRoom(roomId)?.findEventById(status.transfer.sheetEventId!) ?? undefined,
      30_000,
      200,
    );
    await gpClient!.sendReadReceipt(sheetEvent, ReceiptType.Read);
    await expect.poll(() => state.getAttribute("data-state"), { timeout: 60_000 }).toBe("read");
    await replyAck(gpClient!, roomId, status.transfer.sheetEventId!);
    await expect.poll(() => state.getAttribute("data-state"), { timeout: 60_000 }).toBe("acknowledged");
    await expect.poll(() => page.locator("#detail-state").textContent()).toContain("Accusé de réception");
    await screenshot(page, "05-follow-up-acknowledged");
    // Beside the PDF, the CI-SIS CDA document (LDL-SES) downloads as XML.
    const cdaRes = page.waitForResponse((r) => r.url().endsWith(`/${encodeURIComponent(sentId!)}/cda`));
    const download = page.waitForEvent("download");
    await page.locator("#download-cda").click();
    expect((await cdaRes).headers()["content-type"]).toContain("application/xml");
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^fiche-.+\.cda\.xml$/);
    const xml = await readFile(await file.path(), "utf8");
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml).toContain('<templateId root="1.2.250.1.213.1.1.1.29" extension="2022.01"/>');
    // Printable: navigation and buttons are left out of the printed page.
    await page.emulateMedia({ media: "print" });
    expect(await page.locator("header.top").isVisible()).toBe(false);
    expect(await page.locator("#download-pdf").isVisible()).toBe(false);
    expect(await page.locator("#download-cda").isVisible()).toBe(false);
    expect(await page.locator("#detail-state").isVisible()).toBe(true);
    await screenshot(page, "05b-follow-up-print");
    await page.close();
  });

  it("verifies a PDF by upload: the signed letter is valid, a tampered copy is not", async () => {
    expect(sentId).toBeDefined();
    const tokenRes = await fetch(`${app.httpUrl}/web/demo/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ rpps: sender.rpps, role: "sender" }),
    });
    const { token } = (await tokenRes.json()) as { token: string };
    const pdfRes = await fetch(`${app.httpUrl}/api/v1/transfers/${encodeURIComponent(sentId!)}/pdf`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(pdfRes.status).toBe(200);
    const signed = Buffer.from(await pdfRes.arrayBuffer());
    const good = path.join(dir, "lettre.pdf");
    const bad = path.join(dir, "lettre-modifiee.pdf");
    await writeFile(good, signed);
    const tampered = Buffer.from(signed);
    const at = tampered.indexOf("/Type /Page") + 2; // inside the signed byte range
    tampered[at] = tampered[at]! ^ 0x01;
    await writeFile(bad, tampered);

    // Anyone in the CPTS — here the GP, as a recipient (the API asks every caller for a token).
    const { page } = await newPage(browser);
    await demoLogin(page, app.httpUrl, gp.rpps, "recipient");
    await page.goto(`${app.httpUrl}/#/verifier`);
    await page.locator("#pdf-file").setInputFiles(good);
    const report = page.locator("#verify-report");
    await expect.poll(() => report.getAttribute("data-valid"), { timeout: 20_000 }).toBe("true");
    expect(await report.textContent()).toContain("Signature valide");
    await screenshot(page, "06-verify-valid");
    await page.locator("#pdf-file").setInputFiles(bad);
    await expect.poll(() => report.getAttribute("data-valid"), { timeout: 20_000 }).toBe("false");
    expect(await report.textContent()).toContain("NON valide");
    expect(await report.textContent()).toContain("le contenu signé a été modifié");
    await screenshot(page, "07-verify-tampered");
    expect((await readFile(good)).length).toBe(signed.length);
    await page.close();
  });

  it("renders the coordinator dashboard with its numbers and verifies the audit trail in one click", async () => {
    const { page } = await newPage(browser);
    await demoLogin(page, app.httpUrl, coordinator.rpps, "coordinator");
    await page.goto(`${app.httpUrl}/#/tableau`);
    await page.locator("#kpi-discharge .kpi-value").waitFor({ timeout: 15_000 });
    // One discharge letter, sent on its discharge day: the HAS indicator is 100 %.
    expect(await page.locator("#kpi-discharge .kpi-value").textContent()).toBe("1");
    expect(await page.locator("#chart-same-day .gauge-value").textContent()).toBe("100 %");
    expect(await page.locator("#kpi-overdue .kpi-value").textContent()).toBe("0");
    expect(await page.locator("#chart-tele svg").count()).toBe(1);
    await screenshot(page, "08-dashboard");
    // The coordinator verifies the audit trail in one click.
    await page.locator("#verify-audit").click();
    const result = page.locator("#audit-result");
    await expect
      .poll(() => result.textContent(), { timeout: 20_000 })
      .toMatch(/Piste d’audit intègre : \d+ entrées/);
    await screenshot(page, "09-audit-verified");
    await page.close();
  });
});
