/**
 * Verifies the PAdES signature of a PDF (ETSI EN 319 142-1 B-B; ISO 32000-1 §12.8): integrity of
 * the signed byte ranges, the CMS SignerInfo (RFC 5652 §5.4/§5.6, RFC 5035 signing-certificate-v2),
 * coverage of the whole file, and the signer's certification path to caller-supplied trust anchors.
 *
 * Input that is not a PDF, is truncated or carries no signature raises NOT_A_PDF / PDF_UNSUPPORTED;
 * everything wrong with a signature that exists is reported as issues in the result.
 */
import { createHash } from "node:crypto";
import { systemClock, type Clock } from "../../core/clock.ts";
import { checkSignerInfo } from "./verify-cms.ts";
import { checkChain, loadTrustAnchors } from "./verify-chain.ts";
import { identity, type SignerIdentity } from "./verify-identity.ts";
import { readSignedData, type Certificate, type SignedCms } from "./verify-read.ts";
import { decodeTextString, isName, isString, parsePdfDate } from "./pdf-objects.ts";
import { locateSignatures, type LocatedSignature } from "./verify-locate.ts";

export { extractSignature } from "./verify-locate.ts";
export type { SignerIdentity } from "./verify-identity.ts";
export { extractEmbeddedFiles, type EmbeddedFile } from "./embedded-files.ts";

export interface VerifyOptions {
  /** Trust anchors: PEM text (one or more certificates) or DER bytes. */
  readonly trustedCas: readonly (string | Uint8Array)[];
  /** "Now" for signatures without /M and for the future-date check; default the system clock. */
  readonly clock?: Clock;
}

export interface VerifyIssue {
  /** Stable identifier, e.g. `digest-mismatch`, `chain-untrusted`, `not-whole-file`. */
  readonly code: string;
  /** Errors make the signature invalid; warnings do not. */
  readonly severity: "error" | "warning";
  readonly message: string;
}

export interface VerificationReport {
  /** True only when the signature is cryptographically valid, covers the whole file and the chain is trusted. */
  readonly valid: boolean;
  /** messageDigest matches the ByteRange, the signature over the signed attributes verifies, signing-certificate-v2 matches. */
  readonly signatureValid: boolean;
  /** ByteRange starts at 0, ends at EOF, and its only gap is this signature's /Contents (no later incremental update). */
  readonly byteRangeCoversWholeFile: boolean;
  /**
   * ByteRange starts at 0, its only gap is this signature's /Contents and it ends with a revision's
   * `%%EOF` (ISO 32000-1 §7.5.6): it signs a whole revision, later ones being incremental updates.
   * True for the latest signature exactly when {@link byteRangeCoversWholeFile} is.
   */
  readonly coversWholeRevision: boolean;
  /** Path to a trusted CA, all certificates valid at the signing time, issuers are CAs. */
  readonly chainTrusted: boolean;
  readonly signer: SignerIdentity | undefined;
  /** The claimed signing time (/M); PAdES B-B has no trusted time. */
  readonly signingTime: Date | undefined;
  readonly subFilter: string | undefined;
  readonly reason: string | undefined;
  readonly location: string | undefined;
  readonly byteRange: readonly number[];
  /** Signature dictionaries found; the one covering the most bytes is verified. */
  readonly signatureCount: number;
  readonly issues: readonly VerifyIssue[];
}

/** Tolerated advance of /M over the verifier's clock. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** Verifies the PDF's signature (the one covering the most bytes when there are several). */
export async function verifyPdf(pdf: Uint8Array, opts: VerifyOptions): Promise<VerificationReport> {
  const reports = await verifyPdfSignatures(pdf, opts);
  const latest = reports[reports.length - 1];
  if (!latest) throw new Error("locateSignatures returned no signature");
  return latest;
}

/**
 * Verifies every signature of the PDF, oldest revision first: the latest must cover the whole
 * file; each earlier one must cover its whole revision (the PDF up to that revision's `%%EOF`),
 * later revisions being incremental updates (ISO 32000-1 §7.5.6, §12.8.1) — e.g. a hospital's own
 * signature followed by Passerelle's seal.
 */
export async function verifyPdfSignatures(
  pdf: Uint8Array,
  opts: VerifyOptions,
): Promise<VerificationReport[]> {
  const anchors = loadTrustAnchors(opts.trustedCas);
  const now = (opts.clock ?? systemClock).now();
  const all = locateSignatures(pdf);
  const reports: VerificationReport[] = [];
  for (const [i, sig] of all.entries()) {
    reports.push(await verifyOne(pdf, sig, anchors, now, i === all.length - 1));
  }
  return reports;
}

