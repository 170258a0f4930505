/**
 * Hospital documents in the web app end to end: Debian's chromium (playwright-core) against the
 * web app in front of the API (sqlite, demo directory, demo logins), with the real documents
 * service (src/documents, wired by the API fixture as src/app.ts wires it; no outbox worker, so
 * transfers stay queued).
 * - « À orienter »: a hospital's service account posts a PDF for a patient nobody follows; the
 *   coordinator sees it waiting, picks a recipient from the directory and sends it; the document
 *   leaves the queue, and the transfer's detail says who receives it and why.
 * - The follow-up detail of a document's transfer: each recipient with the French wording of its
 *   routing source and reason, and « Remplace … » / « Remplacé par … » links between versions.
 * Screenshots go to test-results/screenshots/.
 */
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withCheckKey } from "../../../src/forms/index.ts";
import { encode, n1Document, tinyPdf } from "../../helpers/cda-hospital.ts";
import { multipartBody } from "../../helpers/multipart.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { call } from "../api/client.ts";
import type { ApiFixture } from "../api/fixture.ts";
import { demo, openApiFixture } from "../api/fixture.ts";
import { demoLogin, launchChromium, newPage, screenshot } from "./browser.ts";

const LONELY = withCheckKey("ins", "2850675123996");
let f: ApiFixture;
let cleanup: () => Promise<void>;
let browser: Browser;

const patient = (ins: string) => ({
  ins,
  insOid: "1.2.250.1.213.1.4.8",
  family: "Dupré",
  given: "Léa",
  birthDate: "1985-06-14",
  sex: "F",
});

/** Posts a PDF with its metadata as the hospital's service account; the receipt. */
async function postPdf(meta: Record<string, unknown>): Promise<{ outcome: string; transferId?: string }> {
  const form = multipartBody([
    {
      name: "metadata",
      type: "application/json",
      body: JSON.stringify({
        patient: patient(LONELY),
        typeCode: "11488-4",
        title: "Compte rendu de consultation de cardiologie",
        ...meta,
      }),
    },
    { name: "document", type: "application/pdf", body: tinyPdf() },
  ]);
  const r = await call(`${f.api}/documents`, {
    token: await f.token({ role: "sender" }),
    body: form.body,
    contentType: form.contentType,
  });
  expect(r.status, r.body.toString()).toBe(201);
  return r.json as { outcome: string; transferId?: string };
}

async function postWaitingPdf(documentId: string): Promise<void> {
  expect((await postPdf({ documentId })).outcome).toBe("to_route");
}

/** The transfer's short reference, as the API gives it. */
async function referenceOf(transferId: string): Promise<string> {
  const r = await call(`${f.api}/transfers/${transferId}`, {
    token: await f.token("coord.morel", "coordinator"),
  });
  expect(r.status).toBe(200);
  return (r.json as { reference: string }).reference;
}

/** The routing line of `rpps` in the open transfer's detail. */
const routingLine = (page: Page, rpps: string) => page.locator(`#detail-routing li[data-rpps="${rpps}"]`);

beforeAll(async () => {
  const t = await tempDir("passerelle-web-documents-");
  cleanup = t.cleanup;
  f = await openApiFixture(t.dir, { web: true });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser.close();
  await f.close();
  await cleanup();
});

