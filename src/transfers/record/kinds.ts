/**
 * The French names of the sheet kinds, as shown to people (captions, web app, CLI). No imports:
 * the web app's bundle uses it too.
 */
export const KIND_FR: Readonly<Record<string, string>> = {
  admission: "Fiche de liaison d’entrée",
  discharge: "Lettre de liaison de sortie",
  "teleexpertise-request": "Demande de téléexpertise",
  "teleexpertise-answer": "Réponse de téléexpertise",
  "admission-notice": "Avis d’hospitalisation",
  "discharge-notice": "Avis de sortie d’hospitalisation",
  document: "Document de l’établissement",
};

/** The French name of `kind` (a form id, or a form reference such as `discharge@1`). */
export function kindFr(kind: string): string {
  return KIND_FR[kind.replace(/@\d+$/, "")] ?? "Fiche de liaison";
}
