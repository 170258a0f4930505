/**
 * The CPTS directory: structures (FINESS/SIRET), members (RPPS/ADELI, Annuaire Santé profession,
 * Matrix id, Passerelle roles), the territory, look-ups, and the import of the public Annuaire
 * Santé extraction. Every change is audited in the same transaction.
 */
export { DirectoryRepository } from "./repository.ts";
export { DirectoryService } from "./service.ts";
export type { AddMemberInput } from "./service.ts";
export { addStructure, setTerritory } from "./structures.ts";
export type { AddStructureInput } from "./structures.ts";
export { importExtraction } from "./import.ts";
export type { ImportOptions, ImportReport, Rejection } from "./import.ts";
export { decodeExtraction, parseExtraction, EXTRACTION_COLUMNS, EXTRACTION_HEADER } from "./extraction.ts";
export type { Encoding, ExtractionRecord, ParsedExtraction } from "./extraction.ts";
export { PROFESSIONS, isKnownProfession } from "./professions.ts";
export { guessKind } from "./import-rows.ts";
export { ROLES, STRUCTURE_KINDS, memberAuditId, nameKey } from "./types.ts";
export type { Member, Role, Structure, StructureKind, Territory } from "./types.ts";
export { DIRECTORY_MIGRATIONS } from "./migrations.ts";
