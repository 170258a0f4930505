/**
 * A FHIR R4 document received as `application/fhir+json` → {@link IncomingDocument}: a
 * `DocumentReference` (FHIR R4 §2.42 / IHE MHD) or a `Bundle` of type `document` (FHIR R4 §3.3:
 * the Composition first, then a Binary or a DocumentReference holding the document). French
 * identifiers as FR Core names them: the INS under urn:oid:1.2.250.1.213.1.4.8 (NIA .9, test .10,
 * demonstration .11), the IdNatPS (`8` + RPPS) under urn:oid:1.2.250.1.71.4.2.1, the type a LOINC
 * coding. The document itself is a PDF or a CDA R2 in base64; a CDA's own header is then
 * authoritative (document id, patient), and its INS must be the one the resource names.
 * Refusals name the element (`DocumentReference.subject.identifier`…), never its value.
 */
import { createHash } from "node:crypto";
import type { IncomingDocument, IncomingPatient } from "../../documents/index.ts";
import { NO_FLAGS } from "../../documents/index.ts";
import { PasserelleError } from "../../core/index.ts";
import { SYSTEM } from "../../fhir/index.ts";
import type { FormRegistry } from "../../forms/index.ts";
import { checkIdentifier } from "../../forms/index.ts";
import { checkBody } from "../validate.ts";
import { incomingFromCda } from "./cda.ts";
import { isPdf, parseUtf8Json, refuse } from "./issues.ts";

type Json = Readonly<Record<string, unknown>>;
const rec = (v: unknown): Json | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v : undefined);

/** The INS authorities (référentiel INS) as FHIR systems. */
const INS_SYSTEMS = ["8", "9", "10", "11"].map((n) => `urn:oid:1.2.250.1.213.1.4.${n}`);
const CDA_TYPES = ["application/hl7-cda+xml", "application/xml", "text/xml"];

/** What both resource shapes give, before the document's bytes are read. */
interface Found {
  readonly documentId?: string;
  readonly typeCode: string;
  readonly title?: string;
  readonly patient: IncomingPatient;
  readonly authorRpps?: string;
  readonly replaces?: string;
  readonly attachment: { readonly contentType: string; readonly data: string; readonly path: string };
}

/** An INS identifier (system and key checked) → INS and OID. */
function insOf(id: Json | undefined, path: string): { ins: string; insOid: string } {
  const system = str(id?.system);
  const value = str(id?.value)?.replace(/\s/g, "").toUpperCase();
  if (system === undefined || !INS_SYSTEMS.includes(system) || value === undefined) {
    throw refuse(
      path,
      "ins",
      "an INS identifier (urn:oid:1.2.250.1.213.1.4.8 or .9) is required",
      "un identifiant INS (urn:oid:1.2.250.1.213.1.4.8 ou .9) est requis",
    );
  }
  const check = checkIdentifier("ins", value);
  if (!check.ok) throw refuse(`${path}.value`, `ins.${check.reason}`, "not a valid INS", "INS non valide");
  return { ins: value, insOid: system.slice("urn:oid:".length) };
}

/** INS traits from a Patient resource: official (else first) name, birth date, gender. */
function traitsOf(p: Json | undefined): Omit<IncomingPatient, "ins" | "insOid"> {
  if (p === undefined) return {};
  const names = arr(p.name)
    .map(rec)
    .filter((n): n is Json => n !== undefined);
  const name = names.find((n) => n.use === "official") ?? names[0];
  const family = str(name?.family);
  const given = arr(name?.given)
    .map(str)
    .filter((g): g is string => g !== undefined)
    .join(" ");
  const birthDate = str(p.birthDate);
  const sex = { female: "F", male: "M" }[String(p.gender)] ?? (p.gender === undefined ? undefined : "U");
  return {
    ...(family === undefined ? {} : { family }),
    ...(given === "" ? {} : { given }),
    ...(birthDate === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate) ? {} : { birthDate }),
    ...(sex === undefined ? {} : { sex }),
  };
}

