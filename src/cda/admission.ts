/**
 * Admission letter as CI-SIS LDL-EES 2022.01 (« Lettre de liaison à l'entrée en établissement de
 * santé »): the sections the volet requires (reason, treatments at admission, allergies, other
 * information) and those the form fills (medical history, devices). The author is the sender
 * (city professional or EHPAD doctor); the custodian their structure.
 */
import type { SheetData, ValidatedSheet } from "../forms/index.ts";
import { OID, type Organisation } from "./header.ts";
import { ADMISSION_LABELS } from "./labels.ts";
import { labelled, labelledParts, list, paragraphs, table } from "./narrative.ts";
import { allergiesSection, devicesSection, section } from "./section.ts";
import { bool, cells, frDate, items, rows, str, tsDate, tsDateTime } from "./values.ts";
import { SECTOR, sheetAuthor } from "./professions.ts";
import { idNatPs, practitioner, type HeaderParts } from "./write.ts";

type Labels = Readonly<Record<string, string>>;
const ALLERGY: Labels = ADMISSION_LABELS.allergies;
const TYPE: Labels = ADMISSION_LABELS.admissionType;
const LEVEL: Labels = ADMISSION_LABELS.autonomy;
const LIVING: Labels = ADMISSION_LABELS.livingPlace;
const DIRECTIVES: Labels = ADMISSION_LABELS.advanceDirectives;

export function admissionHeader(sheet: ValidatedSheet): HeaderParts {
  const d = sheet.data;
  const finess = str(d, "sender.finess");
  const sector = SECTOR[str(d, "sender.senderType") === "ehpad" ? "ehpad" : "professional"];
  const structure = str(d, "sender.structureName");
  const org: Organisation = {
    ...(finess === undefined ? {} : { idNatStruct: `1${finess}` }),
    ...(structure === undefined ? {} : { name: structure }),
    sector,
  };
  const rpps = str(d, "sender.rpps");
  const adeli = str(d, "sender.adeli");
  const id = idNatPs(rpps, adeli);
  const author = sheetAuthor(
    d,
    "sender",
    {
      ...(id === undefined ? {} : { idNatPs: id }),
      ...(rpps !== undefined && adeli !== undefined ? { otherIdNatPs: `0${adeli}` } : {}),
    },
    org,
  );
  const time = tsDateTime(str(d, "sender.writtenAt") ?? "");
  const planned = str(d, "referral.plannedDate");
  const low = planned === undefined ? time : tsDate(planned);
  const gp = practitioner(d, "careTeam.gp");
  const unit = str(d, "referral.requestedUnit");
  return {
    time,
    author,
    // The custodian needs a name: without a structure, the sender's own.
    custodian: { ...org, name: structure ?? str(d, "sender.name") ?? "" },
    recipients: gp === undefined || gp.name === "" ? [] : [gp],
    participants: gp === undefined ? [] : [{ type: "INF", who: gp }],
    service: {
      code: { code: "IMP", display: "Hospitalisation (établissement, y compris HAD)", system: OID.actCode },
      low,
      performer: author,
    },
    encounter: { low, ...(unit === undefined ? {} : { unit }) },
  };
}

