/**
 * The `!circle` command a professional sends to the hub (`runCircleCommand`, `isCircleCommand`)
 * on a real sqlite file: join and leave change the circle (source `matrix`, audited with the Matrix
 * id as actor) and are confirmed in French; leaving a circle one is not in says so; a bad INS key,
 * an unknown or removed Matrix user and a malformed command are refused, and no reply ever
 * repeats the INS.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CircleService, circleOf, isCircleCommand, runCircleCommand } from "../../../src/circles/index.ts";
import { DirectoryService } from "../../../src/directory/index.ts";
import type { DirectoryRepository } from "../../../src/directory/index.ts";
import { withCheckKey } from "../../../src/forms/index.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { openFixture, rppsOf, type TransferFixture } from "../../helpers/transfers-fixture.ts";

const INS = "248037511204721";
const BAD_KEY = "248037511204722";
const NURSE = "@nurse:test.local";
const LEFT = "@left:test.local";
const ADELI_ONLY = "@adeli:test.local";
const INACTIVE = "@inactive:test.local";
let tmp: { dir: string; cleanup: () => Promise<void> };
let f: TransferFixture;
let circles: CircleService;
let directory: DirectoryRepository;

const run = (matrixId: string, text: string): Promise<string> =>
  runCircleCommand(circles, directory, matrixId, text);
const membersOf = async (ins: string): Promise<{ rpps?: string; source: string }[]> =>
  (await circleOf(f.db.knex, circles.patientRef(ins))).members.map((m) => ({
    ...(m.rpps === undefined ? {} : { rpps: m.rpps }),
    source: m.source,
  }));
const links = async (): Promise<number> =>
  Number(((await f.db.knex("circle_members").count({ n: "*" }).first()) as { n: number | string }).n);

beforeAll(async () => {
  tmp = await tempDir("passerelle-circle-command-");
  f = await openFixture(tmp.dir);
  const svc = new DirectoryService(f.db, f.trail);
  directory = svc.repository;
  circles = new CircleService(f.deps);
  for (const [n, matrixId] of [
    [1, NURSE],
    [2, LEFT],
    [3, INACTIVE],
  ] as const) {
    await svc.addMember(
      { rpps: rppsOf(n), matrixId, professionCode: "60", name: `Infirmière Test ${n}`, roles: ["recipient"] },
      "cli:test",
    );
  }
  await svc.removeMember(rppsOf(2), "cli:test"); // inactive, Matrix id dropped
  // inactive with its Matrix id kept (a row deactivated outside removeMember): the guard still holds
  await f.db
    .knex("members")
    .where({ rpps: rppsOf(3) })
    .update({ active: false });
  await svc.addMember(
    {
      adeli: withCheckKey("adeli", "69123456"),
      matrixId: ADELI_ONLY,
      professionCode: "60",
      name: "Infirmière Adeli",
    },
    "cli:test",
  );
});
afterAll(async () => {
  await f.close();
  await tmp.cleanup();
});

describe("isCircleCommand", () => {
  it("claims every !circle message (even malformed), and nothing else", () => {
    for (const t of [`!circle join ${INS}`, `  !CIRCLE leave ${INS}`, "!circle", "!circle help"]) {
      expect(isCircleCommand(t), t).toBe(true);
    }
    for (const t of ["bonjour", `circle join ${INS}`, "!circlejoin", "!ack", "voir !circle join", ""]) {
      expect(isCircleCommand(t), t).toBe(false);
    }
  });
});

describe("runCircleCommand", () => {
  it("join then leave: confirmed in French, the circle changes (source matrix, audited as the Matrix user)", async () => {
    const ref = circles.patientRef(INS).slice(0, 8);
    const joined = await run(NURSE, `!circle join ${INS}`);
    expect(joined).toBe(
      `✅ Vous faites désormais partie du cercle de soins de ce patient (réf. ${ref}). Vous recevrez ses avis d’hospitalisation et de sortie.`,
    );
    expect(await membersOf(INS)).toEqual([{ rpps: rppsOf(1), source: "matrix" }]);
    // spaces and dots as the INS is printed on a card
    expect(await run(NURSE, "!circle join 2 48 03 75 112 047.21")).toBe(
      `Vous faisiez déjà partie du cercle de soins de ce patient (réf. ${ref}).`,
    );
    expect(await run(NURSE, `!Circle LEAVE ${INS}`)).toBe(
      "✅ Vous ne faites plus partie du cercle de soins de ce patient.",
    );
    expect(await membersOf(INS)).toEqual([]);
    const actions = await f.db
      .knex("audit_entries")
      .where({ actor: NURSE })
      .orderBy("seq")
      .pluck<string[]>("action");
    expect(actions).toEqual(["circle.joined", "circle.left"]);
  });

  it("leave when not a member: says so, changes nothing", async () => {
    const before = await links();
    expect(await run(NURSE, `!circle leave ${INS}`)).toBe(
      "Vous ne faisiez pas partie du cercle de soins de ce patient.",
    );
    expect(await links()).toBe(before);
  });

  it("a Corsican INS (2A) is accepted", async () => {
    const corsican = withCheckKey("ins", "185052A123456");
    expect(await run(NURSE, `!circle join ${corsican}`)).toMatch(/^✅ /);
    expect(await membersOf(corsican)).toEqual([{ rpps: rppsOf(1), source: "matrix" }]);
  });

  it("a bad INS key: refused without echoing the INS, nothing recorded", async () => {
    const before = await links();
    for (const cmd of ["join", "leave"]) {
      const reply = await run(NURSE, `!circle ${cmd} ${BAD_KEY}`);
      expect(reply).toBe("INS invalide (15 caractères dont une clé de contrôle) : rien n’a été enregistré.");
      expect(reply).not.toContain(BAD_KEY.slice(0, 6));
    }
    expect(await links()).toBe(before);
  });

  it("an unknown, a removed, an inactive or an RPPS-less Matrix user: refused, nothing recorded", async () => {
    const before = await links();
    for (const who of ["@stranger:test.local", LEFT, INACTIVE, ADELI_ONLY]) {
      const reply = await run(who, `!circle join ${INS}`);
      expect(reply, who).toBe(
        "Votre compte Matrix n’est lié à aucun professionnel actif de l’annuaire de la CPTS.",
      );
      expect(reply).not.toContain(INS.slice(0, 6));
    }
    expect(await links()).toBe(before);
  });

  it("a malformed command: the usage, without the text sent", async () => {
    for (const t of ["!circle", "!circle add 248037511204721", "!circle join 2480375112047"]) {
      const reply = await run(NURSE, t);
      expect(reply, t).toBe("Commande non reconnue. Usage : !circle join <INS> ou !circle leave <INS>.");
    }
  });
});
