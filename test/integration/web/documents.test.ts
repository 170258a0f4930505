/**
 * The « À orienter » page end to end: Debian's chromium (playwright-core) against the web app in
 * front of the API (sqlite, demo directory, demo logins). A hospital's service account posts a PDF
 * for a patient nobody follows; the coordinator sees it waiting, picks a recipient from the
 * directory and sends it; the document leaves the queue. The documents service is the API
 * fixture's (the stand-in until src/documents is wired in src/app.ts, then the real one).
 * Screenshots go to test-results/screenshots/.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withCheckKey } from "../../../src/forms/index.ts";
import { tinyPdf } from "../../helpers/cda-hospital.ts";
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

async function postWaitingPdf(documentId: string): Promise<void> {
  const form = multipartBody([
    {
      name: "metadata",
      type: "application/json",
      body: JSON.stringify({
        documentId,
        patient: {
          ins: LONELY,
          insOid: "1.2.250.1.213.1.4.8",
          family: "Dupré",
          given: "Léa",
          birthDate: "1985-06-14",
          sex: "F",
        },
        typeCode: "11488-4",
        title: "Compte rendu de consultation de cardiologie",
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
  expect((r.json as { outcome: string }).outcome).toBe("to_route");
}

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

    // Patient data never in an address: the page is #/orienter, documents go by opaque reference.
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
