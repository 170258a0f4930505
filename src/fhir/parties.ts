/**
 * Who a sheet is about and from, per form: the subject, the author (PractitionerRole), the
 * custodian organisation, the other professionals it names, and which resources each form section
 * points to (Composition.section.entry).
 */
import type { FormKind, SheetData } from "../forms/index.ts";
import type { Person } from "./actors.ts";
import { addOrganization, addPatient, addPractitionerRole, personOf } from "./actors.ts";
import type { EntryCollector } from "./entries.ts";
import type { Organization, Patient, PractitionerRole, Reference } from "./types.ts";

export interface Parties {
  readonly patient: Reference<Patient>;
  readonly author: Reference<PractitionerRole>;
  readonly custodian?: Reference<Organization>;
  /** The tele-expertise expert (ServiceRequest.performer). */
  readonly performer?: Reference<PractitionerRole>;
  readonly sectionEntries: Readonly<Record<string, readonly Reference[]>>;
}

type Obj = Readonly<Record<string, unknown>>;
const sec = (data: SheetData, id: string): Obj => data[id] ?? {};
const text = (o: Obj, k: string): string | undefined => {
  const v = o[k];
  return typeof v === "string" && v !== "" ? v : undefined;
};
const defined = <T>(xs: readonly (T | undefined)[]): T[] => xs.filter((x): x is T => x !== undefined);

/** Recipients listed in the sheet (discharge `recipients.cpts`). */
function listedRecipients(c: EntryCollector, data: SheetData): Reference[] {
  const rows = sec(data, "recipients")["cpts"];
  if (!Array.isArray(rows)) return [];
  return rows.flatMap((r: Obj, i) => {
    const p = personOf(r);
    return p === undefined ? [] : [addPractitionerRole(c, `recipients.cpts[${i}]`, p)];
  });
}

/** Builds the parties of a sheet into the collector. */
export function addParties(c: EntryCollector, kind: FormKind, data: SheetData): Parties {
  const patient = addPatient(c, sec(data, "patient"));
  switch (kind) {
    case "discharge": {
      const est = sec(data, "establishment");
      const org = addOrganization(c, "establishment", {
        ...opt("name", text(est, "name")),
        ...opt("finess", text(est, "finess")),
        ...opt("address", text(est, "address")),
      });
      const unit = addOrganization(c, "establishment.unit", {
        ...opt("name", text(est, "unit")),
        partOf: org,
      });
      const pr = sec(data, "practitioners");
      const doctor = personOf(pr["hospitalDoctor"] as Obj | undefined) ?? {};
      const author = addPractitionerRole(c, "practitioners.hospitalDoctor", doctor, unit);
      const others = (["gp", "referrer"] as const).map((k) => {
        const p = personOf(pr[k] as Obj | undefined);
        return p === undefined ? undefined : addPractitionerRole(c, `practitioners.${k}`, p);
      });
      return {
        patient,
        author,
        custodian: org,
        sectionEntries: {
          patient: [patient],
          establishment: [org, unit],
          practitioners: [author, ...defined(others)],
          recipients: listedRecipients(c, data),
        },
      };
    }
    case "admission": {
      const s = sec(data, "sender");
      const orgName = text(s, "structureName");
      const finess = text(s, "finess");
      const org =
        orgName === undefined && finess === undefined
          ? undefined
          : addOrganization(c, "sender.structure", { ...opt("name", orgName), ...opt("finess", finess) });
      const author = addPractitionerRole(c, "sender", personOf(s) ?? {}, org);
      const gp = personOf(sec(data, "careTeam")["gp"] as Obj | undefined);
      const gpRole = gp === undefined ? undefined : addPractitionerRole(c, "careTeam.gp", gp);
      return {
        patient,
        author,
        ...(org === undefined ? {} : { custodian: org }),
        sectionEntries: { patient: [patient], sender: defined([author, org]), careTeam: defined([gpRole]) },
      };
    }
    case "teleexpertise-request": {
      const r = sec(data, "requester");
      const practice = text(r, "practice");
      const org =
        practice === undefined ? undefined : addOrganization(c, "requester.practice", { name: practice });
      const author = addPractitionerRole(c, "requester", personOf(r) ?? {}, org);
      const expert: Person = personOf(sec(data, "expert")) ?? {};
      const performer = addPractitionerRole(c, "expert", expert);
      return {
        patient,
        author,
        ...(org === undefined ? {} : { custodian: org }),
        performer,
        sectionEntries: { patient: [patient], requester: [author], expert: [performer] },
      };
    }
    case "teleexpertise-answer": {
      const author = addPractitionerRole(c, "expert", personOf(sec(data, "expert")) ?? {});
      return { patient, author, sectionEntries: { patient: [patient], expert: [author] } };
    }
    case "admission-notice":
    case "discharge-notice": {
      // An ADT notice: the establishment and unit of the stay, the hospital contact.
      const st = sec(data, "stay");
      const org = addOrganization(c, "stay.establishment", {
        ...opt("name", text(st, "establishment")),
        ...opt("finess", text(st, "finess")),
      });
      const unit = addOrganization(c, "stay.unit", { ...opt("name", text(st, "unit")), partOf: org });
      const contact: Person = {
        ...opt("rpps", text(st, "contactRpps")),
        ...opt("phone", text(st, "contactPhone")),
      };
      const author = addPractitionerRole(c, "stay.contact", contact, unit);
      return {
        patient,
        author,
        custodian: org,
        sectionEntries: { patient: [patient], stay: [org, unit, author] },
      };
    }
  }
}

function opt<K extends string>(k: K, v: string | undefined): { [P in K]?: string } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: string };
}
