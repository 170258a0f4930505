/**
 * Body of the discharge letter as CI-SIS LDL-SES 2022.01 (« Lettre de liaison à la sortie d'un
 * établissement de santé »): the four sections the volet requires (document status, reason for
 * the stay, medical synthesis with the coded admission and discharge modes, treatments at
 * discharge) and the optional ones the form fills (stopped treatments, pending results, follow-up,
 * devices, allergies).
 */
import type { SheetData } from "../forms/index.ts";
import { OID } from "./header.ts";
import { STAY_LABELS } from "./labels.ts";
import { labelled, labelledParts, list, paragraphs, table } from "./narrative.ts";
import {
  allergiesSection,
  devicesSection,
  section,
  simpleObservation,
  tableSection,
  type Coded,
  type SectionHead,
} from "./section.ts";
import { bool, cell, cells, frDate, items, rows, str, tsDate, tsDateTime } from "./values.ts";
import { el, text, type Node } from "./xml.ts";

const sct = (code: string, display: string): Coded => ({ code, display, system: OID.snomed });
const ta = (code: string, display: string): Coded => ({ code, display, system: OID.taAsip });

/** Form admission modes → JDV_ModaliteEntree_CISIS. */
export const ADMISSION_MODE: Record<string, Coded> = {
  scheduled: sct("8715000", "hospitalisation programmée"),
  emergency: sct("183452005", "hospitalisation en urgence"),
  transfer: sct("107724000", "transfert du patient"),
  directReferral: ta("GEN-092.06.07", "Autre modalité d'entrée"),
  internal: ta("GEN-092.06.07", "Autre modalité d'entrée"),
};

/** Form discharge modes → JDV_ModaliteSortie_CISIS. */
export const DISCHARGE_MODE: Record<string, Coded> = {
  home: sct("160849004", "retour au domicile"),
  residence: {
    code: "500",
    display: "Etablissement d'hébergement pour personnes âgées dépendantes",
    system: "1.2.250.1.213.1.6.1.8",
  },
  had: { code: "127", display: "Hospitalisation à Domicile", system: "1.2.250.1.213.1.6.1.8" },
  rehab: {
    code: "109",
    display: "Etablissement de santé privé autorisé en SSR",
    system: "1.2.250.1.213.1.6.1.8",
  },
  transfer: ta("GEN-092.06.01", "Autre établissement de santé"),
  death: ta("GEN-092.06.03", "Autre destination"),
};

const LABEL: Readonly<Record<string, Readonly<Record<string, string>>>> = STAY_LABELS;
const lbl = (k: string, v: string | undefined): string | undefined =>
  v === undefined ? undefined : (LABEL[k]?.[v] ?? v);

/** Treatments stopped or modified during the stay (IHE PCC, CI-SIS 1.2.250.1.213.1.1.2.145). */
const STOPPED_TREATMENTS: SectionHead = {
  templateIds: ["1.3.6.1.4.1.19376.1.5.3.1.3.21", "1.2.250.1.213.1.1.2.145"],
  code: "18610-6",
  display: "Traitements arrêtés durant le séjour",
  title: "Traitements arrêtés ou modifiés durant le séjour",
};

/** Results and other information still expected (IHE PCC, CI-SIS 1.2.250.1.213.1.1.2.150). */
const PENDING_RESULTS: SectionHead = {
  templateIds: ["1.3.6.1.4.1.19376.1.5.3.1.3.27", "1.2.250.1.213.1.1.2.150"],
  code: "30954-2",
  display: "Résultats",
  title: "Résultats d'examens et autres informations attendus",
};

