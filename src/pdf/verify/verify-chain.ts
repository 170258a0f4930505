/**
 * Certification path checks for a PDF signer (RFC 5280 §6, simplified): from the signer certificate
 * through the certificates carried in the CMS to one of the caller's trust anchors, each certificate
 * valid at the claimed signing time, each issuer a CA (basicConstraints cA, pathLenConstraint).
 * Revocation is not checked (PAdES B-B carries no revocation data).
 *
 * Certificates are read by PKI.js; each link of the path is found by PKI.js's issuer search
 * (`CertificateChainValidationEngine.defaultFindIssuer`: issuer name, authority/subject key
 * identifiers, and the certificate's signature verified with the issuer's key). The walk itself is
 * bounded here, so certificates that certify each other cannot make it loop.
 */
import * as asn1js from "asn1js";
import {
  BasicConstraints,
  CertificateChainValidationEngine,
  type Certificate as PkiCertificate,
} from "pkijs";
import { PasserelleError } from "../../core/errors.ts";
import { OID } from "./oids.ts";
import { loadCertificate, type Certificate } from "./verify-read.ts";

export interface ChainIssue {
  readonly code: string;
  readonly message: string;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/g;

/** The anchors last read, by input: a service verifies every PDF against the same few. */
const anchorCache = new Map<string, Certificate[]>();

/** Trust anchors from PEM text (one or several certificates each) or DER; CONFIG_INVALID if unreadable. */
export function loadTrustAnchors(inputs: readonly (string | Uint8Array)[]): Certificate[] {
  return inputs.flatMap((input, i) => {
    if (typeof input !== "string") return readAnchors(input, i);
    const cached = anchorCache.get(input);
    if (cached) return cached;
    const read = readAnchors(input, i);
    if (anchorCache.size >= 32) anchorCache.clear();
    anchorCache.set(input, read);
    return read;
  });
}

function readAnchors(input: string | Uint8Array, i: number): Certificate[] {
  const blocks =
    typeof input === "string"
      ? [...input.matchAll(PEM_BLOCK)].map((m) => Buffer.from((m[1] ?? "").replace(/\s/g, ""), "base64"))
      : [input];
  if (blocks.length === 0) {
    throw new PasserelleError("CONFIG_INVALID", `trustedCas[${String(i)}] holds no PEM certificate`);
  }
  return blocks.map((der) => {
    try {
      return loadCertificate(der);
    } catch (cause) {
      throw new PasserelleError("CONFIG_INVALID", `trustedCas[${String(i)}] is not a readable certificate`, {
        cause,
      });
    }
  });
}

function extension(c: PkiCertificate, id: string): unknown {
  const parsed: unknown = c.extensions?.find((e) => e.extnID === id)?.parsedValue;
  return parsed && !(typeof parsed === "object" && "parsingError" in parsed) ? parsed : undefined;
}

const present = (c: PkiCertificate, id: string): boolean =>
  c.extensions?.some((e) => e.extnID === id) ?? false;

/** basicConstraints (RFC 5280 §4.2.1.9); an unreadable one counts as absent (not a CA). */
function basicConstraints(c: PkiCertificate): { ca: boolean; pathLength: number | undefined } | undefined {
  const bc = extension(c, OID.basicConstraints);
  if (!(bc instanceof BasicConstraints)) return undefined;
  const len = bc.pathLenConstraint;
  const pathLength = len instanceof asn1js.Integer ? len.valueBlock.valueDec : len;
  return { ca: bc.cA, pathLength: Number.isSafeInteger(pathLength) ? pathLength : undefined };
}

const KEY_USAGE_BITS = { digitalSignature: 0, nonRepudiation: 1, keyCertSign: 5 } as const;

/** Whether a keyUsage bit (RFC 5280 §4.2.1.3) is set; true when the extension is absent, false when it is unreadable. */
function allows(c: PkiCertificate, usage: keyof typeof KEY_USAGE_BITS): boolean {
  if (!present(c, OID.keyUsage)) return true;
  const bits = extension(c, OID.keyUsage);
  if (!(bits instanceof asn1js.BitString)) return false;
  const bit = KEY_USAGE_BITS[usage];
  return ((bits.valueBlock.valueHexView[bit >> 3] ?? 0) & (0x80 >> (bit % 8))) !== 0;
}

const MAX_DEPTH = 8;

/**
 * The certificates of `pool` that issued `child`, by PKI.js's issuer search. Each candidate is
 * searched on its own, so that a malformed certificate (the search throws on some) only rules
 * itself out. As OpenSSL's X509_check_issued, a certificate whose keyUsage excludes keyCertSign
 * issues nothing.
 */
async function issuersOf(child: Certificate, pool: readonly Certificate[]): Promise<Certificate[]> {
  const out: Certificate[] = [];
  for (const candidate of pool) {
    if (!allows(candidate.cert, "keyCertSign")) continue;
    const engine = new CertificateChainValidationEngine({ certs: [candidate.cert] });
    const found = await engine.defaultFindIssuer(child.cert, engine).catch(() => []);
    // For a self-signed child the search answers the child itself: compare what was signed.
    if (found.some((f) => Buffer.from(f.tbsView).equals(candidate.cert.tbsView))) out.push(candidate);
  }
  return out;
}

/**
 * Checks the path from `signer` to a trust anchor. Returns the issues found; an empty list means
 * the chain is trusted at `at`.
 */
export async function checkChain(
  signer: Certificate,
  intermediates: readonly Certificate[],
  anchors: readonly Certificate[],
  at: Date,
): Promise<ChainIssue[]> {
  const issues: ChainIssue[] = [];
  const when = at.toISOString();
  const checkValidity = (c: Certificate, role: string): void => {
    if (at < c.cert.notBefore.value) {
      issues.push({
        code: "certificate-not-yet-valid",
        message: `${role} certificate not yet valid at ${when}`,
      });
    }
    if (at > c.cert.notAfter.value) {
      issues.push({ code: "certificate-expired", message: `${role} certificate expired at ${when}` });
    }
  };
  const checkIssuer = (issuer: Certificate, below: number, role: string): void => {
    const bc = basicConstraints(issuer.cert);
    if (!bc?.ca)
      issues.push({ code: "issuer-not-ca", message: `${role} certificate is not a CA (basicConstraints)` });
    if (bc?.pathLength !== undefined && below > bc.pathLength) {
      issues.push({ code: "path-length", message: `${role} certificate's pathLenConstraint is exceeded` });
    }
  };

  if (!allows(signer.cert, "digitalSignature") && !allows(signer.cert, "nonRepudiation")) {
    issues.push({
      code: "signer-key-usage",
      message: "signer certificate keyUsage allows neither digitalSignature nor nonRepudiation",
    });
  }
  checkValidity(signer, "signer");

  let current = signer;
  const used = new Set<Certificate>([signer]);
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const [anchor] = await issuersOf(current, anchors);
    if (anchor) {
      checkIssuer(anchor, depth, "trusted CA");
      checkValidity(anchor, "trusted CA");
      return issues;
    }
    const [next] = await issuersOf(
      current,
      intermediates.filter((c) => !used.has(c)),
    );
    if (!next) break;
    checkIssuer(next, depth, "intermediate CA");
    checkValidity(next, "intermediate CA");
    used.add(next);
    current = next;
  }
  issues.push({ code: "chain-untrusted", message: "no certification path to a trusted CA" });
  return issues;
}
