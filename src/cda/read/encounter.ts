/**
 * The header's context of care and version links (HL7 CDA R2 §4.2.3.3 `componentOf`, §4.2.3.6
 * `relatedDocument`): encounter dates, unit and facility; the parent document of a replacement
 * (RPLC), addendum (APND) or transformation (XFRM).
 */
import { attr, cd, child, descend, ii, iiString, requiredIi, textOf, ts, type Coded } from "./dom.ts";
import { organization, type CdaOrganization } from "./participants.ts";
import { xmlError, type XElement } from "./xml.ts";

export interface CdaEncounter {
  /** The encounter's id extension: the visit number (PV1-19 of the ADT feed) in CI-SIS documents. */
  readonly visit?: string;
  readonly start?: string;
  readonly end?: string;
  /** Care unit (`serviceProviderOrganization/name`, else the facility's location name). */
  readonly unit?: string;
  readonly facility?: CdaOrganization;
  readonly facilityType?: Coded;
}

export interface CdaRelated {
  /** RPLC (replacement), APND (addendum), XFRM (transformation). */
  readonly type: string;
  readonly id: string;
  readonly setId?: string;
  readonly versionNumber?: number;
}

export function integer(el: XElement | undefined): number | undefined {
  const v = attr(el, "value");
  if (v === undefined || el === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v)) {
    throw xmlError(
      "CDA_INVALID",
      `${el.path}/@value`,
      "INT format",
      "not a non-negative integer",
      "pas un entier positif",
    );
  }
  return Number(v);
}

export function relatedDocument(r: XElement): CdaRelated[] {
  const parent = child(r, "parentDocument");
  if (parent === undefined) return [];
  const id = iiString(requiredIi(child(parent, "id"), `${parent.path}/id`));
  const setId = ii(child(parent, "setId"));
  const versionNumber = integer(child(parent, "versionNumber"));
  return [
    {
      type: attr(r, "typeCode") ?? "RPLC",
      id,
      ...(setId === undefined ? {} : { setId: iiString(setId) }),
      ...(versionNumber === undefined ? {} : { versionNumber }),
    },
  ];
}

export function readEncounter(enc: XElement | undefined): CdaEncounter | undefined {
  if (enc === undefined) return undefined;
  const time = child(enc, "effectiveTime");
  const start = ts(child(time, "low")) ?? ts(time);
  const end = ts(child(time, "high"));
  const facilityEl = descend(enc, "location", "healthCareFacility");
  const facility = organization(child(facilityEl, "serviceProviderOrganization")) ?? facilityId(facilityEl);
  const unit =
    textOf(descend(facilityEl, "serviceProviderOrganization", "name")) ??
    textOf(descend(facilityEl, "location", "name")) ??
    textOf(descend(enc, "responsibleParty", "assignedEntity", "representedOrganization", "name"));
  const facilityType = cd(child(facilityEl, "code"));
  const visit = ii(child(enc, "id"))?.extension;
  return {
    ...(visit === undefined ? {} : { visit }),
    ...(start === undefined ? {} : { start }),
    ...(end === undefined ? {} : { end }),
    ...(unit === undefined ? {} : { unit }),
    ...(facility === undefined ? {} : { facility }),
    ...(facilityType === undefined ? {} : { facilityType }),
  };
}

/** `healthCareFacility/id` (the establishment's FINESS in the ANS examples), as an organisation. */
function facilityId(facility: XElement | undefined): CdaOrganization | undefined {
  if (facility === undefined || child(facility, "id") === undefined) return undefined;
  return organization({
    ...facility,
    children: facility.children.filter((c) => typeof c !== "string" && c.local === "id"),
  });
}
