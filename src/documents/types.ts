/**
 * The hospital's own documents coming in (CI-SIS « Transmission de document(s) CDA en HL7v2 »
 * MDM^T02 / MDM^T10 / ORU^R01, `POST /api/v1/documents`, `document send`): what every channel hands
 * to the one intake service, and what routing decides. Channels parse their format into an
 * {@link IncomingDocument}; the documents service stores it byte for byte, routes it and queues a
 * transfer through the outbox.
 */

/** The channel a document came by. */
export type DocumentChannel = "mllp" | "http" | "cli";

/**
 * Where a recipient came from, in routing order: the message (HL7 PRT participation `RCT`, or the
 * API/CLI request's explicit recipients), the document (CDA `informationRecipient`, participants with
 * an RPPS), the stay (the ADT feed's ROL physician for the visit number), the patient's care circle,
 * or a coordinator's choice from the queue « à orienter ».
 */
export type RoutingSource = "message" | "document" | "stay" | "circle" | "coordinator";

/** A recipient named by the message or the request (never an organisation id). */
export interface RecipientHint {
  /** RPPS (11 digits), from the national id `8` + RPPS under OID 1.2.250.1.71.4.2.1. */
  readonly rpps?: string;
  /** MSSanté address (kept for the MSSanté rail). */
  readonly mssante?: string;
}

/**
 * The volet's metadata OBX segments (and their API equivalents): `MASQUE_PS` (masked to
 * professionals), `ACK_RECEPTION` and `ACK_LECTURE_MSS` (acknowledgements asked for),
 * `CORPSMAIL_PS` (the message body for professionals). MSSanté-only flags are kept as they came
 * (`DESTMAIL_PATIENT`, `INVISIBLE_PATIENT`, …) for the MSSanté rail.
 */
export interface DocumentFlags {
  readonly maskedToProfessionals: boolean;
  readonly ackReception: boolean;
  readonly ackReading: boolean;
  readonly bodyForProfessionals?: string;
  readonly mssante: Readonly<Record<string, string>>;
}

export const NO_FLAGS: DocumentFlags = {
  maskedToProfessionals: false,
  ackReception: false,
  ackReading: false,
  mssante: {},
};

/** The document itself, byte for byte as the hospital sent it. */
export type DocumentContent =
  { readonly kind: "cda"; readonly cda: Uint8Array } | { readonly kind: "pdf"; readonly pdf: Uint8Array };

/** Identity of the patient as the message or request gave it (the CDA's own header is read too). */
export interface IncomingPatient {
  /** INS (15 characters, key checked) and its OID (1.2.250.1.213.1.4.8 INS-NIR, .9 INS-NIA). */
  readonly ins: string;
  readonly insOid: string;
  readonly family?: string;
  readonly given?: string;
  /** `YYYY-MM-DD`. */
  readonly birthDate?: string;
  /** `F`, `M`, `U`. */
  readonly sex?: string;
}

/** A document as a channel hands it to the documents service. */
export interface IncomingDocument {
  readonly channel: DocumentChannel;
  /**
   * The document's own unique id, the idempotency key: the CDA `ClinicalDocument/id` as
   * `root^extension` (or `root`), else TXA-12 (unique document number), else the request's id.
   */
  readonly documentId: string;
  /** CDA `setId` and `versionNumber` (version chains; the ANS's examples often carry none). */
  readonly setId?: string;
  readonly versionNumber?: number;
  /** The id of the document this one replaces: CDA relatedDocument RPLC, TXA-13, or MDM^T10. */
  readonly replaces?: string;
  /** A withdrawal / cancellation of `replaces` (delivered with its own title). */
  readonly cancellation?: boolean;
  /** LOINC document type (e.g. 11490-0 lettre de liaison à la sortie) and title. */
  readonly typeCode: string;
  readonly title?: string;
  readonly patient: IncomingPatient;
  /** PV1-19 visit number (or the CDA encounter id): links the document to its ADT stay. */
  readonly visitNumber?: string;
  /** The author's RPPS, when known. */
  readonly authorRpps?: string;
  /** Recipients named by the message (PRT RCT) or the request (`--to`, API `recipients`). */
  readonly recipients: readonly RecipientHint[];
  readonly flags: DocumentFlags;
  readonly content: DocumentContent;
  /** The channel's own reference (MSH-10 control id, HTTP request id): audit only. */
  readonly channelRef?: string;
}

/** One recipient chosen by routing, with why. */
export interface RoutedRecipient {
  readonly rpps: string;
  readonly source: RoutingSource;
  /** Short reason code, e.g. `prt.rct`, `cda.informationRecipient`, `adt.rol.attending`, `circle.member`. */
  readonly reason: string;
}

/** What happened to a document received: a transfer queued, or waiting in the coordinator queue. */
export interface ReceivedDocument {
  readonly documentId: string;
  /** True when this document id had already been received: nothing new was sent. */
  readonly duplicate: boolean;
  readonly transferId?: string;
  /** `queued` (a transfer exists), `to_route` (waiting « à orienter »), `masked` (delivered to no professional). */
  readonly outcome: "queued" | "to_route" | "masked";
  readonly routing: readonly RoutedRecipient[];
}