describe("« À orienter » in the web app", () => {
  it("the coordinator sees the waiting document, picks a recipient from the directory and sends it", async () => {
    await postWaitingPdf("urn:oid:1.2.250.1.999.6.1");
    const { page } = await newPage(browser);
    const urls: string[] = [];
    page.on("request", (r) => urls.push(r.url()));
    await demoLogin(page, f.url, demo("coord.morel").rpps, "coordinator");
    await page.locator('nav a[href="#/orienter"]').click();
    const row = page.locator("#to-route-table tbody tr").filter({ hasText: "DUPRÉ Léa (14/06/1985)" });
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(() => row.textContent()).toContain("Compte rendu de consultation de cardiologie");
    await screenshot(page, "to-route-01-list");

    await row.getByRole("button", { name: "Orienter" }).click();
    const martin = page.locator(`#recipients input[value="${demo("dr.martin").rpps}"]`).first();
    await martin.waitFor();
    await page.locator("#assign").click(); // nothing chosen yet: said next to the picker, nothing posted
    await expect
      .poll(() => page.locator('[data-error-for="to"]').textContent())
      .toContain("au moins un destinataire");
    await martin.check();
    await screenshot(page, "to-route-02-choice");
    await page.locator("#assign").click();
    await expect
      .poll(() => page.locator("#to-route-status").textContent(), { timeout: 15_000 })
      .toContain("Document orienté vers 1 destinataire(s).");
    await expect.poll(() => page.locator("#to-route-empty").count()).toBe(1);
    await screenshot(page, "to-route-03-sent");

    // The transfer made: who receives it, and why (the coordinator's choice).
    await page.locator("#to-route-follow").click();
    const martinLine = routingLine(page, demo("dr.martin").rpps);
    await martinLine.waitFor({ timeout: 15_000 });
    const first = decodeURIComponent(page.url().split("#/suivi/")[1] ?? "");
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(await martinLine.textContent()).toBe(
      "Dr Claire Martin — orienté par la coordination : choisi par la coordination depuis la file « à orienter »",
    );
    await screenshot(page, "to-route-04-detail");

    // A new version of the document: the same recipient, and links both ways between the versions.
    const replacement = await postPdf({
      documentId: "urn:oid:1.2.250.1.999.6.11",
      replaces: "urn:oid:1.2.250.1.999.6.1",
    });
    expect(replacement.outcome).toBe("queued");
    const second = replacement.transferId ?? "";
    const [firstRef, secondRef] = [await referenceOf(first), await referenceOf(second)];
    /** Clicks a version link: the detail of the transfer it names opens, its id in the address. */
    const follow = async (link: Locator, ref: string, id: string): Promise<void> => {
      await link.click();
      await expect.poll(() => page.locator(".detail h2 code").textContent(), { timeout: 15_000 }).toBe(ref);
      expect(page.url()).toBe(`${f.url}/#/suivi/${id}`);
    };
    const replacedBy = page.locator("#link-replaced-by");
    await replacedBy.waitFor({ timeout: 15_000 }); // the detail refreshes every 2 s
    expect(await replacedBy.textContent()).toBe(`Remplacé par ${secondRef}`);
    expect(await page.locator("#link-replaces").count()).toBe(0);
    await screenshot(page, "to-route-05-replaced");
    await follow(replacedBy, secondRef, second);
    const replaces = page.locator("#link-replaces");
    await replaces.waitFor();
    expect(await replaces.textContent()).toBe(`Remplace ${firstRef}`);
    expect(await page.locator("#link-replaced-by").count()).toBe(0);
    await expect
      .poll(() => routingLine(page, demo("dr.martin").rpps).textContent())
      .toContain("orienté par la coordination");
    await screenshot(page, "to-route-06-replacement");
    await follow(replaces, firstRef, first);

    // Patient data never in an address: the pages are #/orienter and #/suivi/<transfer id>, documents go
    // by opaque reference.
    for (const u of [...urls, page.url()]) {
      expect(u).not.toContain(LONELY);
      expect(decodeURIComponent(u)).not.toMatch(/dupr|1\.2\.250\.1\.999\.6/i);
    }
    const queue = await call(`${f.api}/documents/to-route`, {
      token: await f.token("coord.morel", "coordinator"),
    });
    expect((queue.json as { items: unknown[] }).items).toEqual([]);
    await page.close();
  }, 90_000);

  it("is shown to coordinators only", async () => {
    const { page } = await newPage(browser);
    await demoLogin(page, f.url, demo("dr.martin").rpps, "recipient");
    await page.locator("nav a").first().waitFor();
    expect(await page.locator('nav a[href="#/orienter"]').count()).toBe(0);
    await page.goto(`${f.url}/#/orienter`);
    await expect.poll(() => page.locator('[role="alert"]').textContent()).toContain("Action non autorisée");
    await page.close();
  }, 60_000);
});

describe("the follow-up of a hospital document's transfer", () => {
  it("shows each recipient with the source and reason of its routing (message, document)", async () => {
    const martin = demo("dr.martin").rpps;
    const named = await postPdf({
      documentId: "urn:oid:1.2.250.1.999.6.20",
      patient: patient(withCheckKey("ins", "2850675123995")),
      recipients: [martin],
    });
    expect(named.outcome).toBe("queued");
    const cda = await call(`${f.api}/documents`, {
      token: await f.token({ role: "sender" }),
      body: encode(
        n1Document({
          ins: withCheckKey("ins", "2850675123994"),
          id: { extension: "CR-WEB-1" },
          recipientRpps: martin,
        }),
      ),
      contentType: "application/hl7-cda+xml",
    });
    expect(cda.status, cda.body.toString()).toBe(201);
    const addressed = cda.json as { transferId: string };

    const { page } = await newPage(browser);
    const urls: string[] = [];
    page.on("request", (r) => urls.push(r.url()));
    await demoLogin(page, f.url, martin, "recipient");
    await page.goto(`${f.url}/#/suivi/${named.transferId ?? ""}`);
    const line = routingLine(page, martin);
    await line.waitFor({ timeout: 15_000 });
    expect(await line.textContent()).toBe(
      "Dr Claire Martin — nommé par le message de l’hôpital : destinataire désigné par l’hôpital dans son envoi",
    );
    await screenshot(page, "document-01-routing-message");
    await page.goto(`${f.url}/#/suivi/${addressed.transferId}`);
    await expect
      .poll(() => routingLine(page, martin).getAttribute("data-source"), { timeout: 15_000 })
      .toBe("document");
    expect(await routingLine(page, martin).textContent()).toBe(
      "Dr Claire Martin — destinataire du document : nommé dans l’en-tête du document CDA (informationRecipient)",
    );
    expect(await page.locator("#detail-versions").count()).toBe(0);
    await screenshot(page, "document-02-routing-document");
    for (const u of [...urls, page.url()])
      expect(decodeURIComponent(u)).not.toMatch(/dupr|28506751239|CR-WEB/i);
    await page.close();
  }, 90_000);
});
