/**
 * Care circles (cercle de soins): for one patient, keyed by the pseudonym of the INS, the city
 * professionals who follow them (médecin traitant, nurse, pharmacist…), each a directory member,
 * with the date and source of the link and how the patient's consent was obtained. The patient may
 * object (art. L1110-4 III CSP: information of the patient, right to object to the exchange within
 * the care team); a recorded objection stops every notice about them.
 */

/** Where a link came from. */
export const CIRCLE_SOURCES = ["cli", "csv", "api", "matrix"] as const;
export type CircleSource = (typeof CIRCLE_SOURCES)[number];

/**
 * How the patient's agreement was recorded: `informed` — informed of the exchange within the care
 * team and did not object (L1110-4 III); `explicit` — expressed consent (e.g. written).
 */
export const CIRCLE_CONSENTS = ["informed", "explicit"] as const;
export type CircleConsent = (typeof CIRCLE_CONSENTS)[number];

/** One professional of a patient's circle. */
export interface CircleMember {
  readonly memberId: number;
  /** `rpps:…` / `adeli:…` (audit member id). */
  readonly memberRef: string;
  readonly rpps?: string;
  readonly displayName: string;
  readonly matrixId?: string;
  readonly professionCode: string;
  /** Date the link started (`YYYY-MM-DD`). */
  readonly since: string;
  readonly source: CircleSource;
  readonly consent: CircleConsent;
}

/** A patient's circle as stored: the pseudonym, the objection if any, and the current members. */
export interface Circle {
  readonly patientRef: string;
  /** When the patient's objection was recorded (ISO 8601), if it stands. */
  readonly objectionAt?: string;
  readonly members: readonly CircleMember[];
}

/** `circle add` / `!circle join` / the API: a professional joins a patient's circle. */
export interface JoinInput {
  /** The patient's INS (NIR or NIA, 15 characters); only its pseudonym is stored. */
  readonly ins: string;
  /** The professional's RPPS (a directory member). */
  readonly rpps: string;
  /** `YYYY-MM-DD`; defaults to today. */
  readonly since?: string;
  readonly source: CircleSource;
  /** Defaults to `informed`. */
  readonly consent?: CircleConsent;
}