/** The LOINC coding of a CodeableConcept. */
function loincOf(cc: Json | undefined, path: string): string {
  const c = arr(cc?.coding)
    .map(rec)
    .find((x) => x?.system === SYSTEM.loinc && str(x.code) !== undefined);
  const code = str(c?.code);
  if (code === undefined || !/^[0-9]{1,7}-[0-9]$/.test(code)) {
    throw refuse(
      `${path}.coding`,
      "loinc",
      "a LOINC coding (http://loinc.org) is required",
      "un code LOINC (http://loinc.org) est requis",
    );
  }
  return code;
}

/** An IdNatPS identifier `8` + RPPS → the RPPS. */
const rppsOf = (id: Json | undefined): string | undefined => {
  const v = str(id?.value);
  return id?.system === SYSTEM.idNatPs && v !== undefined && /^8[0-9]{11}$/.test(v) ? v.slice(1) : undefined;
};

/** A checked resource; schema issues get the resource type as prefix (`DocumentReference.subject`). */
function checked(
  forms: FormRegistry,
  json: unknown,
  schema: "FhirDocumentReference" | "FhirDocumentBundle",
  rt: string,
): Json {
  try {
    return checkBody(forms, json, schema);
  } catch (e) {
    if (!(e instanceof PasserelleError)) throw e;
    const issues = e.issues.map((i) => ({ ...i, path: i.path === "body" ? rt : `${rt}.${i.path}` }));
    throw new PasserelleError(e.code, `invalid ${rt}: ${issues.map((i) => i.path).join(", ")}`, { issues });
  }
}

