/**
 * Escalation: sent transfers not acknowledged in time (24 h for discharge letters, 72 h
 * otherwise, from `sent_at`) and tele-expertise requests not answered by their deadline get a
 * French reminder in their room, as a reply to the sheet, and a notice to every CPTS coordinator
 * in an encrypted room of their own; idempotent transaction ids, escalated again only after
 * another full delay. The texts carry the short reference and the delay, no patient data.
 */
export { EscalationScheduler } from "./escalation.ts";
export { DEFAULT_ESCALATION } from "./overdue.ts";
export type { EscalationDelays } from "./overdue.ts";
export { ANSWER_HELP_FR } from "./reminders.ts";
