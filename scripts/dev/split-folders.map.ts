/**
 * The mapping table of `split-folders.ts`: which responsibility folder each file of `src/pdf` and
 * `src/transfers` (and its unit tests under `test/unit/pdf`, `test/unit/transfers`) belongs to, and
 * the doc comment of each folder's generated `index.ts`.
 *
 * Entries are file names at the top level of the module (`render.ts`), or a directory name with a
 * trailing slash (`seal/`) to move a whole directory into the folder. `topLevel` lists the files
 * that stay at the top level of the module (shared test helpers, a module-wide pipeline). A file at
 * the top level that no line covers makes the script fail and name it: add a line here.
 * Doc texts are written as they appear in the index, one string per line.
 */

/** One responsibility folder: `src/<module>/<name>/` and its tests `test/unit/<module>/<name>/`. */
export interface FolderMap {
  readonly doc: readonly string[];
  readonly files: readonly string[];
  readonly tests: readonly string[];
}

export interface ModuleMap {
  /** `pdf` → `src/pdf`, `test/unit/pdf`. */
  readonly module: string;
  /** The doc comment of the module's top-level `index.ts`. */
  readonly doc: readonly string[];
  readonly folders: Readonly<Record<string, FolderMap>>;
  readonly topLevel: { readonly files: readonly string[]; readonly tests: readonly string[] };
}

export interface Mapping {
  readonly modules: readonly ModuleMap[];
  /**
   * Files under these prefixes may keep deep imports into a module (their paths are still
   * rewritten): the web app's browser bundle must not pull a module's index and its server code.
   */
  readonly deepImportsAllowed: readonly string[];
}

const pdf: ModuleMap = {
  module: "pdf",
  doc: [
    "PDF liaison sheets: rendering (pdfkit, PDF/A-3b with the structured data and the CDA R2 document",
    "as associated files), PAdES B-B signing (ETSI EN 319 142-1; CMS per RFC 5652 with",
    "signing-certificate-v2, RFC 5035) and verification. Folders: `render/`, `sign/`, `verify/`,",
    "`sheet/` (the pipeline that renders and signs a validated sheet).",
  ],
  folders: {
    render: {
      doc: [
        "Drawing a liaison sheet as a PDF/A-3b document (ISO 19005-3 on ISO 32000-1) with pdfkit: the",
        "pages laid out from the form definition, the structured data (JSON) and any other associated",
        "file embedded with its relationship (ISO 19005-3 Annex E, /AF). The fonts are parsed once per",
        "process and shared through pdfkit's public font registration.",
      ],
      files: ["render.ts", "render-fields.ts", "fonts.ts", "format.ts", "layout.ts"],
      tests: ["render.test.ts", "fonts.test.ts", "format.test.ts"],
    },
    sign: {
      doc: [
        "PAdES baseline B-B signing (ETSI EN 319 142-1, SubFilter ETSI.CAdES.detached): the signature",
        "placeholder (ISO 32000-1 §12.8), the detached CMS SignedData (RFC 5652 §5) with exactly the",
        "content-type, message-digest and signing-certificate-v2 (RFC 5035) signed attributes, written",
        "with a small DER writer (ITU-T X.690); the `Signer` seam and its PKCS#12 implementation",
        "(RFC 7292); a throw-away development PKI. Certificates are read with the verifier's reader",
        "(`verify/`), so the SignerInfo names its certificate byte for byte as a verifier reads it.",
      ],
      files: ["sign.ts", "placeholder.ts", "cms.ts", "der.ts", "signer.ts", "load-signer.ts", "dev-pki.ts"],
      tests: ["sign.test.ts", "sign-placeholder.test.ts", "sign-signer.test.ts"],
    },
    verify: {
      doc: [
        "Verification of a signed PDF: locates the signature dictionary and its /ByteRange",
        "(ISO 32000-1 §12.8) with a minimal PDF object parser (ISO 32000-1 §7.2–7.3), checks the",
        "detached CMS SignedData (RFC 5652 §5.6) as PAdES B-B requires (ETSI EN 319 142-1, CAdES",
        "attributes of ETSI EN 319 122-1), the certification path to the caller's trust anchors",
        "(RFC 5280 §6, simplified, no revocation), reads the signer's identity (the FINESS of the",
        "subject's OU) and lists the embedded files (ISO 32000-1 §7.11). Also the object identifiers",
        "and the certificate reader (asn1js, PKI.js) the signer shares.",
      ],
      files: [
        "verify.ts",
        "verify-chain.ts",
        "verify-cms.ts",
        "verify-identity.ts",
        "verify-locate.ts",
        "verify-read.ts",
        "oids.ts",
        "pdf-objects.ts",
        "embedded-files.ts",
      ],
      tests: [
        "verify.test.ts",
        "verify-identity.test.ts",
        "verify-parsing.test.ts",
        "verify-variants.test.ts",
        "verify-variants.ts",
      ],
    },
    sheet: {
      doc: [
        "The signed-sheet pipeline behind `sheet sign`, the transfers and the benchmarks: renders a",
        "validated sheet, embeds its CI-SIS CDA R2 document as a PDF/A-3 associated file (relationship",
        "Alternative, ISO 19005-3 Annex E) for the structured models (LDL-SES, LDL-EES, TLM-DA), then",
        "signs it PAdES B-B (ETSI EN 319 142-1).",
      ],
      files: ["sheet.ts"],
      tests: ["sheet-cda.test.ts", "sheet-pool.test.ts"],
    },
  },
  topLevel: { files: ["seal/", "cda-render/", "pool/"], tests: ["sign-fixtures.ts", "seal/", "cda-render/"] },
};