export function dischargeBody(d: SheetData, time: string, id: (n: string) => string): Node[] {
  let n = 0;
  const sid = (): string => id(`section-${String(n++)}`);
  const admission = str(d, "stay.admissionMode") ?? "";
  const discharge = str(d, "stay.dischargeMode") ?? "";
  const admitted = tsDate(str(d, "stay.admissionDate") ?? "");
  const left = tsDate(str(d, "stay.dischargeDate") ?? "");
  const transfusion = bool(d, "synthesis.transfusion");
  const status = section({
    id: sid(),
    templateIds: ["1.2.250.1.213.1.1.2.35", "1.2.250.1.213.1.1.2.35.1"],
    code: "33557-0",
    display: "Etat d'achèvement",
    title: "Statut du document",
    narrative: [
      el("paragraph", {}, text("Statut du document : "), el("content", { ID: "statut-doc" }, text("validé"))),
    ],
    entries: [
      simpleObservation({
        id: id("statut"),
        templates: ["1.2.250.1.213.1.1.3.48.16", "1.2.250.1.213.1.1.3.48.16.1"],
        code: ta("GEN-065", "Statut du document"),
        ref: "statut-doc",
        time: time.slice(0, 8),
        value: sct("9571008", "approuvé"),
      }),
    ],
  });
  const reason = section({
    id: sid(),
    templateIds: ["1.3.6.1.4.1.19376.1.5.3.1.3.1", "1.2.250.1.213.1.1.2.127"],
    code: "42349-1",
    display: "Raison de la recommandation",
    title: "Motif de l'hospitalisation",
    narrative: paragraphs(str(d, "reason.text")),
  });
  const synthesis = section({
    id: sid(),
    templateIds: [
      "1.3.6.1.4.1.19376.1.5.3.1.1.21.2.9",
      "1.3.6.1.4.1.19376.1.7.3.1.1.13.7",
      "1.2.250.1.213.1.1.2.163",
      "1.2.250.1.213.1.1.2.163.1",
    ],
    code: "42545-4",
    display: "Synthèse médicale du séjour",
    title: "Synthèse médicale du séjour",
    narrative: [
      el(
        "paragraph",
        {},
        text("Entrée le "),
        text(frDate(str(d, "stay.admissionDate") ?? "")),
        text(", modalité d'entrée : "),
        el("content", { ID: "mode-entree" }, text(lbl("admissionMode", admission) ?? "")),
      ),
      el(
        "paragraph",
        {},
        text("Sortie le "),
        text(frDate(str(d, "stay.dischargeDate") ?? "")),
        text(", modalité de sortie : "),
        el("content", { ID: "mode-sortie" }, text(lbl("dischargeMode", discharge) ?? "")),
      ),
      ...labelled("Destination", str(d, "stay.destination")),
      ...labelled("Diagnostic principal", str(d, "synthesis.mainDiagnosis")),
      ...labelled("Synthèse", str(d, "synthesis.summary")),
      ...labelled("Résultats significatifs", str(d, "synthesis.results")),
      ...labelled("Événements indésirables", str(d, "synthesis.adverseEvents")),
      el(
        "paragraph",
        {},
        el("content", { styleCode: "Bold" }, text("Bactéries multirésistantes : ")),
        el("content", { ID: "bmr" }, text(lbl("mdro", str(d, "synthesis.mdro")) ?? "")),
      ),
      ...labelled("Précisions BMR / BHRe", str(d, "synthesis.mdroDetails")),
      el(
        "paragraph",
        {},
        el("content", { styleCode: "Bold" }, text("Transfusion : ")),
        el("content", { ID: "transfusion" }, text(transfusion === true ? "oui" : "non")),
      ),
      ...labelled("Précisions transfusion", str(d, "synthesis.transfusionDetails")),
      ...table(
        ["Dispositif implanté", "Référence", "Date"],
        rows(d, "synthesis.implants").map((r) => [...cells(r, "device", "reference"), date(cell(r, "date"))]),
      ),
    ],
    entries: [
      simpleObservation({
        id: id("mode-entree"),
        templates: ["1.2.250.1.213.1.1.3.48.6"],
        code: ta("ORG-070", "Modalité d'entrée"),
        ref: "mode-entree",
        time: admitted,
        value: ADMISSION_MODE[admission] ?? ta("GEN-092.06.07", "Autre modalité d'entrée"),
      }),
      simpleObservation({
        id: id("mode-sortie"),
        templates: ["1.2.250.1.213.1.1.3.48.7"],
        code: ta("ORG-074", "Modalité de sortie"),
        ref: "mode-sortie",
        time: left,
        value: DISCHARGE_MODE[discharge] ?? ta("GEN-092.06.03", "Autre destination"),
      }),
      simpleObservation({
        id: id("bmr"),
        templates: ["1.2.250.1.213.1.1.3.48.8"],
        code: ta("MED-309", "Recherche de microorganismes multi-résistants ou émergents effectuée"),
        ref: "bmr",
        time: left,
        value: str(d, "synthesis.mdro") !== "notScreened",
      }),
      simpleObservation({
        id: id("transfusion"),
        templates: ["1.2.250.1.213.1.1.3.48.10"],
        code: ta("MED-145", "Transfusion de produits sanguins"),
        ref: "transfusion",
        time: left,
        value: transfusion === true,
      }),
    ],
  });
  const atDischarge = rows(d, "treatments.atDischarge");
  const handed = bool(d, "treatments.prescriptionHandedOver");
  const treatments = section({
    id: sid(),
    templateIds: ["1.3.6.1.4.1.19376.1.5.3.1.3.22", "1.2.250.1.213.1.1.2.146"],
    code: "10183-2",
    display: "Traitements à la sortie",
    title: "Traitements à la sortie",
    narrative: [
      ...table(
        ["Médicament", "Dosage", "Posologie", "Durée", "Statut"],
        atDischarge.map((r) => [
          ...cells(r, "medicine", "dosage", "posology", "duration"),
          lbl("status", cell(r, "status")),
        ]),
      ),
      ...(atDischarge.length === 0 ? [el("paragraph", {}, text("Aucun traitement à la sortie."))] : []),
      el("paragraph", {}, text(`Ordonnance remise au patient : ${handed === true ? "oui" : "non"}.`)),
    ],
  });
  const stopped = rows(d, "treatments.stoppedOrModified").map((r) => [
    cell(r, "medicine"),
    lbl("change", cell(r, "change")),
    cell(r, "reason"),
  ]);
  const pending = rows(d, "pending.items").map((r) => [
    cell(r, "item"),
    date(cell(r, "expectedDate")),
    cell(r, "transmittedBy"),
  ]);
  const known = items(d, "allergies.known");
  const reactions = str(d, "allergies.newReactions");
  const optional = [
    tableSection(sid, STOPPED_TREATMENTS, ["Médicament", "Changement", "Motif"], stopped),
    tableSection(sid, PENDING_RESULTS, ["Élément attendu", "Date prévue", "Transmis par"], pending),
    followUp(d, sid()),
    devicesSection(items(d, "devices.items"), sid),
    known.length > 0 || reactions !== undefined
      ? allergiesSection(sid(), "Allergies et intolérances", [
          ...list(known, "Allergies connues"),
          ...labelled("Réactions nouvelles pendant le séjour", reactions),
        ])
      : undefined,
  ];
  return [status, reason, synthesis, treatments, ...optional.filter((n) => n !== undefined)];
}

