/**
 * « Nouvelle fiche » (discharge team): pick a form, fill the generated form, choose recipients from
 * the directory (GP, nurse, pharmacist), preview the signed PDF, send. The browser checks the sheet
 * against the form's JSON Schema first; the server's field errors land next to the same fields.
 */
import { frDateTime, h, notice, replace } from "./dom.ts";
import type { SheetForm } from "./form-build.ts";
import { buildSheetForm } from "./form-build.ts";
import { ApiError, call, describeError, getJson, postJson, problemTitle } from "./http.ts";
import { recipientPicker } from "./recipients.ts";
import { formDetailOf, formEntryOf, listOf, str, isRecord } from "./shapes.ts";
import type { SheetCheck } from "./validate.ts";
import { sheetChecker } from "./validate.ts";

/** API paths name the sheet under `sheet.`; the form's fields are `data.…`. */
const fieldPath = (p: string): string => p.replace(/^\/?sheet[./]/, "").replace(/\//g, ".");

export async function composePage(root: HTMLElement, go: (hash: string) => void): Promise<void> {
  const forms = listOf(await getJson("/forms")).map(formEntryOf);
  const select = h(
    "select",
    { id: "form-select" },
    ...forms.map((f) => h("option", { value: f.ref, selected: f.ref.startsWith("discharge@") }, f.title)),
  );
  const formHost = h("div", { id: "form-host" });
  const status = h("div", { class: "status-line" });
  root.append(
    h("h1", {}, "Nouvelle fiche de liaison"),
    h("div", { class: "field" }, h("label", { for: "form-select" }, "Formulaire"), select),
    formHost,
    status,
  );
  let current: { ref: string; form: SheetForm; check: SheetCheck } | undefined;
  const picker = await recipientPicker();

  const load = async (ref: string): Promise<void> => {
    replace(formHost, notice("info", "Chargement du formulaire…"));
    const detail = formDetailOf(await getJson(`/forms/${encodeURIComponent(ref)}`));
    if (detail === undefined) {
      replace(formHost, notice("error", "Définition du formulaire illisible."));
      return;
    }
    const form = buildSheetForm(detail.definition);
    current = { ref, form, check: sheetChecker(detail.definition, detail.schema) };
    const preview = h("button", { type: "button", class: "secondary", id: "preview" }, "Aperçu du PDF");
    const send = h("button", { type: "submit", id: "send" }, "Signer et envoyer");
    const frame = h("div", { class: "preview", id: "preview-host" });
    const el = h(
      "form",
      { novalidate: true, id: "sheet-form", "aria-label": detail.definition.title.fr },
      h("p", { class: "legal" }, detail.definition.legalBasis),
      form.element,
      picker.element,
      h("div", { class: "actions no-print" }, preview, send),
      frame,
    );
    preview.addEventListener("click", () => void doPreview(frame));
    el.addEventListener("submit", (ev) => {
      ev.preventDefault();
      void doSend();
    });
    replace(formHost, el);
  };

  /** The sheet, if it passes the browser's check; otherwise the errors are shown. */
  const sheetOrIssues = (): { form: string; data: Record<string, unknown> } | undefined => {
    if (current === undefined) return undefined;
    const sheet = { form: current.ref, data: current.form.read() };
    const issues = current.check(sheet);
    if (issues.length > 0) {
      current.form.showIssues(issues);
      return undefined;
    }
    current.form.clearIssues();
    return sheet;
  };

  const serverIssues = (e: unknown): boolean => {
    if (!(e instanceof ApiError) || e.problem.errors.length === 0 || current === undefined) return false;
    const sheetErrors = e.problem.errors.filter((i) => /^\/?(sheet[./])?data\b/.test(i.path));
    const toErrors = e.problem.errors.filter((i) => /^\/?to\b/.test(i.path));
    current.form.showIssues(sheetErrors.map((i) => ({ path: fieldPath(i.path), message: i.message })));
    picker.showIssues(toErrors.map((i) => i.message));
    replace(
      status,
      notice(
        "error",
        `Le serveur a refusé la fiche (${problemTitle(e.problem)}) : voir les champs signalés.`,
      ),
    );
    return true;
  };

  let previewUrl: string | undefined;
  const doPreview = async (frame: HTMLElement): Promise<void> => {
    const sheet = sheetOrIssues();
    if (sheet === undefined) return;
    replace(status, notice("info", "Génération de l’aperçu…"));
    try {
      const res = await call("/sheets/preview", {
        method: "POST",
        body: JSON.stringify(sheet),
        headers: { Accept: "application/pdf" },
      });
      const blob = await res.blob();
      if (previewUrl !== undefined) URL.revokeObjectURL(previewUrl);
      previewUrl = URL.createObjectURL(blob);
      replace(
        frame,
        h(
          "p",
          {},
          h(
            "a",
            { href: previewUrl, target: "_blank", rel: "noopener", id: "preview-link" },
            "Ouvrir l’aperçu dans un nouvel onglet",
          ),
          ` (${String(Math.round(blob.size / 1024))} Ko)`,
        ),
        h("iframe", { src: previewUrl, title: "Aperçu du PDF de la fiche", id: "preview-frame" }),
      );
      replace(status, notice("ok", "Aperçu prêt (non envoyé)."));
    } catch (e) {
      if (!serverIssues(e)) replace(status, notice("error", describeError(e)));
    }
  };

  const doSend = async (): Promise<void> => {
    const sheet = sheetOrIssues();
    const to = picker.selected();
    picker.showIssues(to.length === 0 ? ["Choisissez au moins un destinataire."] : []);
    if (sheet === undefined || to.length === 0) return;
    replace(status, notice("info", "Signature et mise en file d’envoi…"));
    try {
      const created = await postJson<unknown>("/transfers", { sheet, to });
      const b = isRecord(created) ? created : {};
      const id = str(b.id) ?? str(b.transferId) ?? (isRecord(b.transfer) ? str(b.transfer.id) : undefined);
      replace(
        status,
        notice("ok", `Fiche signée et mise en file d’envoi le ${frDateTime(new Date().toISOString())}.`),
      );
      go(id === undefined ? "#/suivi" : `#/suivi/${encodeURIComponent(id)}`);
    } catch (e) {
      if (!serverIssues(e)) replace(status, notice("error", describeError(e)));
    }
  };

  select.addEventListener("change", () => void load(select.value));
  await load(select.value);
}
