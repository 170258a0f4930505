/** French names of the directory roles (src/directory). */
const ROLE_LABELS: Readonly<Record<string, string>> = {
  sender: "équipe de sortie",
  recipient: "destinataire",
  specialist: "spécialiste (télé-expertise)",
  coordinator: "coordination CPTS",
  auditor: "audit",
};

export const roleLabel = (r: string): string => ROLE_LABELS[r] ?? r;
