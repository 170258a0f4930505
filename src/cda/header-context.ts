/**
 * Header parts around the document's authors (CI-SIS « Modèles de contenus CDA », § En-tête):
 * the header participants, the documented service event (`documentationOf/serviceEvent` with its
 * performer) and the encompassing encounter (`componentOf/encompassingEncounter`: dates, facility
 * type, care unit).
 */
import {
  idNode,
  nameNode,
  OID,
  professionNode,
  telecoms,
  type Organisation,
  type Professional,
} from "./header.ts";
import { personName } from "./values.ts";
import { el, leaf, type Node } from "./xml.ts";

/**
 * A header `participant` (CI-SIS « Participant », JDV_J144_ParticipationType_CISIS): the médecin
 * traitant as `INF` with functionCode `PCP` (JDV_J47_FunctionCode_CISIS), the practitioner who
 * referred the patient as `REFB`; with the person's id, specialty code, telecom and name.
 */
export function participant(typeCode: "INF" | "REFB", p: Professional): Node {
  return el(
    "participant",
    { typeCode },
    typeCode === "INF"
      ? el("functionCode", {
          code: "PCP",
          displayName: "Médecin traitant",
          codeSystem: "2.16.840.1.113883.5.88",
        })
      : undefined,
    el("time", { nullFlavor: "UNK" }),
    el(
      "associatedEntity",
      { classCode: "PROV" },
      p.idNatPs === undefined ? undefined : el("id", { root: OID.idNatPs, extension: p.idNatPs }),
      professionNode(p),
      ...telecoms(p.phone, p.email),
      p.name.trim() === "" ? undefined : el("associatedPerson", {}, nameNode(personName(p.name))),
    ),
  );
}

export interface ServiceEvent {
  readonly code: { readonly code: string; readonly display: string; readonly system: string };
  readonly low: string;
  readonly high?: string;
  readonly performer: Professional;
}

export function documentationOf(s: ServiceEvent): Node {
  return el(
    "documentationOf",
    { typeCode: "DOC" },
    el(
      "serviceEvent",
      { classCode: "ACT", moodCode: "EVN" },
      el("code", { code: s.code.code, displayName: s.code.display, codeSystem: s.code.system }),
      el(
        "effectiveTime",
        {},
        el("low", { value: s.low }),
        s.high === undefined ? undefined : el("high", { value: s.high }),
      ),
      el(
        "performer",
        { typeCode: "PRF" },
        el(
          "assignedEntity",
          {},
          idNode(OID.idNatPs, s.performer.idNatPs),
          el("assignedPerson", {}, nameNode(personName(s.performer.name))),
        ),
      ),
    ),
  );
}

/** Encompassing encounter: dates and the unit; the facility type is "SA43 Secteur non défini" (the forms do not hold it). */
export function componentOf(
  low: string,
  high: string | undefined,
  unit: string | undefined,
  org: Organisation | undefined,
): Node {
  return el(
    "componentOf",
    {},
    el(
      "encompassingEncounter",
      {},
      el(
        "effectiveTime",
        {},
        el("low", { value: low }),
        high === undefined ? undefined : el("high", { value: high }),
      ),
      el(
        "location",
        {},
        el(
          "healthCareFacility",
          {},
          el("code", { code: "SA43", displayName: "Secteur non défini", codeSystem: OID.facilityType }),
          unit === undefined && org === undefined
            ? undefined
            : el(
                "serviceProviderOrganization",
                {},
                org?.idNatStruct === undefined
                  ? undefined
                  : el("id", { root: OID.idNatStruct, extension: org.idNatStruct }),
                leaf("name", unit),
              ),
        ),
      ),
    ),
  );
}
