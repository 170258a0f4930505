/**
 * Where each sheet field sits in the narrative of the CI-SIS sections Passerelle writes: the
 * section (by LOINC code), the label of its paragraph or the header row of its table, and how to
 * read the value back (text, French date `JJ/MM/AAAA`, `oui`/`non`, or the French label of an
 * enumerated value). Mirrors the writer's narrative (labels and enum labels are the writer's).
 */
import { ADMISSION_LABELS, ATTACHMENT_KINDS } from "../labels.ts";

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
  /**
   * A label whose value joins several fields with a separator (`a — b — c`), read by shape — for
   * documents whose parts have no `ID` (Passerelle's have, read through `ids`).
   */
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

export const t = (path: string): FieldSpec => ({ path, kind: "text" });
export const d = (path: string): FieldSpec => ({ path, kind: "date" });
export const b = (path: string): FieldSpec => ({ path, kind: "bool" });
export const e = (path: string, labels: Readonly<Record<string, string>>): FieldSpec => ({
  path,
  kind: labels,
});
export const cols = (...keys: readonly (string | [string, FieldKind])[]): TableSpec["columns"] =>
  keys.map((k) => (typeof k === "string" ? { key: k, kind: "text" } : { key: k[0], kind: k[1] }));

const ALLERGIES = ADMISSION_LABELS.allergies;
const ATTACHMENT = ATTACHMENT_KINDS;

export const ADMISSION: readonly SectionSpec[] = [
  {
    loinc: "42349-1",
    labels: {
      "Type d'admission": e("referral.admissionType", ADMISSION_LABELS.admissionType),
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
      Autonomie: e("autonomy.level", ADMISSION_LABELS.autonomy),
      GIR: { path: "autonomy.gir", kind: "integer" },
      "Précisions sur l'autonomie": t("autonomy.details"),
      "Lieu de vie": e("autonomy.livingPlace", ADMISSION_LABELS.livingPlace),
      "Conditions de vie": t("autonomy.livingConditions"),
      "Directives anticipées": e("wishes.advanceDirectives", ADMISSION_LABELS.advanceDirectives),
      "Lieu des directives": t("wishes.directivesLocation"),
      "Soins palliatifs": b("wishes.palliativeCare"),
      "Limitations de soins": t("wishes.careLimits"),
      Commentaire: t("comment.text"),
    },
    ids: {
      "confiance-nom": t("wishes.trustedPerson.name"),
      "confiance-lien": t("wishes.trustedPerson.relationship"),
      "confiance-tel": t("wishes.trustedPerson.phone"),
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

export const REQUEST: readonly SectionSpec[] = [
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