/** Whether `pdf` up to `end` is a whole revision: it ends with `%%EOF` and an optional end of line. */
function endsRevision(pdf: Uint8Array, end: number): boolean {
  const tail = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength)
    .subarray(Math.max(0, end - 16), end)
    .toString("latin1");
  return /%%EOF[\r\n]*$/.test(tail);
}

async function verifyOne(
  pdf: Uint8Array,
  sig: LocatedSignature,
  anchors: readonly Certificate[],
  now: Date,
  latest: boolean,
): Promise<VerificationReport> {
  const issues: VerifyIssue[] = [];
  const error = (code: string, message: string): void =>
    void issues.push({ code, severity: "error", message });
  const warn = (code: string, message: string): void =>
    void issues.push({ code, severity: "warning", message });
  const text = (key: string): string | undefined => {
    const v = sig.dictionary.get(key);
    return isString(v) ? decodeTextString(v) : undefined;
  };

  const subFilterValue = sig.dictionary.get("SubFilter");
  const subFilter = isName(subFilterValue) ? subFilterValue.name : undefined;
  if (subFilter === "adbe.pkcs7.detached") {
    warn("not-pades", "SubFilter adbe.pkcs7.detached is CMS but not PAdES");
  } else if (subFilter !== "ETSI.CAdES.detached") {
    error("unsupported-subfilter", `unsupported SubFilter ${subFilter ?? "(none)"}`);
  }

  const m = text("M");
  const signingTime = m === undefined ? undefined : parsePdfDate(m);
  if (!signingTime) {
    warn("no-signing-time", "no valid /M signing time; certificates are checked at the current time");
  } else if (signingTime.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
    error("signing-time-future", "/M signing time is in the future");
  }

  const [b0 = -1, b1 = -1, b2 = -1, b3 = -1] = sig.byteRange;
  const onlyGapIsContents = b0 === 0 && b1 === sig.contents.start && b2 === sig.contents.end;
  const byteRangeCoversWholeFile = onlyGapIsContents && b2 + b3 === pdf.length;
  const coversWholeRevision =
    onlyGapIsContents && b2 + b3 <= pdf.length && (b2 + b3 === pdf.length || endsRevision(pdf, b2 + b3));
  if (!latest) {
    if (!coversWholeRevision) {
      error(
        "not-whole-revision",
        "the ByteRange does not cover exactly a whole revision minus the signature",
      );
    }
  } else if (!byteRangeCoversWholeFile) {
    error(
      "not-whole-file",
      b2 + b3 < pdf.length
        ? "bytes were appended after the signed range (incremental update)"
        : "the ByteRange does not cover exactly the whole file minus the signature",
    );
  }
  const rangesInFile = b0 >= 0 && b0 + b1 <= pdf.length && b2 >= b0 + b1 && b2 + b3 <= pdf.length;
  if (!rangesInFile) error("byte-range-out-of-file", "the ByteRange points outside the file (truncated?)");

  if (sig.contents.malformed) error("contents-malformed", "the signature /Contents holds non-hex characters");
  let cms: SignedCms | undefined;
  try {
    cms = readSignedData(sig.contents.bytes);
  } catch {
    error("cms-unparsable", "the signature /Contents is not a readable CMS SignedData");
  }
  let signatureValid = false;
  let chainTrusted = false;
  let signer: SignerIdentity | undefined;
  if (cms && rangesInFile) {
    const result = checkSignerInfo(cms, (algorithm) =>
      createHash(algorithm)
        .update(pdf.subarray(b0, b0 + b1))
        .update(pdf.subarray(b2, b2 + b3))
        .digest(),
    );
    for (const issue of result.issues) issues.push(issue);
    signatureValid = result.valid;
    if (result.signerCertificate) {
      const signerCert = result.signerCertificate;
      signer = identity(signerCert);
      const chainIssues = await checkChain(signerCert, cms.certificates, anchors, signingTime ?? now);
      for (const ci of chainIssues) error(ci.code, ci.message);
      chainTrusted = chainIssues.length === 0;
    }
  }
  return {
    valid:
      signatureValid &&
      (latest ? byteRangeCoversWholeFile : coversWholeRevision) &&
      chainTrusted &&
      !issues.some((i) => i.severity === "error"),
    signatureValid,
    byteRangeCoversWholeFile,
    coversWholeRevision,
    chainTrusted,
    signer,
    signingTime,
    subFilter,
    reason: text("Reason"),
    location: text("Location"),
    byteRange: sig.byteRange,
    signatureCount: sig.count,
    issues,
  };
}
