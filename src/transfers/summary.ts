/** The short French text sent (encrypted) with each sheet: the kind and the transfer reference only. */
const TITLES: Record<string, string> = {
  admission: "Nouvelle fiche de liaison d’entrée",
  discharge: "Nouvelle lettre de liaison de sortie",
  "teleexpertise-request": "Nouvelle demande de téléexpertise",
  "teleexpertise-answer": "Réponse à votre demande de téléexpertise",
  "admission-notice": "Avis d’hospitalisation d’un patient de votre cercle de soins",
  "discharge-notice": "Avis de sortie d’hospitalisation d’un patient de votre cercle de soins",
};

/** E.g. "Nouvelle lettre de liaison de sortie (réf. …). Merci d’en accuser réception : ✅ ou !ack". */
export function summaryFr(kind: string, transferId: string): string {
  const title = TITLES[kind] ?? "Nouvelle fiche de liaison";
  return `${title} (réf. ${transferId}). Merci d’en accuser réception : réagissez ✅ ou répondez !ack.`;
}
