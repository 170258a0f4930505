/**
 * Verification of a signed PDF: locates the signature dictionary and its /ByteRange
 * (ISO 32000-1 §12.8) with a minimal PDF object parser (ISO 32000-1 §7.2–7.3), checks the
 * detached CMS SignedData (RFC 5652 §5.6) as PAdES B-B requires (ETSI EN 319 142-1, CAdES
 * attributes of ETSI EN 319 122-1), the certification path to the caller's trust anchors
 * (RFC 5280 §6, simplified, no revocation), reads the signer's identity (the FINESS of the
 * subject's OU) and lists the embedded files (ISO 32000-1 §7.11). Also the object identifiers
 * and the certificate reader (asn1js, PKI.js) the signer shares.
 */
export { extractEmbeddedFiles } from "./embedded-files.ts";
export { OID } from "./oids.ts";
export { decodeTextString, dictGet, isDict, isName, isRef, isString, parseValue } from "./pdf-objects.ts";
export type { PdfDict, PdfRef, PdfValue } from "./pdf-objects.ts";
export { loadCertificate } from "./verify-read.ts";
export { verifyPdf } from "./verify.ts";
export type { VerificationReport } from "./verify.ts";