const transfers: ModuleMap = {
  module: "transfers",
  doc: [
    "Transfers: a signed sheet's hand-off from creation to acknowledgement. `intake/` validates, signs",
    "and queues (one transaction with its audit entries); `outbox/` delivers through a",
    "`SheetTransport` with leases, idempotent sends, backoff and restart safety, into the room of the",
    "transfer's context (`rooms/`); `evidence/` records delivery, reads and acknowledgements;",
    "`escalation/` re-notifies overdue sheets and tells the coordinators; `teleexpertise/` returns a",
    "signed answer in the request's room; `commands/` handles `!answer` and `!renvoyer`; `query/` is",
    "the read side; `record/` the stored transfer they share. This module never imports",
    "matrix-js-sdk (types only).",
  ],
  folders: {
    record: {
      doc: [
        "The transfer record every step shares: its states (forward only) and types, the transfers",
        "tables (engine-agnostic knex on a database or a transaction), the short human reference (kind",
        "prefix and Crockford Base32 with a check symbol) and the French names of the sheet kinds.",
      ],
      files: ["types.ts", "repository.ts", "reference.ts", "kinds.ts", "migrations.ts"],
      tests: [],
    },
    rooms: {
      doc: [
        "Room mapping: one end-to-end-encrypted, invite-only Matrix room per transfer context (patient",
        "pseudonym, sending unit, recipient set), looked up in `transfer_rooms` or created through the",
        "`SheetTransport` with the recipients invited; creations of one context are serialised.",
      ],
      files: ["context.ts", "rooms.ts"],
      tests: [],
    },
    intake: {
      doc: [
        "Creating a transfer, the one entry point of the CLI, the HTTP API and the HL7 feed: validates",
        "the sheet against its form, resolves the recipients in the directory (professionals by RPPS, a",
        "hospital unit by structure id or FINESS, under the trust policy), sets a tele-expertise",
        "request's answer deadline (end of day, Europe/Paris), renders and signs the PDF (PAdES B-B),",
        "then stores the transfer, its recipients, the outbox state `queued` and the audit entries in",
        "one transaction. A refusal is audited (`transfer.failed`) and nothing is stored.",
      ],
      files: ["create.ts", "recipients.ts", "refusal.ts", "deadline.ts"],
      tests: ["workflow.test.ts"],
    },
    outbox: {
      doc: [
        "The durable outbox: claims due transfers and re-sends with a lease (PostgreSQL `for update",
        "skip locked`, sqlite one conditional update; every write fenced by the lease token), keeps the",
        "sheets of a room in queue order, builds each message (caption and file name of an `m.file`,",
        "rich replies, Matrix client-server API §11.19), sends idempotently through the",
        "`SheetTransport` (transaction ids derived from the transfer) and records `sent`, a retry with",
        "backoff, or `failed`.",
      ],
      files: [
        "worker.ts",
        "claim.ts",
        "lanes.ts",
        "outcome.ts",
        "outgoing.ts",
        "caption.ts",
        "resend-outbox.ts",
      ],
      tests: ["concurrency.test.ts", "lanes.test.ts", "caption.test.ts"],
    },
    evidence: {
      doc: [
        "Inbound evidence from the rooms: the hub's own sheet echo (`delivered`, client-server API",
        "§7.6.1), read receipts (weak proof), acknowledgements (an encrypted `!ack` or ✅ from a device",
        "tied to the recipient, client-server API §11.12) and unproven ones (weak signal, answered in",
        "the room). Each piece is claimed durably (`matrix_evidence`) in the transaction that records",
        "and audits it, so a replay records nothing twice; `evidenceCatchUp` says which rooms to",
        "replay after a restart.",
      ],
      files: ["receipts.ts", "echo.ts", "evidence-store.ts", "inbound-evidence.ts", "unproven-ack.ts"],
      tests: ["evidence.test.ts"],
    },
    escalation: {
      doc: [
        "Escalation: sent transfers not acknowledged in time (24 h for discharge letters, 72 h",
        "otherwise, from `sent_at`) and tele-expertise requests not answered by their deadline get a",
        "French reminder in their room, as a reply to the sheet, and a notice to every CPTS coordinator",
        "in an encrypted room of their own; idempotent transaction ids, escalated again only after",
        "another full delay. The texts carry the short reference and the delay, no patient data.",
      ],
      files: ["escalation.ts", "overdue.ts", "reminders.ts"],
      tests: ["escalation.test.ts"],
    },
    teleexpertise: {
      doc: [
        "Tele-expertise answers (avenant 9 à la convention médicale, acte TLE): the requested",
        "specialist's answer is completed from the request and the directory, validated as",
        "`teleexpertise-answer@1`, signed and queued in the request's room, and the request marked",
        "answered, in one transaction. Also the parser of the `!answer` room message.",
      ],
      files: ["teleexpertise.ts", "answer-command.ts"],
      tests: ["teleexpertise.test.ts"],
    },
    commands: {
      doc: [
        "Room commands addressed to the hub beyond acknowledgements: `!answer` (a tele-expertise",
        "answer, through the same service function as the HTTP API) and `!renvoyer` (a recipient's",
        "request to send a sheet again, queued as a re-send the outbox delivers), each answered in the",
        "room with a short French notice that names fields, never what was written.",
      ],
      files: ["room-commands.ts", "resend.ts"],
      tests: ["resend.test.ts"],
    },
    query: {
      doc: [
        "The read side: transfer lists by the reader's scope (coordinator, recipient, sender) with",
        "filters and keyset pagination, a transfer's status and history, the coordinator's dashboard",
        "figures (HAS indicator: discharge letters sent on the day of discharge), the patients of a",
        "follow-up list, and the CI-SIS CDA R2 document of a stored transfer.",
      ],
      files: ["query.ts", "status.ts", "stats.ts", "patient-summary.ts", "cda.ts"],
      tests: [],
    },
  },
  topLevel: { files: [], tests: ["recording-transport.ts"] },
};

export const MAPPING: Mapping = {
  modules: [pdf, transfers],
  deepImportsAllowed: ["src/web/client/"],
};
