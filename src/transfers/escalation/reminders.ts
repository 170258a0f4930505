/**
 * The French texts of escalation (sent encrypted): the reminder in the transfer's room (a reply to
 * the sheet, which carries the patient's identity) and the notice to the CPTS coordinator. They
 * carry the transfer's short reference (see `reference.ts`) and the delay only — no patient data.
 */
import { transferReference } from "../record/index.ts";

const TITLES: Record<string, string> = {
  admission: "la fiche de liaison d’entrée",
  discharge: "la lettre de liaison de sortie",
  "teleexpertise-request": "la demande de téléexpertise",
  "teleexpertise-answer": "la réponse de téléexpertise",
  document: "le document de l’établissement",
};

/** How the specialist answers a tele-expertise request in the room (see `answer-command.ts`). */
export const ANSWER_HELP_FR =
  "Répondez par un message commençant par !answer, suivi des lignes « avis : … », « consultation : oui » ou « non », et si besoin « recommandations : … » et « délai : … ».";

/** The reminder posted (as a reply to the sheet) in the transfer's room. */
export function reminderFr(kind: string, transferId: string, hours: number, awaitingAnswer: boolean): string {
  const title = TITLES[kind] ?? "la fiche de liaison";
  const ref = transferReference(kind, transferId);
  return awaitingAnswer
    ? `Rappel : ${title} (réf. ${ref}) attend une réponse depuis ${hours} h. ${ANSWER_HELP_FR}`
    : `Rappel : ${title} (réf. ${ref}) attend un accusé de réception depuis ${hours} h. Merci d’en accuser réception : répondez !ack à ce message ou à celui de la fiche.`;
}

/** The notice to a coordinator, in their own room with the hub. */
export function coordinatorNoticeFr(
  kind: string,
  transferId: string,
  hours: number,
  awaitingAnswer: boolean,
): string {
  const what = awaitingAnswer ? "sans réponse" : "sans accusé de réception";
  return `Relance Passerelle : la transmission réf. ${transferReference(kind, transferId)} est ${what} depuis ${hours} h. Un rappel a été envoyé dans son salon.`;
}
