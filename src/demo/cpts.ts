import { withCheckKey } from "../forms/index.ts";
import type { DirectoryService } from "../directory/index.ts";

/**
 * The demo CPTS of the run command's embedded default: a hospital with two units and the city team:
 * a GP, two nurses, a pharmacist, a cardiologist for tele-expertise, a coordinator.
 * Everyone is fictional; RPPS numbers start with 999 (never a real practitioner), keys computed.
 */
export interface DemoMember {
  readonly localpart: string;
  readonly name: string;
  readonly rpps: string;
  /** Annuaire Santé profession code: 10 médecin, 21 pharmacien, 60 infirmier. */
  readonly professionCode: "10" | "21" | "60";
  readonly roles: readonly ("sender" | "recipient" | "specialist" | "coordinator" | "auditor")[];
  /** Which unit the member belongs to, for hospital staff. */
  readonly unit?: "geriatrie" | "cardiologie";
}

export const DEMO_HOSPITAL = { name: "Centre hospitalier de démonstration", finess: "699990016" } as const;
export const DEMO_UNITS = { geriatrie: "Médecine gériatrique", cardiologie: "Cardiologie" } as const;

const rpps = (n: number): string => withCheckKey("rpps", `9990000${String(n).padStart(3, "0")}`);

export const DEMO_MEMBERS: readonly DemoMember[] = [
  {
    localpart: "dr.berard",
    name: "Dr Hélène Bérard",
    rpps: rpps(101),
    professionCode: "10",
    roles: ["sender"],
    unit: "geriatrie",
  },
  {
    localpart: "dr.martin",
    name: "Dr Claire Martin",
    rpps: rpps(201),
    professionCode: "10",
    roles: ["recipient", "sender"],
  },
  {
    localpart: "ide.bernard",
    name: "Julie Bernard",
    rpps: rpps(202),
    professionCode: "60",
    roles: ["recipient", "sender"],
  },
  {
    localpart: "ide.haddad",
    name: "Karim Haddad",
    rpps: rpps(203),
    professionCode: "60",
    roles: ["recipient", "sender"],
  },
  {
    localpart: "ph.laurent",
    name: "Sophie Laurent",
    rpps: rpps(204),
    professionCode: "21",
    roles: ["recipient"],
  },
  {
    localpart: "dr.roussel",
    name: "Dr Paul Roussel",
    rpps: rpps(301),
    professionCode: "10",
    roles: ["specialist", "recipient"],
    unit: "cardiologie",
  },
  {
    localpart: "coord.morel",
    name: "Anne Morel",
    rpps: rpps(401),
    professionCode: "60",
    roles: ["coordinator", "auditor"],
  },
];

/** Creates or updates the demo CPTS; `matrixIdOf` gives each member's Matrix user id. Idempotent. */
export async function seedDemoCpts(
  directory: DirectoryService,
  matrixIdOf: (member: DemoMember) => string,
  actor = "system:demo",
): Promise<void> {
  const repo = directory.repository;
  const hospital =
    (await repo.findStructure({ finess: DEMO_HOSPITAL.finess })) ??
    (await directory.addStructure({ kind: "hospital", ...DEMO_HOSPITAL, postcode: "69290" }));
  const units = new Map<string, number>();
  const existing = await repo.childStructures(hospital.id);
  for (const [key, name] of Object.entries(DEMO_UNITS)) {
    const found = existing.find((s) => s.name === name);
    units.set(
      key,
      (found ?? (await directory.addStructure({ kind: "unit", name, parentId: hospital.id }))).id,
    );
  }
  for (const m of DEMO_MEMBERS) {
    await directory.addMember(
      {
        rpps: m.rpps,
        name: m.name,
        professionCode: m.professionCode,
        matrixId: matrixIdOf(m),
        roles: m.roles,
        ...(m.unit === undefined ? {} : { structureId: units.get(m.unit) }),
      },
      actor,
    );
  }
}
