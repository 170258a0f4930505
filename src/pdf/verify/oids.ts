/** Object identifiers used by the PAdES signer and verifier (RFC 5652, RFC 5035, RFC 5280, RFC 8017). */
export const OID = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingTime: "1.2.840.113549.1.9.5",
  /** RFC 2634 ESS signing-certificate (SHA-1 ESSCertID). */
  signingCertificate: "1.2.840.113549.1.9.16.2.12",
  /** RFC 5035 ESS signing-certificate-v2 (ESSCertIDv2). */
  signingCertificateV2: "1.2.840.113549.1.9.16.2.47",
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",
  rsaEncryption: "1.2.840.113549.1.1.1",
  sha256WithRSAEncryption: "1.2.840.113549.1.1.11",
  sha384WithRSAEncryption: "1.2.840.113549.1.1.12",
  sha512WithRSAEncryption: "1.2.840.113549.1.1.13",
  rsassaPss: "1.2.840.113549.1.1.10",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  ecdsaWithSha512: "1.2.840.10045.4.3.4",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
} as const;

/** Node digest name of a digest algorithm OID, or undefined when unsupported. */
export function digestName(oid: string): "sha1" | "sha256" | "sha384" | "sha512" | undefined {
  switch (oid) {
    case OID.sha1:
      return "sha1";
    case OID.sha256:
      return "sha256";
    case OID.sha384:
      return "sha384";
    case OID.sha512:
      return "sha512";
    default:
      return undefined;
  }
}

/** Short names of the X.520 attribute types that appear in signer subjects. */
export const NAME_ATTRIBUTES: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.4": "SN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.12": "title",
  "2.5.4.42": "GN",
  "2.5.4.97": "organizationIdentifier",
  "1.2.840.113549.1.9.1": "emailAddress",
};
