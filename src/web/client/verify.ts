/**
 * « Vérifier un PDF » (anyone): drop or choose a signed PDF; the server checks the PAdES signature,
 * that the ByteRange covers the whole file and the chain of trust (`POST /api/v1/verify`). The file
 * is sent as `application/pdf`, never put in a URL.
 */
import { frDateTime, h, notice, replace } from "./dom.ts";
import { ApiError, call, describeError } from "./http.ts";
import { isRecord, str } from "./shapes.ts";

/** French wording of the verifier's stable issue codes (src/pdf/verify*.ts); others show the code's message. */
const ISSUES_FR: Readonly<Record<string, string>> = {
  "digest-mismatch": "le contenu signé a été modifié depuis la signature",
  "byte-range-out-of-file": "la zone signée ne correspond pas au fichier",
  "signing-certificate-mismatch": "le certificat ne correspond pas à celui qui a signé",
  "chain-untrusted": "le certificat du signataire n’est pas émis par une autorité de confiance",
  "certificate-expired": "le certificat du signataire était expiré lors de la signature",
  "certificate-not-yet-valid": "le certificat du signataire n’était pas encore valide lors de la signature",
  "signing-time-future": "la date de signature est dans le futur",
  "no-signing-time": "pas de date de signature",
  "not-pades": "signature non PAdES",
  "cms-unparsable": "signature illisible",
  "contents-malformed": "signature illisible",
};

const yesNo = (v: unknown): string => (v === true ? "oui" : v === false ? "non" : "—");

function report(r: Record<string, unknown>): HTMLElement {
  const signer = isRecord(r.signer) ? r.signer : {};
  const issues = Array.isArray(r.issues) ? r.issues.filter(isRecord) : [];
  const valid = r.valid === true;
  return h(
    "div",
    {
      class: `verify-report ${valid ? "valid" : "invalid"}`,
      id: "verify-report",
      "data-valid": String(valid),
    },
    notice(
      valid ? "ok" : "error",
      valid
        ? "Signature valide : document intact depuis sa signature."
        : "Signature NON valide : ce document ne doit pas être utilisé.",
    ),
    h(
      "dl",
      {},
      h("dt", {}, "Signature cryptographique"),
      h("dd", {}, yesNo(r.signatureValid)),
      h("dt", {}, "Document entier couvert"),
      h("dd", {}, yesNo(r.byteRangeCoversWholeFile)),
      h("dt", {}, "Chaîne de confiance"),
      h("dd", {}, yesNo(r.chainTrusted)),
      h("dt", {}, "Signataire"),
      h(
        "dd",
        {},
        [str(signer.commonName), str(signer.organisation)].filter((s) => s !== undefined).join(" — ") || "—",
      ),
      h("dt", {}, "FINESS"),
      h("dd", {}, str(signer.finess) ?? "—"),
      h("dt", {}, "Signé le"),
      h("dd", {}, frDateTime(str(r.signingTime))),
    ),
    issues.length === 0
      ? null
      : h(
          "ul",
          { class: "issues" },
          ...issues.map((i) =>
            h("li", {}, ISSUES_FR[str(i.code) ?? ""] ?? str(i.message) ?? str(i.code) ?? ""),
          ),
        ),
  );
}

export function verifyPage(root: HTMLElement): void {
  const input = h("input", { type: "file", id: "pdf-file", accept: "application/pdf,.pdf" });
  const zone = h(
    "div",
    { class: "dropzone", id: "dropzone" },
    h("p", {}, "Déposez ici un PDF signé par Passerelle"),
    h("p", {}, h("label", { for: "pdf-file" }, "ou choisissez un fichier : "), input),
  );
  const out = h("div", { "aria-live": "polite" });
  root.append(h("h1", {}, "Vérifier la signature d’un PDF"), zone, out);
  const check = async (file: File): Promise<void> => {
    replace(out, notice("info", "Vérification…"));
    try {
      const res = await call("/verify", {
        method: "POST",
        body: file,
        headers: { "Content-Type": "application/pdf" },
      });
      const body: unknown = await res.json();
      replace(out, report(isRecord(body) ? (isRecord(body.report) ? body.report : body) : {}));
    } catch (e) {
      const b = e instanceof ApiError ? e.problem.body : {};
      const rep = isRecord(b.report) ? b.report : "valid" in b ? b : undefined;
      replace(out, rep === undefined ? notice("error", describeError(e)) : report(rep));
    }
  };
  input.addEventListener("change", () => {
    const f = input.files?.[0];
    if (f !== undefined) void check(f);
  });
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => {
    zone.classList.remove("over");
  });
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    const f = e.dataTransfer?.files[0];
    if (f !== undefined) void check(f);
  });
}
