/**
 * The signing seam (in the manner of node-signpdf's `Signer`): whatever holds the key — a PKCS#12
 * file here, an HSM or a remote signing service later — only has to expose its certificate chain
 * and sign the DER-encoded signed attributes of a CMS SignerInfo (RFC 5652 §5.4).
 */
import { X509Certificate, createPrivateKey, sign as cryptoSign, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import forge from "node-forge";
import { PasserelleError } from "../../core/errors.ts";

export interface Signer {
  /**
   * DER certificates, the signer's first, then its issuers (the root may be included). Must not
   * change after the first signature: per-signer CMS parts are cached.
   */
  readonly certificateChain: readonly Uint8Array[];
  /**
   * Signs `signedAttributes` (the DER `SET OF Attribute`) with RSASSA-PKCS1-v1_5 over SHA-256
   * (RFC 8017 §8.2) and returns the raw signature value.
   */
  sign(signedAttributes: Uint8Array): Promise<Uint8Array>;
}

const binary = (s: string): Buffer => Buffer.from(s, "binary");
const certificateDer = (c: forge.pki.Certificate): Buffer =>
  binary(forge.asn1.toDer(forge.pki.certificateToAsn1(c)).getBytes());

/**
 * A {@link Signer} backed by a PKCS#12 keystore (RFC 7292), e.g. an IGC-Santé organisation
 * certificate exported as `.p12`. The keystore is parsed once; the RSA key is kept as a native
 * `KeyObject`, so each signature costs one `crypto.sign` call (~0.7 ms for RSA-2048).
 */
export class P12Signer implements Signer {
  readonly certificateChain: readonly Buffer[];
  /** The signer's certificate, for display (subject, expiry). */
  readonly certificate: X509Certificate;
  readonly #key: KeyObject;

  private constructor(key: KeyObject, chain: readonly Buffer[], certificate: X509Certificate) {
    this.#key = key;
    this.certificateChain = chain;
    this.certificate = certificate;
  }

  /** Reads a PKCS#12 file; see {@link P12Signer.fromBuffer}. IO_ERROR when it cannot be read. */
  static async fromFile(path: string, passphrase: string): Promise<P12Signer> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (cause) {
      throw new PasserelleError("IO_ERROR", "cannot read the signing keystore file", { cause });
    }
    return P12Signer.fromBuffer(bytes, passphrase);
  }

  /**
   * Parses a PKCS#12 keystore. BAD_PASSPHRASE when the MAC or the key bag does not decrypt with
   * `passphrase`; BAD_KEYSTORE when it is not PKCS#12, holds no (RSA) key or no matching certificate.
   */
  static fromBuffer(p12: Uint8Array, passphrase: string): P12Signer {
    let pfx: forge.pkcs12.Pkcs12Pfx;
    try {
      const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(p12).toString("binary")));
      pfx = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : "";
      if (/password/i.test(message)) {
        throw new PasserelleError("BAD_PASSPHRASE", "wrong passphrase for the signing keystore", { cause });
      }
      throw new PasserelleError("BAD_KEYSTORE", "the signing keystore is not a readable PKCS#12 file", {
        cause,
      });
    }
    const bags = pfx.safeContents.flatMap((sc) => sc.safeBags);
    const keyBags = bags.filter(
      (b) => b.type === forge.pki.oids.pkcs8ShroudedKeyBag || b.type === forge.pki.oids.keyBag,
    );
    const certs = bags.flatMap((b) => (b.cert ? [b.cert] : []));
    if (keyBags.length === 0) throw new PasserelleError("BAD_KEYSTORE", "the keystore holds no private key");
    if (certs.length === 0) throw new PasserelleError("BAD_KEYSTORE", "the keystore holds no certificate");
    for (const bag of keyBags) {
      const key = bag.key;
      if (!key) continue; // non-RSA key: forge leaves it undecoded
      const leaf = certs.find((c) => {
        const pub = c.publicKey as Partial<forge.pki.rsa.PublicKey>;
        return pub.n?.equals(key.n) === true && pub.e?.equals(key.e) === true;
      });
      if (!leaf) continue;
      const keyObject = createPrivateKey({
        key: binary(
          forge.asn1.toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key))).getBytes(),
        ),
        format: "der",
        type: "pkcs8",
      });
      const chain = orderChain(leaf, certs).map(certificateDer);
      const [leafDer] = chain;
      if (!leafDer) break;
      const certificate = new X509Certificate(leafDer);
      if (!certificate.checkPrivateKey(keyObject)) break;
      return new P12Signer(keyObject, chain, certificate);
    }
    throw new PasserelleError(
      "BAD_KEYSTORE",
      keyBags.some((b) => b.key)
        ? "no certificate in the keystore matches its private key"
        : "the keystore's private key is not an RSA key",
    );
  }

  sign(signedAttributes: Uint8Array): Promise<Uint8Array> {
    return Promise.resolve(cryptoSign("sha256", signedAttributes, this.#key));
  }
}

/** The leaf, then each issuer found among `certs`, up to a self-signed one or a missing link. */
function orderChain(
  leaf: forge.pki.Certificate,
  certs: readonly forge.pki.Certificate[],
): forge.pki.Certificate[] {
  const chain = [leaf];
  for (let current = leaf; chain.length <= certs.length;) {
    if (current.isIssuer(current)) break; // self-signed
    const issuer = certs.find((c) => !chain.includes(c) && c.issued(current));
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain;
}
