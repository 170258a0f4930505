/**
 * Debian's chromium driven by playwright-core (no browser download), for the web app's end-to-end
 * tests; screenshots go to test-results/screenshots/ as artefacts.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const SCREENSHOTS = path.resolve("test-results", "screenshots");

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`web e2e: ${CHROMIUM} is missing — run scripts/system-deps.sh`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // --lang: date inputs in French (jj/mm/aaaa), as on a French workstation.
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--lang=fr-FR"],
  });
}

/** A fresh context (own sessionStorage) in French, A4-ish viewport. */
export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    locale: "fr-FR",
    timezoneId: "Europe/Paris",
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Fills the generated form's controls by data path (`data.patient.lastName`). */
export async function fillSheet(page: Page, values: Readonly<Record<string, string>>): Promise<void> {
  for (const [p, v] of Object.entries(values)) {
    const el = page.locator(`[data-path="${p}"]`);
    const tag = await el.evaluate((e: { tagName: string }) => e.tagName.toLowerCase());
    if (tag === "select") await el.selectOption(v);
    else await el.fill(v);
  }
}

/** Logs in through the demo account buttons of the login page. */
export async function demoLogin(page: Page, baseUrl: string, rpps: string, role: string): Promise<void> {
  await page.goto(`${baseUrl}/#/connexion`);
  await page.locator(`#demo-accounts button[data-rpps="${rpps}"][data-role="${role}"]`).click();
  await page.locator("#whoami").waitFor({ timeout: 10_000 });
}