function fromDocumentReference(dr: Json): Found {
  const subject = rec(dr.subject);
  const contained = arr(dr.contained)
    .map(rec)
    .filter((r) => r?.resourceType === "Patient");
  const local = str(subject?.reference)?.replace(/^#/, "");
  const patient =
    contained.find((p) => p?.id === local) ?? (contained.length === 1 ? contained[0] : undefined);
  const replaces = arr(dr.relatesTo)
    .map(rec)
    .find((r) => r?.code === "replaces");
  const attachment = rec(rec(arr(dr.content)[0])?.attachment);
  const authorRpps = arr(dr.author)
    .map((a) => rppsOf(rec(rec(a)?.identifier)))
    .find((r) => r !== undefined);
  const documentId = str(rec(dr.masterIdentifier)?.value);
  const replacesId = str(rec(rec(replaces?.target)?.identifier)?.value);
  const title = str(attachment?.title) ?? str(dr.description);
  return {
    ...(documentId === undefined ? {} : { documentId }),
    typeCode: loincOf(rec(dr.type), "DocumentReference.type"),
    ...(title === undefined ? {} : { title }),
    patient: {
      ...insOf(rec(subject?.identifier), "DocumentReference.subject.identifier"),
      ...traitsOf(patient),
    },
    ...(authorRpps === undefined ? {} : { authorRpps }),
    ...(replacesId === undefined ? {} : { replaces: replacesId }),
    attachment: {
      contentType: String(attachment?.contentType),
      data: String(attachment?.data),
      path: "DocumentReference.content.0.attachment",
    },
  };
}

function fromBundle(b: Json): Found {
  const entries = arr(b.entry)
    .map(rec)
    .filter((e): e is Json => e !== undefined);
  const resources = entries.map((e) => rec(e.resource) ?? {});
  const composition = resources[0];
  if (composition?.resourceType !== "Composition") {
    throw refuse(
      "Bundle.entry.0.resource",
      "composition",
      "a document Bundle starts with its Composition",
      "un Bundle document commence par sa Composition",
    );
  }
  /** A reference inside the bundle: by fullUrl, or `Type/id`. */
  const resolve = (ref: unknown): Json | undefined => {
    const r = str(rec(ref)?.reference);
    if (r === undefined) return undefined;
    const i = entries.findIndex(
      (e, k) => e.fullUrl === r || `${String(resources[k]?.resourceType)}/${String(resources[k]?.id)}` === r,
    );
    return i < 0 ? undefined : resources[i];
  };
  const subject = rec(composition.subject);
  const patient = resolve(subject);
  const insId =
    rec(subject?.identifier) ??
    arr(patient?.identifier)
      .map(rec)
      .find((i) => INS_SYSTEMS.includes(String(i?.system)));
  const authorRpps = arr(composition.author)
    .map((a) => {
      const r = resolve(a);
      const practitioner = r?.resourceType === "PractitionerRole" ? resolve(r.practitioner) : r;
      return (
        rppsOf(rec(rec(a)?.identifier)) ??
        arr(practitioner?.identifier)
          .map((i) => rppsOf(rec(i)))
          .find((x) => x !== undefined)
      );
    })
    .find((x) => x !== undefined);
  const replacesId = str(
    rec(
      arr(composition.relatesTo)
        .map(rec)
        .find((r) => r?.code === "replaces")?.targetIdentifier,
    )?.value,
  );
  const k = resources.findIndex((r) => r.resourceType === "Binary");
  const d = resources.findIndex((r) => r.resourceType === "DocumentReference");
  const binary = k < 0 ? undefined : resources[k];
  const attachment = binary ?? (d < 0 ? undefined : rec(rec(arr(resources[d]?.content)[0])?.attachment));
  if (attachment === undefined) {
    throw refuse(
      "Bundle.entry",
      "document",
      "the Bundle holds no Binary nor DocumentReference with the document",
      "le Bundle ne contient ni Binary ni DocumentReference portant le document",
    );
  }
  const path =
    binary !== undefined
      ? `Bundle.entry.${String(k)}.resource`
      : `Bundle.entry.${String(d)}.resource.content.0.attachment`;
  const documentId = str(rec(composition.identifier)?.value) ?? str(rec(b.identifier)?.value);
  const title = str(composition.title);
  return {
    ...(documentId === undefined ? {} : { documentId }),
    typeCode: loincOf(rec(composition.type), "Bundle.entry.0.resource.type"),
    ...(title === undefined ? {} : { title }),
    patient: { ...insOf(insId, "Bundle.entry.0.resource.subject"), ...traitsOf(patient) },
    ...(authorRpps === undefined ? {} : { authorRpps }),
    ...(replacesId === undefined ? {} : { replaces: replacesId }),
    attachment: { contentType: String(attachment.contentType), data: String(attachment.data), path },
  };
}

/** Strict base64 (RFC 4648 §4; line breaks allowed). */
function base64(data: string, path: string): Buffer {
  const clean = data.replace(/[\r\n ]/g, "");
  if (clean === "" || clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) {
    throw refuse(`${path}.data`, "base64", "not base64", "pas du base64");
  }
  return Buffer.from(clean, "base64");
}

/** The FHIR body (bytes as received) → the contract. */
export function incomingFromFhir(forms: FormRegistry, body: Buffer): IncomingDocument {
  const json = parseUtf8Json(body, "body", { en: "the body", fr: "le corps" });
  const rt = rec(json)?.resourceType;
  let found: Found;
  if (rt === "DocumentReference")
    found = fromDocumentReference(checked(forms, json, "FhirDocumentReference", rt));
  else if (rt === "Bundle") found = fromBundle(checked(forms, json, "FhirDocumentBundle", rt));
  else {
    throw refuse(
      "resourceType",
      "enum",
      "a DocumentReference or a document Bundle is expected",
      "un DocumentReference ou un Bundle document est attendu",
    );
  }
  const type = found.attachment.contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  const bytes = base64(found.attachment.data, found.attachment.path);
  if (CDA_TYPES.includes(type)) {
    const cda = incomingFromCda(bytes);
    if (cda.patient.ins !== found.patient.ins) {
      throw refuse(
        found.attachment.path,
        "patient",
        "the CDA's patient is not the resource's subject",
        "le patient du CDA n'est pas le sujet de la ressource",
      );
    }
    return cda;
  }
  if (!isPdf(bytes))
    throw refuse(
      `${found.attachment.path}.data`,
      "pdf",
      "the attachment is not a PDF",
      "la pièce jointe n'est pas un PDF",
    );
  return {
    channel: "http",
    documentId: found.documentId ?? `urn:sha256:${createHash("sha256").update(bytes).digest("hex")}`,
    ...(found.replaces === undefined ? {} : { replaces: found.replaces }),
    typeCode: found.typeCode,
    ...(found.title === undefined ? {} : { title: found.title }),
    patient: found.patient,
    ...(found.authorRpps === undefined ? {} : { authorRpps: found.authorRpps }),
    recipients: [],
    flags: NO_FLAGS,
    content: { kind: "pdf", pdf: new Uint8Array(bytes) },
  };
}
