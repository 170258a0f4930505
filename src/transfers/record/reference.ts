/**
 * The short human reference of a transfer, e.g. `LDL-7K3Q-2FX`: what people read, say on the phone
 * and type; the transfer's UUID stays the identifier of the APIs.
 *
 * A kind prefix (`LDL` lettre de liaison de sortie, `FLE` fiche de liaison d’entrée, `DTE` / `RTE`
 * demande / réponse de téléexpertise, `AVH` / `AVS` avis d’hospitalisation / de sortie, `DOC` a hospital's own document, `FDL` any
 * other), then six symbols of Douglas Crockford's Base32 alphabet (https://www.crockford.com/base32.html:
 * digits and letters without I, L, O, U) taken from the SHA-256 of the UUID (30 bits), then one
 * check symbol. The check is Σ (i + 1) × vᵢ mod 31 over the six values — a prime modulus, so any
 * single substituted symbol and any swap of two neighbours changes it (Crockford's own mod-37
 * check needs five extra symbols, `*~$=U`, awkward to dictate). Decoding is lenient as Crockford
 * specifies: lower case, `O` for 0, `I`/`L` for 1, and hyphens are accepted.
 */
import { createHash } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

const PREFIXES: Readonly<Record<string, string>> = {
  discharge: "LDL",
  admission: "FLE",
  "teleexpertise-request": "DTE",
  "teleexpertise-answer": "RTE",
  "admission-notice": "AVH",
  "discharge-notice": "AVS",
  document: "DOC",
};

/** The reference's prefix for a sheet kind. */
export function referencePrefix(kind: string): string {
  return PREFIXES[kind] ?? "FDL";
}

function check(values: readonly number[]): number {
  return values.reduce((s, v, i) => s + (i + 1) * v, 0) % 31;
}

/** The short reference of transfer `transferId`, of kind `kind` (deterministic). */
export function transferReference(kind: string, transferId: string): string {
  const h = createHash("sha256").update(`passerelle/reference/v1\n${transferId}`).digest();
  const bits = h.readUInt32BE(0) >>> 2; // 30 bits
  const values = Array.from({ length: 6 }, (_, i) => (bits >>> (25 - 5 * i)) & 31);
  const symbols = [...values, check(values)].map((v) => ALPHABET[v] ?? "0").join("");
  return `${referencePrefix(kind)}-${symbols.slice(0, 4)}-${symbols.slice(4)}`;
}

/**
 * Normalises a reference as typed by a person (case, hyphens, O/I/L confusions); `undefined` when
 * it is not a well-formed reference or its check symbol does not match.
 */
export function parseReference(text: string): string | undefined {
  const m = /^([A-Za-z]{3})-?([0-9A-Za-z-]{7,9})$/.exec(text.trim());
  if (!m) return undefined;
  const body = (m[2] ?? "").replace(/-/g, "").toUpperCase().replace(/O/g, "0").replace(/[IL]/g, "1");
  if (body.length !== 7) return undefined;
  const values = Array.from({ length: body.length }, (_, i) => ALPHABET.indexOf(body.charAt(i)));
  if (values.some((v) => v < 0)) return undefined;
  if (check(values.slice(0, 6)) !== values[6]) return undefined;
  return `${(m[1] ?? "").toUpperCase()}-${body.slice(0, 4)}-${body.slice(4)}`;
}
