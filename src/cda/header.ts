/**
 * Header parts of the CI-SIS common model ("Volet Modèles de contenus CDA", § En-tête): patient
 * with INS and INS identity traits, author and legal authenticator by IdNatPS (8 + RPPS or
 * 0 + ADELI, OID 1.2.250.1.71.4.2.1), organisations by IdNatStruct (1 + FINESS, OID
 * 1.2.250.1.71.4.2.2), information recipients, service event and encompassing encounter.
 */
import type { SheetData } from "../forms/index.ts";
import { el, leaf, text, type Node } from "./xml.ts";
import { SECTOR_SYSTEM } from "./professions.ts";
import { personName, str, type PersonName } from "./values.ts";

export const OID = {
  insNir: "1.2.250.1.213.1.4.8",
  insNia: "1.2.250.1.213.1.4.9",
  insNirTest: "1.2.250.1.213.1.4.10",
  insNiaTest: "1.2.250.1.213.1.4.11",
  idNatPs: "1.2.250.1.71.4.2.1",
  idNatStruct: "1.2.250.1.71.4.2.2",
  loinc: "2.16.840.1.113883.6.1",
  snomed: "2.16.840.1.113883.6.96",
  taAsip: "1.2.250.1.213.1.1.4.322",
  profession: "1.2.250.1.213.1.1.4.5",
  facilityType: "1.2.250.1.71.4.2.4",
  actCode: "2.16.840.1.113883.5.4",
  gender: "2.16.840.1.113883.5.1",
  confidentiality: "2.16.840.1.113883.5.25",
} as const;

/** A professional as the header needs them: national id, name, profession code, organisation. */
export interface Professional {
  /** IdNatPS: `8` + RPPS or `0` + ADELI; undefined when the form holds neither. */
  readonly idNatPs?: string;
  /** A second IdNatPS (the ADELI of a professional who also has an RPPS). */
  readonly otherIdNatPs?: string;
  readonly name: string;
  /** TRE_G15 code (JDV_J01), with the form's wording (specialty, profession) as originalText. */
  readonly profession?: { readonly code: string; readonly display: string; readonly text?: string };
  readonly phone?: string;
  readonly email?: string;
  readonly org?: Organisation;
}

export interface Organisation {
  /** IdNatStruct: `1` + FINESS. */
  readonly idNatStruct?: string;
  readonly name?: string;
  readonly address?: string;
  readonly phone?: string;
  /** JDV_J04_XdsPracticeSettingCode_CISIS (`standardIndustryClassCode`; not for the custodian). */
  readonly sector?: { readonly code: string; readonly display: string };
}

export function nameNode(n: PersonName): Node {
  return el("name", {}, leaf("prefix", n.prefix), leaf("given", n.given), leaf("family", n.family));
}

export const telecoms = (phone?: string, email?: string): Node[] => [
  ...(phone === undefined
    ? []
    : [el("telecom", { value: `tel:${phone.replace(/[^\d+]/g, "")}`, use: "WP" })]),
  ...(email === undefined ? [] : [el("telecom", { value: `mailto:${email}`, use: "WP" })]),
];

const addrNode = (address: string | undefined): Node | undefined =>
  address === undefined ? undefined : el("addr", {}, el("streetAddressLine", {}, text(address)));

export function idNode(root: string, extension: string | undefined): Node {
  return extension === undefined ? el("id", { nullFlavor: "UNK" }) : el("id", { root, extension });
}

function orgNode(tag: string, o: Organisation, sector = true): Node {
  return el(
    tag,
    {},
    o.idNatStruct === undefined
      ? el("id", { nullFlavor: "UNK" })
      : el("id", { root: OID.idNatStruct, extension: o.idNatStruct }),
    leaf("name", o.name),
    ...telecoms(o.phone),
    addrNode(o.address),
    sector && o.sector !== undefined
      ? el("standardIndustryClassCode", {
          code: o.sector.code,
          displayName: o.sector.display,
          codeSystem: SECTOR_SYSTEM,
        })
      : undefined,
  );
}

/** Gender of the form (`F`, `M`, `I`) in HL7 AdministrativeGender as the CI-SIS value set has it. */
const GENDER: Record<string, [string, string]> = {
  F: ["F", "Féminin"],
  M: ["M", "Masculin"],
  I: ["UN", "Inconnu"],
};

