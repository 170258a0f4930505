/**
 * Where each sheet field sits in the narrative of the CI-SIS sections Passerelle writes: the
 * section (by LOINC code), the label of its paragraph or the header row of its table, and how to
 * read the value back (text, French date `JJ/MM/AAAA`, `oui`/`non`, or the French label of an
 * enumerated value). Mirrors the writer's narrative (labels and enum labels are the writer's).
 */
export type FieldKind =
  "text" | "date" | "datetime" | "bool" | "integer" | "split" | Readonly<Record<string, string>>;

export interface FieldSpec {
  readonly path: string;
  readonly kind: FieldKind;
}

export interface TableSpec {
  readonly headers: readonly string[];
  readonly path: string;
  readonly columns: readonly { readonly key: string; readonly kind: FieldKind }[];
}

export interface SectionSpec {
  readonly loinc: string;
  readonly labels?: Readonly<Record<string, FieldSpec>>;
  /** Unlabelled paragraphs form this long-text field. */
  readonly paragraphs?: string;
  /** An unlabelled paragraph that is the label of an enumerated value. */
  readonly enumParagraph?: FieldSpec;
  /** Paragraphs `prefix value.` (e.g. `Ordonnance remise au patient : oui.`). */
  readonly sentences?: readonly (FieldSpec & { readonly prefix: string })[];
  readonly tables?: readonly TableSpec[];
  readonly list?: string;
  readonly captionedLists?: Readonly<Record<string, string>>;
  /** Narrative elements by their `ID` (e.g. `<content ID="mode-entree">`). */
  readonly ids?: Readonly<Record<string, FieldSpec>>;
  /** A label whose value joins several fields with a separator (`a — b — c`), read by shape. */
  readonly joined?: Readonly<Record<string, { readonly separator: string; readonly fields: JoinedFields }>>;
  /** Sentences the writer puts when a field is empty: not a value. */
  readonly placeholders?: readonly string[];
}

/**
 * Fields of a joined label: the part with `@`, the part shaped like a phone, and the others —
 * `around`: the first other is all before the email/phone, the second all after (free text that
 * may hold the separator); `sequence`: the other parts in order.
 */
export interface JoinedFields {
  readonly email?: string;
  readonly phone?: string;
  readonly others: readonly string[];
  readonly layout: "around" | "sequence";
}

const t = (path: string): FieldSpec => ({ path, kind: "text" });
const d = (path: string): FieldSpec => ({ path, kind: "date" });
const b = (path: string): FieldSpec => ({ path, kind: "bool" });
const e = (path: string, labels: Readonly<Record<string, string>>): FieldSpec => ({ path, kind: labels });
const cols = (...keys: readonly (string | [string, FieldKind])[]): TableSpec["columns"] =>
  keys.map((k) => (typeof k === "string" ? { key: k, kind: "text" } : { key: k[0], kind: k[1] }));

const MDRO = {
  notScreened: "non recherchée",
  negative: "recherche négative",
  carrier: "porteur de BMR",
  emerging: "BHRe",
};
const STATUS = { started: "introduit", continued: "poursuivi", modified: "modifié" };
const CHANGE = { stopped: "arrêté", modified: "modifié", suspended: "suspendu" };
const ALLERGIES = {
  none: "Aucune allergie connue.",
  known: "Allergies connues :",
  unknown: "Allergies non connues à ce jour.",
};
const ATTACHMENT = {
  photo: "photographie",
  report: "compte rendu",
  lab: "biologie",
  imaging: "imagerie",
  ecg: "ECG",
  other: "autre",
};

const ADMISSION_MODE = {
  scheduled: "programmée",
  emergency: "en urgence",
  directReferral: "adressage direct",
  transfer: "transfert",
  internal: "mutation interne",
};
const DISCHARGE_MODE = {
  home: "retour à domicile",
  residence: "retour en EHPAD / résidence",
  had: "HAD",
  rehab: "SMR",
  transfer: "transfert",
  death: "décès",
};