const date = (v: string | undefined): string | undefined => (v === undefined ? undefined : frDate(v));

function followUp(d: SheetData, sectionId: string): Node {
  const appts = rows(d, "followUp.appointments");
  const cpts = rows(d, "recipients.cpts");
  return section({
    id: sectionId,
    templateIds: [
      "2.16.840.1.113883.10.20.1.10",
      "1.3.6.1.4.1.19376.1.5.3.1.3.36",
      "1.2.250.1.213.1.1.2.158",
    ],
    code: "18776-5",
    display: "Plan de soins",
    title: "Suites à donner",
    narrative: [
      ...table(
        ["Date", "Avec", "Objet", "Lieu"],
        appts.map((r) => [dateTime(cell(r, "date")), cell(r, "with"), cell(r, "purpose"), cell(r, "place")]),
      ),
      ...labelled("Recommandations", str(d, "followUp.recommendations")),
      ...labelled("Consignes infirmières", str(d, "followUp.nursingInstructions")),
      ...labelled("Suivi social", str(d, "followUp.socialFollowUp")),
      ...labelledParts("Contact à l'hôpital", " — ", [
        ["contact-nom", str(d, "contact.name")],
        ["contact-tel", str(d, "contact.phone")],
        ["contact-mel", str(d, "contact.secureEmail")],
        ["contact-dispo", str(d, "contact.availability")],
      ]),
      ...table(
        ["Destinataire (CPTS)", "Nom", "RPPS"],
        cpts.map((r) => cells(r, "role", "name", "rpps")),
      ),
      el(
        "paragraph",
        {},
        text(`Lettre remise au patient : ${bool(d, "recipients.handedToPatient") === true ? "oui" : "non"}.`),
      ),
    ],
  });
}

/**
 * An RFC 3339 date-time for a narrative cell, keeping its offset: `19/01/2026 09 h 30 (UTC+01:00)`
 * (seconds, when not zero, as `09 h 30 min 15 s`).
 */
function dateTime(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/i.exec(v);
  if (m === null) return v;
  const [, day = "", h = "", min = "", sec = "00", zone] = m;
  const seconds = sec === "00" ? "" : ` min ${sec} s`;
  const offset = zone === undefined ? "" : ` (UTC${zone.toUpperCase() === "Z" ? "+00:00" : zone})`;
  return `${frDate(day)} ${h} h ${min}${seconds}${offset}`;
}

/** Re-exported for the other volets. */
export { tsDateTime };
