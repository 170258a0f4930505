/**
 * The tamper-evident audit trail (ANS "Traçabilité des événements"): a typed vocabulary built by
 * one builder, an append-only hash chain over a canonical (RFC 8785-style) serialisation, signed
 * checkpoints (JWS, EdDSA/Ed25519), verification, offline-verifiable exports, and the RGPD
 * art. 15 access request by patient pseudonym. Ids and hashes only — no patient data.
 */
export { auditEvent, assertAuditEvent, AUDIT_ACTIONS, DELIVERY_STATES } from "./vocabulary.ts";
export type {
  AuditAction,
  AuditEntry,
  AuditEvent,
  AuditEventInput,
  PatientRef,
  TransferAction,
} from "./vocabulary.ts";
export { canonicalEntry, entryHash, sha256Hex, GENESIS_HASH, CANONICAL_KEYS } from "./canonical.ts";
export { AuditTrail } from "./store.ts";
export { readHead } from "./stored.ts";
export { signCheckpoint, verifyCheckpoint } from "./checkpoint.ts";
export {
  loadSigningKey,
  loadPseudonymKey,
  loadOrCreateEd25519Key,
  generateSigningKey,
  SIGNING_KEY_FILE,
  PSEUDONYM_KEY_FILE,
} from "./keys.ts";
export type { SigningKey } from "./keys.ts";
export { verifyChain, trustedKeys, GENESIS_ANCHOR } from "./verify.ts";
export type { ChainSource, VerifyReport } from "./verify.ts";
export { exportAudit, verifyExportFile } from "./export.ts";
export type { ExportFilter } from "./export.ts";
export { patientPseudonym, accessRequest } from "./access.ts";
export { openAuditTrail } from "./open.ts";
export { entriesOfTransfer } from "./by-transfer.ts";
export { queryAudit } from "./query.ts";
export { AUDIT_MIGRATIONS } from "./migrations.ts";