const DISCHARGE: readonly SectionSpec[] = [
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

const ADMISSION: readonly SectionSpec[] = [
  {
    loinc: "42349-1",
    labels: {
      "Type d'admission": e("referral.admissionType", {
        scheduled: "programmée",
        unscheduled: "non programmée",
        emergency: "urgence",
      }),
      "Service demandé": t("referral.requestedUnit"),
      "Date prévue": d("referral.plannedDate"),
      Motif: t("referral.reason"),
      "Contexte clinique": t("referral.clinicalContext"),
    },
  },
  {
    loinc: "42346-7",
    labels: { "Dernière prise": t("treatments.lastDose"), Remarques: t("treatments.notes") },
    tables: [
      {
        headers: ["Médicament"],
        path: "treatments.current",
        columns: cols("medicine", "dosage", "posology", "notes"),
      },
    ],
  },
  { loinc: "48765-2", enumParagraph: e("allergies.status", ALLERGIES), list: "allergies.items" },
  {
    loinc: "11348-0",
    labels: {
      Médicaux: t("history.medical"),
      Chirurgicaux: t("history.surgical"),
      Vaccinations: t("history.vaccinations"),
    },
  },
  { loinc: "46264-8", list: "devices.items" },
  {
    loinc: "55112-7",
    labels: {
      "Infirmier(ère)": t("careTeam.homeNurse"),
      Pharmacie: t("careTeam.pharmacy"),
      "Autres intervenants": t("careTeam.otherCarers"),
      Autonomie: e("autonomy.level", {
        autonomous: "autonome",
        partial: "partiellement dépendant",
        dependent: "dépendant",
      }),
      GIR: { path: "autonomy.gir", kind: "integer" },
      "Précisions sur l'autonomie": t("autonomy.details"),
      "Lieu de vie": e("autonomy.livingPlace", {
        homeAlone: "à domicile, seul",
        homeWithOthers: "à domicile, entouré",
        ehpad: "en EHPAD",
        other: "autre",
      }),
      "Conditions de vie": t("autonomy.livingConditions"),
      "Directives anticipées": e("wishes.advanceDirectives", {
        written: "rédigées",
        none: "aucune",
        unknown: "inconnues",
      }),
      "Lieu des directives": t("wishes.directivesLocation"),
      "Soins palliatifs": b("wishes.palliativeCare"),
      "Limitations de soins": t("wishes.careLimits"),
      Commentaire: t("comment.text"),
    },
    joined: {
      "Personne de confiance": {
        separator: ", ",
        fields: {
          phone: "wishes.trustedPerson.phone",
          others: ["wishes.trustedPerson.name", "wishes.trustedPerson.relationship"],
          layout: "sequence",
        },
      },
    },
    tables: [
      {
        headers: ["Proche"],
        path: "contacts.people",
        columns: cols("name", "relationship", "phone", ["isCarer", "bool"]),
      },
    ],
  },
];

const REQUEST: readonly SectionSpec[] = [
  {
    loinc: "34117-2",
    labels: {
      "Spécialité sollicitée": t("expert.specialty"),
      "Question posée": t("request.question"),
      "Contexte clinique": t("request.context"),
      "Délai de réponse": e("request.urgency", { routine: "habituelle", soon: "rapide", urgent: "urgente" }),
      "Réponse souhaitée avant le": d("request.answerBy"),
      "Consentement du patient recueilli": b("consent.recorded"),
      "Date du consentement": d("consent.date"),
      "Modalité du consentement": e("consent.modality", {
        oral: "oral",
        written: "écrit",
        legalRepresentative: "représentant légal",
      }),
    },
    tables: [
      {
        headers: ["Pièce jointe"],
        path: "attachments.files",
        columns: cols("title", ["kind", ATTACHMENT], ["date", "date"]),
      },
    ],
  },
  {
    loinc: "10160-0",
    paragraphs: "request.treatments",
    placeholders: ["Traitements non renseignés dans la demande (voir le contexte clinique)."],
  },
];

export const VOLET_SPECS: Readonly<
  Record<"LDL-SES" | "LDL-EES" | "TLM-DA" | "TLM-CR", readonly SectionSpec[]>
> = {
  "LDL-SES": DISCHARGE,
  "LDL-EES": ADMISSION,
  "TLM-DA": REQUEST,
  "TLM-CR": [],
};
