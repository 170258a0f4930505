/** What the HTTP adapter needs from the assembled service: the same functions the CLI calls. */
import type { Acceptance } from "../adt/index.ts";
import type { AuditTrail } from "../audit/index.ts";
import type { CircleService } from "../circles/index.ts";
import type { Clock, Log } from "../core/index.ts";
import { PasserelleError } from "../core/index.ts";
import type { DirectoryService } from "../directory/index.ts";
import type { FormRegistry } from "../forms/index.ts";
import type { IncomingDocument, ReceivedDocument } from "../documents/index.ts";
import type { Database } from "../storage/index.ts";
import type { CreatedTransfer, CreateTransferInput, TransferStatus } from "../transfers/index.ts";
import type { TokenVerifier } from "./auth.ts";

/**
 * A tele-expertise answer: the shape of `answerTeleexpertise(deps, …)` from the tele-expertise work
 * (`data` is the `answer` section of `teleexpertise-answer@1`). Absent → the route answers 409.
 */
export type AnswerTeleexpertise = (
  transferId: string,
  answerData: unknown,
  specialist: { readonly rpps: string },
) => Promise<{ readonly requestId: string; readonly answer: { readonly transferId: string } }>;

/** One document waiting in the coordinator queue « à orienter » (nobody reachable was found). */
export interface ToRouteItem {
  /** The document's own id (CDA `ClinicalDocument/id`, TXA-12, or the request's). */
  readonly documentId: string;
  /** When Passerelle received it (RFC 3339). */
  readonly receivedAt: string;
  /** LOINC document type and its title. */
  readonly typeCode: string;
  readonly title?: string;
  /** The patient's traits, only when the scope allows them (`withPatient`). */
  readonly patient?: {
    readonly family?: string;
    readonly given?: string;
    readonly birthDate?: string;
    readonly sex?: string;
  };
}

/**
 * The documents service as the HTTP adapter calls it (`receiveDocument`, `listToRoute`,
 * `assignDocument` of src/documents, bound to their dependencies when the app is wired).
 */
export interface DocumentServices {
  /** Durable and idempotent by `documentId`: a second receipt answers `duplicate: true`. */
  receive(incoming: IncomingDocument): Promise<ReceivedDocument>;
  /** The queue « à orienter », oldest first; the patient's traits only when `withPatient`. */
  toRoute(scope: { readonly actor: string; readonly withPatient: boolean }): Promise<readonly ToRouteItem[]>;
  /**
   * A coordinator's choice of recipients (RPPS of directory members) for a queued document: the
   * transfer is created (`outcome: "queued"`, routing source `coordinator`). Unknown document:
   * `NOT_FOUND`; an RPPS that is not an active member: `VALIDATION_FAILED` naming `recipients`.
   */
  assign(documentId: string, rpps: readonly string[], actor: string): Promise<ReceivedDocument>;
}

export interface ApiServices {
  readonly db: Database;
  readonly trail: AuditTrail;
  readonly clock: Clock;
  readonly forms: FormRegistry;
  readonly directory: DirectoryService;
  /** Trust anchors (PEM) for `POST /verify`. */
  readonly trustedCas: readonly string[];
  readonly tokens: TokenVerifier;
  /** Operational log (src/log): codes, ids and route templates only, never patient data. */
  readonly log: Log;
  createTransfer(input: CreateTransferInput): Promise<CreatedTransfer>;
  transferStatus(transferId: string): Promise<TransferStatus>;
  readonly answerTeleexpertise?: AnswerTeleexpertise;
  /**
   * `receiveAdtJson`, the JSON twin of the MLLP intake, with the ADT processor woken after
   * acceptance. Absent → `POST /adt/events` answers 409.
   */
  readonly receiveAdt?: (input: unknown, actor: string) => Promise<Acceptance>;
  /** The care-circle service behind the CLI and `!circle`. Absent → the circle routes answer 409. */
  readonly circles?: CircleService;
  /** Document intake and the queue « à orienter ». Absent → the document routes answer 409. */
  readonly documents?: DocumentServices;
}

/** The optional services, with the 409 each route answers when this server does not run it. */
const OPTIONAL = {
  answerTeleexpertise: [
    "tele-expertise answers are",
    "id",
    "answersDisabled",
    "answers",
    "réponses non activées",
  ],
  receiveAdt: ["the ADT feed is", "url", "adtDisabled", "ADT feed", "flux ADT non activé"],
  circles: ["care circles are", "url", "circlesDisabled", "circles", "cercles non activés"],
} as const;

/** An optional service of this server, or CONFLICT naming it (`<what> not enabled on this server`). */
export function enabled<K extends keyof typeof OPTIONAL>(
  services: ApiServices,
  key: K,
): NonNullable<ApiServices[K]> {
  const service = services[key];
  if (service !== undefined) return service;
  const [what, path, rule, en, fr] = OPTIONAL[key];
  throw new PasserelleError("CONFLICT", `${what} not enabled on this server`, {
    issues: [{ path, rule, message: { en: `${en} not enabled`, fr } }],
  });
}
