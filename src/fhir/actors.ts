/**
 * Patient, Practitioner, PractitionerRole and Organization resources from a sheet's data, with
 * the French identifiers (FR Core): INS on the Patient, IdNatPS (RPPS/ADELI) on practitioners,
 * IdNatStruct (FINESS) on organisations.
 */
import type { EntryCollector } from "./entries.ts";
import { adeliIdentifier, finessIdentifier, insIdentifier, rppsIdentifier } from "./systems.ts";
import type {
  HumanName,
  Identifier,
  Organization,
  Patient,
  Practitioner,
  PractitionerRole,
  Reference,
} from "./types.ts";

type Obj = Readonly<Record<string, unknown>>;
const str = (o: Obj | undefined, k: string): string | undefined => {
  const v = o?.[k];
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
};

const GENDER: Readonly<Record<string, Patient["gender"]>> = { F: "female", M: "male", I: "other" };

/** The Patient: INS identifier, birth and used names, birth date, sex, address and phone. */
export function addPatient(c: EntryCollector, p: Obj): Reference<Patient> {
  const given = (str(p, "firstNames") ?? "").split(/\s+/).filter((g) => g !== "");
  const family = str(p, "birthName") ?? str(p, "lastName");
  const names: HumanName[] = [{ use: "official", ...(family === undefined ? {} : { family }), given }];
  const used = str(p, "lastName");
  const usedFirst = str(p, "usedFirstName");
  if ((used !== undefined && used !== family) || usedFirst !== undefined) {
    names.push({
      use: "usual",
      ...(used === undefined ? {} : { family: used }),
      ...(usedFirst === undefined ? {} : { given: [usedFirst] }),
    });
  }
  const ins = str(p, "ins");
  const gender = GENDER[str(p, "sex") ?? ""];
  const birthDate = str(p, "birthDate");
  const address = str(p, "address");
  const phone = str(p, "phone");
  return c.add("patient", (): Patient => ({
    resourceType: "Patient",
    ...(ins === undefined ? {} : { identifier: [insIdentifier(ins)] }),
    name: names,
    ...(gender === undefined ? {} : { gender }),
    ...(birthDate === undefined ? {} : { birthDate }),
    ...(address === undefined ? {} : { address: [{ text: address }] }),
    ...(phone === undefined ? {} : { telecom: [{ system: "phone", value: phone }] }),
  }));
}

/** An Organization: FINESS identifier when known; `partOf` for a unit of an establishment. */
export function addOrganization(
  c: EntryCollector,
  key: string,
  o: { name?: string; finess?: string; address?: string; partOf?: Reference<Organization> },
): Reference<Organization> {
  const k = o.finess === undefined ? `organization:${key}` : `organization:finess:${o.finess}`;
  return c.add(
    k,
    (): Organization => ({
      resourceType: "Organization",
      ...(o.finess === undefined ? {} : { identifier: [finessIdentifier(o.finess)] }),
      active: true,
      ...(o.name === undefined ? {} : { name: o.name }),
      ...(o.address === undefined ? {} : { address: [{ text: o.address }] }),
      ...(o.partOf === undefined ? {} : { partOf: o.partOf }),
    }),
    o.name,
  );
}

/** A person of the sheet or the directory: name, RPPS or ADELI, phone, speciality. */
export interface Person {
  readonly name?: string;
  readonly rpps?: string;
  readonly adeli?: string;
  readonly phone?: string;
  readonly email?: string;
  readonly specialty?: string;
}

export function personOf(o: Obj | undefined): Person | undefined {
  if (o === undefined) return undefined;
  const p: { -readonly [K in keyof Person]: string } = {};
  for (const [from, to] of [
    ["name", "name"],
    ["rpps", "rpps"],
    ["adeli", "adeli"],
    ["phone", "phone"],
    ["secureEmail", "email"],
    ["specialty", "specialty"],
  ] as const) {
    const v = str(o, from);
    if (v !== undefined) p[to] = v;
  }
  return Object.keys(p).length === 0 ? undefined : p;
}

const practitionerKey = (p: Person, key: string): string =>
  p.rpps !== undefined
    ? `practitioner:rpps:${p.rpps}`
    : p.adeli !== undefined
      ? `practitioner:adeli:${p.adeli}`
      : `practitioner:${key}`;

/** The Practitioner (deduplicated by RPPS/ADELI) and its PractitionerRole (at an organisation). */
export function addPractitionerRole(
  c: EntryCollector,
  key: string,
  p: Person,
  organization?: Reference<Organization>,
): Reference<PractitionerRole> {
  const identifier: Identifier[] = [
    ...(p.rpps === undefined ? [] : [rppsIdentifier(p.rpps)]),
    ...(p.adeli === undefined ? [] : [adeliIdentifier(p.adeli)]),
  ];
  const pk = practitionerKey(p, key);
  const practitioner = c.add(
    pk,
    (): Practitioner => ({
      resourceType: "Practitioner",
      ...(identifier.length === 0 ? {} : { identifier }),
      active: true,
      ...(p.name === undefined ? {} : { name: [{ text: p.name }] }),
    }),
    p.name,
  );
  const telecom = [
    ...(p.phone === undefined ? [] : [{ system: "phone" as const, value: p.phone }]),
    ...(p.email === undefined ? [] : [{ system: "email" as const, value: p.email }]),
  ];
  return c.add(
    `role:${pk}:${organization?.reference ?? "-"}:${key}`,
    (): PractitionerRole => ({
      resourceType: "PractitionerRole",
      ...(identifier.length === 0 ? {} : { identifier }),
      active: true,
      practitioner,
      ...(organization === undefined ? {} : { organization }),
      ...(p.specialty === undefined ? {} : { specialty: [{ text: p.specialty }] }),
      ...(telecom.length === 0 ? {} : { telecom }),
    }),
    p.name,
  );
}
