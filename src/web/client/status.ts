/** French labels of transfer states (src/transfers/record/types.ts), the overdue flag and form kinds. */
export const STATE_LABELS: Readonly<Record<string, string>> = {
  queued: "En file d’attente",
  sent: "Envoyé",
  delivered: "Remis",
  read: "Lu",
  acknowledged: "Accusé de réception",
  answered: "Répondu",
  failed: "Échec de l’envoi",
  overdue: "En retard",
  // history steps
  created: "Fiche validée, signée et enregistrée",
  retried: "Nouvelle tentative d’envoi",
  escalated: "Relance (délai dépassé)",
  // form kinds (charts by kind)
  discharge: "Lettre de liaison de sortie",
  admission: "Fiche de liaison d’entrée",
  "teleexpertise-request": "Demande de télé-expertise",
  "teleexpertise-answer": "Réponse de télé-expertise",
};

export const stateLabel = (s: string): string => STATE_LABELS[s] ?? s;
