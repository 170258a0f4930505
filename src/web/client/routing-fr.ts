/**
 * The French wording of a hospital document's routing (src/documents/routing.ts and queue.ts):
 * where each recipient came from and why. No DOM here, so the unit tests read it as it is.
 */
import type { RoutingSource } from "../../documents/types.ts";

/** Where a recipient came from, in routing order (src/documents/types.ts `RoutingSource`). */
export const SOURCE_FR: Readonly<Record<RoutingSource, string>> = {
  message: "nommé par le message de l’hôpital",
  document: "destinataire du document",
  stay: "médecin du séjour",
  circle: "cercle de soins",
  coordinator: "orienté par la coordination",
};

/** The reason codes routing writes; ROL-3 roles after HL7 table 0443 and IHE PAM France. */
const REASON_FR: Readonly<Record<string, string>> = {
  "message.recipient": "destinataire désigné par l’hôpital dans son envoi",
  "cda.information_recipient": "nommé dans l’en-tête du document CDA (informationRecipient)",
  "cda.information_recipient.copy": "en copie dans l’en-tête du document CDA (informationRecipient TRC)",
  "cda.participant.pcp": "médecin traitant cité dans le document (participant PCP)",
  "adt.rol.treating": "médecin traitant déclaré pour le séjour (ROL ODRP)",
  "adt.rol.referring": "médecin adresseur du séjour (ROL RP)",
  "adt.rol.attending": "médecin responsable du séjour (ROL AT)",
  "adt.rol.admitting": "médecin ayant admis le patient (ROL AD)",
  "adt.rol.consulting": "médecin consultant du séjour (ROL CP)",
  "adt.rol.family": "médecin de famille déclaré pour le séjour (ROL FHCP)",
  "adt.rol.referred_to": "médecin vers qui le patient est adressé (ROL RT)",
  "circle.member.informed": "membre du cercle de soins (patient informé, sans opposition)",
  "circle.member.explicit": "membre du cercle de soins (consentement exprès du patient)",
  "coordinator.assigned": "choisi par la coordination depuis la file « à orienter »",
};

export const sourceFr = (source: string): string =>
  Object.hasOwn(SOURCE_FR, source) ? SOURCE_FR[source as RoutingSource] : source;

/** The French text of a reason code; codes with a variable part say what they can, else the code. */
export function reasonFr(reason: string): string {
  const known = REASON_FR[reason];
  if (known !== undefined) return known;
  const participant = /^cda\.participant\.(.+)$/.exec(reason);
  if (participant?.[1] !== undefined)
    return `participant cité dans le document (${participant[1].toUpperCase()})`;
  const rol = /^adt\.rol\.(.+)$/.exec(reason);
  if (rol?.[1] !== undefined) return `professionnel déclaré pour le séjour (ROL ${rol[1].toUpperCase()})`;
  return reason;
}
