/**
 * The people and organisations of a CDA R2 header as the CI-SIS common model (« Modèles de
 * contenus CDA », volet « Structuration minimale ») identifies them:
 * - health professionals under the national OID 1.2.250.1.71.4.2.1, extension = IdNatPS,
 *   i.e. `8` + RPPS (11 digits) or `0` + ADELI (9 characters);
 * - organisations under 1.2.250.1.71.4.2.2, extension = IdNatStruct, i.e. `1` + FINESS (9 characters),
 *   `3` + SIRET, `4` + RPPS-rang…
 * The identifiers are reported as written; their key is not checked (the ANS's own example
 * documents use fictional RPPS and FINESS numbers).
 */
import {
  attr,
  cd,
  child,
  descend,
  ii,
  iiString,
  pn,
  textOf,
  ts,
  type Coded,
  type PersonName,
} from "./dom.ts";
import type { XElement } from "./xml.ts";

export const OID_PS = "1.2.250.1.71.4.2.1";
export const OID_STRUCT = "1.2.250.1.71.4.2.2";

export interface CdaOrganization {
  /** IdNatStruct when under the national OID (`1` + FINESS…), else `root^extension`. */
  readonly id?: string;
  readonly finess?: string;
  readonly name?: string;
}

export interface CdaPerson {
  /** IdNatPS when under the national OID (`8` + RPPS, `0` + ADELI), else `root^extension`. */
  readonly id?: string;
  readonly rpps?: string;
  readonly adeli?: string;
  readonly name?: string;
  readonly nameParts?: PersonName;
  /** An authoring device (`assignedAuthoringDevice`): software name and model. */
  readonly device?: string;
  /** Profession / specialty (G15 / R85 codes of the TRE of the ANS). */
  readonly profession?: Coded;
  readonly structure?: CdaOrganization;
  readonly time?: string;
}

export function organization(el: XElement | undefined): CdaOrganization | undefined {
  if (el === undefined) return undefined;
  const idEl = child(el, "id");
  const i = ii(idEl);
  const name = textOf(child(el, "name"));
  let id: string | undefined;
  let finess: string | undefined;
  if (i !== undefined) {
    id = i.root === OID_STRUCT && i.extension !== undefined ? i.extension : iiString(i);
    if (i.root === OID_STRUCT && i.extension !== undefined && /^1[0-9AB]{9}$/.test(i.extension)) {
      finess = i.extension.slice(1);
    }
  }
  if (id === undefined && name === undefined) return undefined;
  return {
    ...(id === undefined ? {} : { id }),
    ...(finess === undefined ? {} : { finess }),
    ...(name === undefined ? {} : { name }),
  };
}

/**
 * A person in a role (`assignedAuthor`, `assignedEntity`, `intendedRecipient`, `associatedEntity`):
 * its id, the person's name under `personElement`, its profession code and organisation.
 */
export function person(
  role: XElement | undefined,
  personElement: string,
  orgElement: string,
  time?: XElement,
): CdaPerson | undefined {
  if (role === undefined) return undefined;
  const i = ii(child(role, "id"));
  let id: string | undefined;
  let rpps: string | undefined;
  let adeli: string | undefined;
  if (i !== undefined) {
    id = i.root === OID_PS && i.extension !== undefined ? i.extension : iiString(i);
    if (i.root === OID_PS && i.extension !== undefined) {
      if (/^8\d{11}$/.test(i.extension)) rpps = i.extension.slice(1);
      if (/^0[0-9AB]{9}$/.test(i.extension)) adeli = i.extension.slice(1);
    }
  }
  const nameParts = pn(descend(role, personElement, "name"));
  const dev = child(role, "assignedAuthoringDevice");
  const device = [textOf(child(dev, "softwareName")), textOf(child(dev, "manufacturerModelName"))]
    .filter((x) => x !== undefined)
    .join(", ");
  const profession = cd(child(role, "code"));
  const structure = organization(child(role, orgElement));
  const when = ts(time);
  return {
    ...(id === undefined ? {} : { id }),
    ...(rpps === undefined ? {} : { rpps }),
    ...(adeli === undefined ? {} : { adeli }),
    ...(nameParts === undefined ? {} : { name: nameParts.text, nameParts }),
    ...(device === "" ? {} : { device }),
    ...(profession === undefined ? {} : { profession }),
    ...(structure === undefined ? {} : { structure }),
    ...(when === undefined ? {} : { time: when }),
  };
}

/** `informationRecipient/intendedRecipient`: PRCP (primary) or TRC (copy). */
export interface CdaRecipient extends CdaPerson {
  readonly type: string;
}

export function recipient(el: XElement): CdaRecipient | undefined {
  const p = person(child(el, "intendedRecipient"), "informationRecipient", "receivedOrganization");
  if (p === undefined) return undefined;
  return { type: attr(el, "typeCode") ?? "PRCP", ...p };
}

/**
 * A header `participant` (HL7 CDA R2 §4.2.2.7; CI-SIS « Modèles de contenus CDA »: e.g. the
 * médecin traitant, typeCode `INF`, functionCode `PCP`; the referring professional `REF`): the
 * `associatedEntity` with its `associatedPerson` and `scopingOrganization`.
 */
export interface CdaParticipant extends CdaPerson {
  readonly type: string;
  readonly functionCode?: string;
}

export function participant(el: XElement): CdaParticipant | undefined {
  const p = person(child(el, "associatedEntity"), "associatedPerson", "scopingOrganization");
  if (p === undefined) return undefined;
  const fn = attr(child(el, "functionCode"), "code");
  return { type: attr(el, "typeCode") ?? "", ...(fn === undefined ? {} : { functionCode: fn }), ...p };
}
