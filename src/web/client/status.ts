/** French labels of transfer states (src/transfers/types.ts) and the overdue flag. */
export const STATE_LABELS: Readonly<Record<string, string>> = {
  queued: "En file d’attente",
  sent: "Envoyé",
  delivered: "Remis",
  read: "Lu",
  acknowledged: "Accusé de réception",
  answered: "Répondu",
  failed: "Échec de l’envoi",
  overdue: "En retard",
};

export const stateLabel = (s: string): string => STATE_LABELS[s] ?? s;
