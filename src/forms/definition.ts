/**
 * The shape of a declarative liaison form (one JSON file per form and version in `liaison-forms/`).
 * Validation (JSON Schema via ajv), the PDF layout and the French/English labels all derive from
 * it: no form knowledge is hard-coded elsewhere.
 */
export interface Localized {
  readonly fr: string;
  readonly en: string;
}

/** French identifiers with a real check algorithm (see `identifiers.ts`). */
export type IdentifierType = "rpps" | "adeli" | "finess" | "ins" | "siret";

interface BaseField {
  /** Key in the data object; `[a-zA-Z][a-zA-Z0-9]*`. */
  readonly id: string;
  readonly label: Localized;
  readonly required?: boolean;
  readonly help?: Localized;
}

/** Single-line text (`text`) or paragraphs (`longtext`). `maxLength` is mandatory: every field is bounded. */
export interface TextField extends BaseField {
  readonly type: "text" | "longtext";
  readonly maxLength: number;
}
export interface DateField extends BaseField {
  /** `date` is `YYYY-MM-DD`; `datetime` is RFC 3339 with offset. */
  readonly type: "date" | "datetime";
}
export interface EnumField extends BaseField {
  readonly type: "enum";
  readonly options: readonly { readonly value: string; readonly label: Localized }[];
}
export interface BooleanField extends BaseField {
  readonly type: "boolean";
  /**
   * The value must be `true` (e.g. the patient's consent, recorded before a tele-expertise
   * request). Validation reports rule `mustBeTrue`; the JSON Schema says `const: true`.
   */
  readonly mustBeTrue?: boolean;
}
export interface IntegerField extends BaseField {
  readonly type: "integer";
  readonly minimum?: number;
  readonly maximum?: number;
}
export interface IdentifierField extends BaseField {
  readonly type: IdentifierType;
}
export interface ContactField extends BaseField {
  readonly type: "phone" | "email";
}
/** A list of short strings (e.g. allergies). */
export interface ListField extends BaseField {
  readonly type: "list";
  readonly maxItems: number;
  readonly itemMaxLength: number;
}
/** A table: an array of rows, each an object of scalar columns (rendered as a PDF table). */
export interface TableField extends BaseField {
  readonly type: "table";
  readonly columns: readonly ScalarField[];
  readonly maxRows: number;
  readonly minRows?: number;
}
/** A nested group of fields (e.g. a doctor: name, RPPS, phone). */
export interface GroupField extends BaseField {
  readonly type: "group";
  readonly fields: readonly Field[];
}

export type ScalarField =
  TextField | DateField | EnumField | BooleanField | IntegerField | IdentifierField | ContactField;
export type Field = ScalarField | ListField | TableField | GroupField;
export type FieldType = Field["type"];

export interface Section {
  readonly id: string;
  readonly label: Localized;
  readonly fields: readonly Field[];
  /** Legal or model reference this section implements, e.g. "R1112-1-2 CSP 4°" or "LDL-SES 10183-2". */
  readonly reference?: string;
}

export type FormKind =
  | "admission"
  | "discharge"
  | "teleexpertise-request"
  | "teleexpertise-answer"
  | "admission-notice"
  | "discharge-notice";

export interface FormDefinition {
  /** Stable form id, e.g. `discharge`. */
  readonly id: FormKind;
  /** Integer version; a sheet names its form as `id@version`, e.g. `discharge@1`. */
  readonly version: number;
  readonly title: Localized;
  /** Regulation or model the form implements (décret, CSP article, ANS model). */
  readonly legalBasis: string;
  /**
   * Dotted paths (into the data object) of what the PDF prints on every page.
   * `patient` fields identify the patient; `issuer` names the sending establishment/professional.
   */
  readonly header: {
    readonly patientName: readonly string[];
    readonly patientBirthDate: string;
    readonly patientIns?: string;
    readonly issuer: string;
  };
  readonly sections: readonly Section[];
}

/** `"discharge@1"` */
export type FormRef = `${string}@${number}`;

export function formRef(def: Pick<FormDefinition, "id" | "version">): FormRef {
  return `${def.id}@${def.version}`;
}

/** A sheet as it enters Passerelle: the form it claims and its data (sections keyed by section id). */
export interface SheetInput {
  readonly form: string;
  readonly data: Record<string, unknown>;
}
