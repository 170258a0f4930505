/**
 * Where the discharge letter's fields sit in the CI-SIS LDL-SES 2022.01 narrative Passerelle writes
 * (sections by LOINC code: 42349-1 reason, 42545-4 medical synthesis, 10183-2 discharge
 * treatments, 18610-6 stopped treatments, 30954-2 awaited results, 18776-5 follow-up, 46264-8
 * devices, 48765-2 allergies).
 */
import { STAY_LABELS } from "../labels.ts";
import { b, cols, e, t, type SectionSpec } from "./volet-specs.ts";

const { mdro: MDRO, status: STATUS, change: CHANGE } = STAY_LABELS;
const { admissionMode: ADMISSION_MODE, dischargeMode: DISCHARGE_MODE } = STAY_LABELS;

export const DISCHARGE: readonly SectionSpec[] = [
  { loinc: "42349-1", paragraphs: "reason.text" },
  {
    loinc: "42545-4",
    ids: {
      "mode-entree": e("stay.admissionMode", ADMISSION_MODE),
      "mode-sortie": e("stay.dischargeMode", DISCHARGE_MODE),
    },
    labels: {
      Destination: t("stay.destination"),
      "Diagnostic principal": t("synthesis.mainDiagnosis"),
      Synthèse: t("synthesis.summary"),
      "Résultats significatifs": t("synthesis.results"),
      "Événements indésirables": t("synthesis.adverseEvents"),
      "Bactéries multirésistantes": e("synthesis.mdro", MDRO),
      "Précisions BMR / BHRe": t("synthesis.mdroDetails"),
      Transfusion: b("synthesis.transfusion"),
      "Précisions transfusion": t("synthesis.transfusionDetails"),
    },
    tables: [
      {
        headers: ["Dispositif implanté"],
        path: "synthesis.implants",
        columns: cols("device", "reference", ["date", "date"]),
      },
    ],
  },
  {
    loinc: "10183-2",
    sentences: [{ prefix: "Ordonnance remise au patient : ", ...b("treatments.prescriptionHandedOver") }],
    tables: [
      {
        headers: ["Médicament", "Dosage", "Posologie", "Durée"],
        path: "treatments.atDischarge",
        columns: cols("medicine", "dosage", "posology", "duration", ["status", STATUS]),
      },
    ],
  },
  {
    loinc: "18610-6",
    tables: [
      {
        headers: ["Médicament"],
        path: "treatments.stoppedOrModified",
        columns: cols("medicine", ["change", CHANGE], "reason"),
      },
    ],
  },
  {
    loinc: "30954-2",
    tables: [
      {
        headers: ["Élément attendu"],
        path: "pending.items",
        columns: cols("item", ["expectedDate", "date"], "transmittedBy"),
      },
    ],
  },
  {
    loinc: "18776-5",
    labels: {
      Recommandations: t("followUp.recommendations"),
      "Consignes infirmières": t("followUp.nursingInstructions"),
      "Suivi social": t("followUp.socialFollowUp"),
    },
    joined: {
      "Contact à l'hôpital": {
        separator: " — ",
        fields: {
          email: "contact.secureEmail",
          phone: "contact.phone",
          others: ["contact.name", "contact.availability"],
          layout: "around",
        },
      },
    },
    ids: {
      "contact-nom": t("contact.name"),
      "contact-tel": t("contact.phone"),
      "contact-mel": t("contact.secureEmail"),
      "contact-dispo": t("contact.availability"),
    },
    sentences: [{ prefix: "Lettre remise au patient : ", ...b("recipients.handedToPatient") }],
    tables: [
      {
        headers: ["Date"],
        path: "followUp.appointments",
        columns: cols(["date", "datetime"], "with", "purpose", "place"),
      },
      { headers: ["Destinataire (CPTS)"], path: "recipients.cpts", columns: cols("role", "name", "rpps") },
    ],
  },
  { loinc: "46264-8", list: "devices.items" },
  {
    loinc: "48765-2",
    captionedLists: { "Allergies connues": "allergies.known" },
    labels: { "Réactions nouvelles pendant le séjour": t("allergies.newReactions") },
  },
];
