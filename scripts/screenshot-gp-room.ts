/**
 * Regenerates docs/gp-room.png: what a GP sees of Passerelle's messages in a real Matrix client.
 *
 * A local Synapse (src/matrix/dev-homeserver.ts), the hub's own session (openHub) and outbox
 * worker, as in the transfer integration tests; a demo GP logged in with Hydrogen (Element's
 * lightweight web client, npm `hydrogen-view-sdk`, olm in WebAssembly) in Debian's chromium driven
 * by playwright-core. Hydrogen uploads its device keys, accepts the hub's invitations, decrypts the
 * rooms (Megolm) and renders them side by side (header, timeline, composer); the screenshot is
 * cropped to them. It fails if a message stays undecryptable.
 *
 * Three fictional example sheets of liaison-forms/examples go out: a discharge letter, an
 * admission notice and the withdrawal of that notice. The letter goes to the hospital unit's room,
 * the notices to the care team's room, as the ADT processor addresses them.
 *
 * Hydrogen is not a dependency of Passerelle: install it outside the repository and point
 * HYDROGEN_DEPS at that directory (default /tmp/shot-deps):
 *   mkdir -p /tmp/shot-deps && cd /tmp/shot-deps && npm init -y && npm install hydrogen-view-sdk@0.3.1
 *   source scripts/lib/node-env.sh && node scripts/screenshot-gp-room.ts
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { CARE_TEAM_UNIT, withdrawal } from "../src/adt/index.ts";
import { DevHomeserver, openHub } from "../src/matrix/index.ts";
import { createTransfer, OutboxWorker, transferStatus } from "../src/transfers/index.ts";
import { exampleSheet } from "../test/helpers/sheets.ts";
import { waitFor } from "../test/helpers/tmp.ts";
import { addRecipients, openFixture, SENT_OR_LATER } from "../test/helpers/transfers-fixture.ts";
import { PAGE_HTML, PAGE_SCRIPT } from "./screenshot-gp-room/page.ts";
import { serveStatic } from "./screenshot-gp-room/serve.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const OUT = path.join(ROOT, "docs", "gp-room.png");
const DEPS = path.resolve(process.env.HYDROGEN_DEPS ?? "/tmp/shot-deps", "node_modules");
const CHROMIUM = "/usr/bin/chromium";

interface ShotApi {
  login(hs: string, user: string, password: string): Promise<{ userId: string; deviceId: string }>;
  acceptInvites(): Promise<string[]>;
  show(roomIds: readonly string[]): Promise<void>;
  tiles(): { files: string[]; undecryptable: number };
}
declare const shot: ShotApi;

async function bundlePage(dir: string): Promise<void> {
  const empty = "export {};";
  await mkdir(dir, { recursive: true });
  await build({
    // Resolved from the directory that holds Hydrogen's node_modules, outside this repository.
    stdin: { contents: PAGE_SCRIPT, resolveDir: path.dirname(DEPS), loader: "js" },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outfile: path.join(dir, "page.js"),
    logLevel: "warning",
    plugins: [
      {
        // Hydrogen loads olm itself (script tag + WebAssembly) from assetPaths; its bare side-effect
        // import of the olm bundle is for bundlers that copy the asset, not needed here.
        name: "olm-asset",
        setup(b) {
          b.onResolve({ filter: /^@matrix-org\/olm/ }, (a) => ({ path: a.path, namespace: "empty" }));
          b.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: empty, loader: "js" }));
        },
      },
    ],
  });
  await writeFile(path.join(dir, "index.html"), PAGE_HTML);
  // Hydrogen's service worker (authenticated media, MSC3916) must sit at the root of its scope.
  await copyFile(path.join(DEPS, "hydrogen-view-sdk", "lib-build", "sw.js"), path.join(dir, "sw.js"));
}

async function main(): Promise<void> {
  if (!existsSync(path.join(DEPS, "hydrogen-view-sdk"))) {
    throw new Error(`hydrogen-view-sdk is not installed under ${DEPS} (see this script's header)`);
  }
  const tmp = await mkdtemp(path.join(os.tmpdir(), "passerelle-gp-room-"));
  const cleanups: (() => Promise<unknown>)[] = [() => rm(tmp, { recursive: true, force: true })];
  try {
    await mkdir(path.join(tmp, "synapse"));
    const hs = await DevHomeserver.create({ dir: path.join(tmp, "synapse") });
    await hs.start();
    cleanups.unshift(() => hs.stop());
    const hubUser = await hs.registerUser("passerelle", "passerelle-demo-hub");
    const gp = await hs.registerUser("dr.lefevre", "demo-gp-password");
    const hub = await openHub({
      homeserverUrl: hs.baseUrl,
      userId: hubUser.userId,
      password: hubUser.password,
      dataDir: path.join(tmp, "hub"),
    });
    cleanups.unshift(() => hub.close());
    const f = await openFixture(path.join(tmp, "transfers"));
    cleanups.unshift(() => f.close());
    const [rpps] = (await addRecipients(f, [gp.userId])) as [string];

    const site = path.join(tmp, "site");
    await bundlePage(site);
    const server = await serveStatic({
      "/hydrogen/": path.join(DEPS, "hydrogen-view-sdk"),
      "/olm/": path.join(DEPS, "@matrix-org", "olm"),
      "/": site,
    });
    cleanups.unshift(() => server.close());

    const context = await chromium.launchPersistentContext(path.join(tmp, "chromium-profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
      locale: "fr-FR",
      timezoneId: "Europe/Paris",
      viewport: { width: 1500, height: 680 },
    });
    cleanups.unshift(() => context.close());
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (e) => {
      console.error(`page error: ${e.message}`);
    });
    await page.goto(server.url);
    await page.waitForFunction(() => typeof shot === "object", undefined, { timeout: 30_000 });
    // The GP's Hydrogen device exists (keys uploaded) before the hub encrypts anything for her.
    const device = await page.evaluate(([url, user, pw]) => shot.login(url, user, pw), [
      hs.baseUrl,
      gp.userId,
      gp.password,
    ] as const);
    console.log(`Hydrogen logged in as ${device.userId} (device ${device.deviceId})`);

    const worker = new OutboxWorker(f.deps, hub.transport, { pollMs: 100 });
    worker.start();
    cleanups.unshift(() => worker.stop());
    const stateOf = async (id: string): Promise<string> =>
      (await transferStatus(f.db.knex, id)).transfer.state;
    const send = async (
      sheet: { form: string; data: Record<string, unknown> },
      senderUnit?: string,
    ): Promise<string> => {
      const c = await createTransfer(f.deps, { sheet, to: [rpps], actor: "cli:demo", senderUnit });
      await waitFor(
        `${sheet.form} sent`,
        async () => (SENT_OR_LATER.includes(await stateOf(c.transferId)) ? true : undefined),
        60_000,
      );
      return c.transferId;
    };
    const letter = await send(exampleSheet("discharge"));
    const notice = exampleSheet("admission-notice");
    // Admission notices and their withdrawals come from the ADT feed, addressed as the care team
    // (their own room, beside the hospital unit's letters), as the ADT processor sends them.
    const noticeId = await send(notice, CARE_TEAM_UNIT);
    const noticeSheetId = (await transferStatus(f.db.knex, noticeId)).transfer.sheetId;
    await send(withdrawal(notice.data, notice.form, noticeSheetId), CARE_TEAM_UNIT);
    const roomIds = await Promise.all(
      [letter, noticeId].map(async (id) => {
        const roomId = (await transferStatus(f.db.knex, id)).transfer.roomId;
        if (roomId === undefined) throw new Error("a sent sheet has no room");
        return roomId;
      }),
    );

    await waitFor(
      "the hub's invitations in Hydrogen",
      async () => {
        const joined = await page.evaluate(() => shot.acceptInvites());
        return roomIds.every((r) => joined.includes(r)) ? true : undefined;
      },
      60_000,
      500,
    );
    await page.evaluate((ids) => shot.show(ids), roomIds);
    const tiles = await waitFor(
      "three decrypted file messages in Hydrogen's timeline",
      async () => {
        const t = await page.evaluate(() => shot.tiles());
        return t.files.length >= 3 && t.undecryptable === 0 ? t : undefined;
      },
      60_000,
      500,
    ).catch(async (e: unknown) => {
      const debug = path.join(os.tmpdir(), "gp-room-debug.png");
      await page.screenshot({ path: debug });
      console.error(`what the page showed: ${debug}`);
      throw e;
    });
    console.log(`Hydrogen shows ${tiles.files.length} file messages, none undecryptable`);
    await page.waitForTimeout(1000);
    await page.locator("#app").screenshot({ path: OUT });
    console.log(`wrote ${path.relative(ROOT, OUT)}`);
  } finally {
    for (const c of cleanups) await c().catch(() => undefined);
  }
}

await main();
// Everything is closed by now, but timers of the libraries keep Node alive for about two more
// minutes after their owners' close: nothing is left to wait for.
process.exit(0);