export function admissionBody(d: SheetData, id: (n: string) => string): string[] {
  let n = 0;
  const sid = (): string => id(`section-${String(n++)}`);
  const planned = str(d, "referral.plannedDate");
  const out = [
    section({
      id: sid(),
      templateIds: ["1.3.6.1.4.1.19376.1.5.3.1.3.1", "1.2.250.1.213.1.1.2.127"],
      code: "42349-1",
      display: "Raison de la recommandation",
      title: "Motif d'hospitalisation",
      narrative: [
        ...labelled("Type d'admission", TYPE[str(d, "referral.admissionType") ?? ""]),
        ...labelled("Service demandé", str(d, "referral.requestedUnit")),
        ...labelled("Date prévue", planned === undefined ? undefined : frDate(planned)),
        ...labelled("Motif", str(d, "referral.reason")),
        ...labelled("Contexte clinique", str(d, "referral.clinicalContext")),
      ],
    }),
    section({
      id: sid(),
      templateIds: ["1.3.6.1.4.1.19376.1.5.3.1.3.20", "1.2.250.1.213.1.1.2.144"],
      code: "42346-7",
      display: "Traitements à l'admission",
      title: "Traitements à l'admission",
      narrative: [
        ...table(
          ["Médicament", "Dosage", "Posologie", "Remarques"],
          rows(d, "treatments.current").map((r) => cells(r, "medicine", "dosage", "posology", "notes")),
        ),
        ...labelled("Dernière prise", str(d, "treatments.lastDose")),
        ...labelled("Remarques", str(d, "treatments.notes")),
      ],
    }),
    allergiesSection(sid(), "Allergies et hypersensibilités connues", [
      ...paragraphs(ALLERGY[str(d, "allergies.status") ?? ""]),
      ...list(items(d, "allergies.items")),
    ]),
  ];
  const medical = str(d, "history.medical");
  const surgical = str(d, "history.surgical");
  const vaccinations = str(d, "history.vaccinations");
  if (medical !== undefined || surgical !== undefined || vaccinations !== undefined)
    out.push(
      section({
        id: sid(),
        templateIds: ["1.3.6.1.4.1.19376.1.5.3.1.3.8", "1.2.250.1.213.1.1.2.134"],
        code: "11348-0",
        display: "Antécédents médicaux",
        title: "Antécédents",
        narrative: [
          ...labelled("Médicaux", medical),
          ...labelled("Chirurgicaux", surgical),
          ...labelled("Vaccinations", vaccinations),
        ],
      }),
    );
  const devices = devicesSection(items(d, "devices.items"), sid);
  if (devices !== undefined) out.push(devices);
  const gir = str(d, "autonomy.gir");
  const palliative = bool(d, "wishes.palliativeCare");
  out.push(
    section({
      id: sid(),
      templateIds: ["1.3.6.1.4.1.19376.1.4.1.2.16", "1.2.250.1.213.1.1.2.73"],
      code: "55112-7",
      display: "Autres informations",
      title: "Autres informations",
      narrative: [
        ...labelled(
          "Médecin traitant",
          [str(d, "careTeam.gp.name"), str(d, "careTeam.gp.phone")].filter((x) => x !== undefined).join(", "),
        ),
        ...labelled("Infirmier(ère)", str(d, "careTeam.homeNurse")),
        ...labelled("Pharmacie", str(d, "careTeam.pharmacy")),
        ...labelled("Autres intervenants", str(d, "careTeam.otherCarers")),
        ...labelled("Autonomie", LEVEL[str(d, "autonomy.level") ?? ""]),
        ...labelled("GIR", gir),
        ...labelled("Précisions sur l'autonomie", str(d, "autonomy.details")),
        ...labelled("Lieu de vie", LIVING[str(d, "autonomy.livingPlace") ?? ""]),
        ...labelled("Conditions de vie", str(d, "autonomy.livingConditions")),
        ...table(
          ["Proche", "Lien", "Téléphone", "Aidant"],
          rows(d, "contacts.people").map((r) => [
            ...cells(r, "name", "relationship", "phone"),
            r["isCarer"] === true ? "oui" : r["isCarer"] === false ? "non" : undefined,
          ]),
        ),
        ...labelledParts("Personne de confiance", ", ", [
          ["confiance-nom", str(d, "wishes.trustedPerson.name")],
          ["confiance-lien", str(d, "wishes.trustedPerson.relationship")],
          ["confiance-tel", str(d, "wishes.trustedPerson.phone")],
        ]),
        ...labelled("Directives anticipées", DIRECTIVES[str(d, "wishes.advanceDirectives") ?? ""]),
        ...labelled("Lieu des directives", str(d, "wishes.directivesLocation")),
        ...labelled("Soins palliatifs", palliative === undefined ? undefined : palliative ? "oui" : "non"),
        ...labelled("Limitations de soins", str(d, "wishes.careLimits")),
        ...labelled("Commentaire", str(d, "comment.text")),
      ],
    }),
  );
  return out;
}
