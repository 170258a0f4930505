/**
 * Certification path checks for a PDF signer (RFC 5280 §6, simplified): from the signer certificate
 * through the certificates carried in the CMS to one of the caller's trust anchors, each signature
 * verified, each certificate valid at the claimed signing time, each issuer a CA
 * (basicConstraints cA, keyUsage keyCertSign when present, pathLenConstraint). Revocation is not
 * checked (PAdES B-B carries no revocation data).
 */
import { X509Certificate } from "node:crypto";
import { PasserelleError } from "../core/errors.ts";
import { basicConstraints, keyUsage, parseCertificate, type CertificateParts } from "./x509.ts";

export interface ChainIssue {
  readonly code: string;
  readonly message: string;
}

export interface Certificate {
  readonly x509: X509Certificate;
  readonly parts: CertificateParts;
}

export function loadCertificate(der: Uint8Array): Certificate {
  return { x509: new X509Certificate(der), parts: parseCertificate(der) };
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Trust anchors from PEM text (one or several certificates each) or DER; CONFIG_INVALID if unreadable. */
export function loadTrustAnchors(inputs: readonly (string | Uint8Array)[]): Certificate[] {
  const out: Certificate[] = [];
  inputs.forEach((input, i) => {
    const blocks = typeof input === "string" ? (input.match(PEM_BLOCK) ?? []) : [input];
    if (blocks.length === 0) {
      throw new PasserelleError("CONFIG_INVALID", `trustedCas[${String(i)}] holds no PEM certificate`);
    }
    for (const pemOrDer of blocks) {
      try {
        out.push(loadCertificate(new X509Certificate(pemOrDer).raw));
      } catch (cause) {
        throw new PasserelleError(
          "CONFIG_INVALID",
          `trustedCas[${String(i)}] is not a readable certificate`,
          {
            cause,
          },
        );
      }
    }
  });
  return out;
}

const MAX_DEPTH = 8;

/**
 * Checks the path from `signer` to a trust anchor. Returns the issues found; an empty list means
 * the chain is trusted at `at`.
 */
export function checkChain(
  signer: Certificate,
  intermediates: readonly Certificate[],
  anchors: readonly Certificate[],
  at: Date,
): ChainIssue[] {
  const issues: ChainIssue[] = [];
  const when = at.toISOString();
  const checkValidity = (c: Certificate, role: string): void => {
    if (at < c.x509.validFromDate) {
      issues.push({
        code: "certificate-not-yet-valid",
        message: `${role} certificate not yet valid at ${when}`,
      });
    }
    if (at > c.x509.validToDate) {
      issues.push({ code: "certificate-expired", message: `${role} certificate expired at ${when}` });
    }
  };
  const checkIssuer = (issuer: Certificate, below: number, role: string): void => {
    const bc = basicConstraints(issuer.parts);
    const ku = keyUsage(issuer.parts);
    if (!bc?.ca) {
      issues.push({ code: "issuer-not-ca", message: `${role} certificate is not a CA (basicConstraints)` });
    }
    if (ku && !ku.has("keyCertSign")) {
      issues.push({
        code: "issuer-key-usage",
        message: `${role} certificate may not sign certificates (keyUsage)`,
      });
    }
    if (bc?.pathLength !== undefined && below > bc.pathLength) {
      issues.push({ code: "path-length", message: `${role} certificate's pathLenConstraint is exceeded` });
    }
  };
  const issuedBy = (child: Certificate, issuer: Certificate): boolean => {
    try {
      return child.x509.checkIssued(issuer.x509) && child.x509.verify(issuer.x509.publicKey);
    } catch {
      return false; // unreadable key or signature
    }
  };

  const signerUsage = keyUsage(signer.parts);
  if (signerUsage && !signerUsage.has("digitalSignature") && !signerUsage.has("nonRepudiation")) {
    issues.push({
      code: "signer-key-usage",
      message: "signer certificate keyUsage allows neither digitalSignature nor nonRepudiation",
    });
  }
  checkValidity(signer, "signer");

  let current = signer;
  const used = new Set<Certificate>([signer]);
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const anchor = anchors.find((a) => issuedBy(current, a));
    if (anchor) {
      checkIssuer(anchor, depth, "trusted CA");
      checkValidity(anchor, "trusted CA");
      return issues;
    }
    const next = intermediates.find((c) => !used.has(c) && issuedBy(current, c));
    if (!next || current.x509.checkIssued(current.x509)) break;
    checkIssuer(next, depth, "intermediate CA");
    checkValidity(next, "intermediate CA");
    used.add(next);
    current = next;
  }
  issues.push({ code: "chain-untrusted", message: "no certification path to a trusted CA" });
  return issues;
}