/**
 * `recordTarget`: INS-NIR (or NIA, first digit 7/8) under its OID — the test OIDs when `testIns` —
 * and the INS identity traits (birth name and given names with qualifier BR, birth date, sex,
 * birth place as the INSEE COG code), plus the used names (qualifier CL) when the form has them.
 */
export function recordTarget(d: SheetData, testIns: boolean): Node {
  const ins = str(d, "patient.ins");
  const nia = ins !== undefined && /^[78]/.test(ins);
  const root = testIns ? (nia ? OID.insNiaTest : OID.insNirTest) : nia ? OID.insNia : OID.insNir;
  const last = str(d, "patient.lastName") ?? "";
  const birthName = str(d, "patient.birthName");
  const given = str(d, "patient.firstNames") ?? "";
  const first = given.trim().split(/\s+/)[0] ?? given;
  const used = str(d, "patient.usedFirstName");
  const [g, gName] = GENDER[str(d, "patient.sex") ?? "I"] ?? ["UN", "Inconnu"];
  const birthPlace = str(d, "patient.birthPlaceCode");
  const phone = str(d, "patient.phone");
  return el(
    "recordTarget",
    {},
    el(
      "patientRole",
      {},
      ins === undefined ? el("id", { nullFlavor: "NI" }) : el("id", { root, extension: ins }),
      addrNode(str(d, "patient.address")),
      phone === undefined
        ? undefined
        : el("telecom", { value: `tel:${phone.replace(/[^\d+]/g, "")}`, use: "H" }),
      el(
        "patient",
        { classCode: "PSN" },
        el(
          "name",
          {},
          // Without a birth name, the last name is the birth name and there is no used name (CL);
          // with one, the last name is the used name: the reader tells the cases apart.
          el("family", { qualifier: "BR" }, text(birthName ?? last)),
          el("given", {}, text(given)),
          el("given", { qualifier: "BR" }, text(first)),
          birthName === undefined ? undefined : el("family", { qualifier: "CL" }, text(last)),
          used === undefined ? undefined : el("given", { qualifier: "CL" }, text(used)),
        ),
        el("administrativeGenderCode", { code: g, displayName: gName, codeSystem: OID.gender }),
        el("birthTime", { value: (str(d, "patient.birthDate") ?? "").replace(/-/g, "") }),
        birthPlace === undefined
          ? undefined
          : el("birthplace", {}, el("place", {}, el("addr", {}, el("county", {}, text(birthPlace))))),
      ),
    ),
  );
}

export function professionNode(p: Professional): Node | undefined {
  return p.profession === undefined
    ? undefined
    : el(
        "code",
        { code: p.profession.code, displayName: p.profession.display, codeSystem: OID.profession },
        leaf("originalText", p.profession.text),
      );
}

const otherId = (p: Professional): Node | undefined =>
  p.otherIdNatPs === undefined ? undefined : el("id", { root: OID.idNatPs, extension: p.otherIdNatPs });

export function author(p: Professional, time: string): Node {
  return el(
    "author",
    {},
    el("time", { value: time }),
    el(
      "assignedAuthor",
      { classCode: "ASSIGNED" },
      idNode(OID.idNatPs, p.idNatPs),
      otherId(p),
      professionNode(p),
      ...telecoms(p.phone, p.email),
      el("assignedPerson", {}, nameNode(personName(p.name))),
      p.org === undefined ? undefined : orgNode("representedOrganization", p.org),
    ),
  );
}

export function custodian(o: Organisation): Node {
  return el(
    "custodian",
    { typeCode: "CST" },
    el("assignedCustodian", {}, orgNode("representedCustodianOrganization", o, false)),
  );
}

export function informationRecipient(p: Professional): Node {
  return el(
    "informationRecipient",
    {},
    el(
      "intendedRecipient",
      {},
      p.idNatPs === undefined ? undefined : el("id", { root: OID.idNatPs, extension: p.idNatPs }),
      ...telecoms(p.phone, p.email),
      p.name.trim() === "" ? undefined : el("informationRecipient", {}, nameNode(personName(p.name))),
    ),
  );
}

export function legalAuthenticator(p: Professional, time: string): Node {
  return el(
    "legalAuthenticator",
    {},
    el("time", { value: time }),
    el("signatureCode", { code: "S" }),
    el(
      "assignedEntity",
      {},
      idNode(OID.idNatPs, p.idNatPs),
      ...telecoms(p.phone, p.email),
      el("assignedPerson", {}, nameNode(personName(p.name))),
      p.org === undefined ? undefined : orgNode("representedOrganization", p.org),
    ),
  );
}
