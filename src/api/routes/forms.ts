/** `GET /forms` and `GET /forms/{form}` (definition and JSON Schema, for client-side validation). */
import { Router } from "express";
import { fieldError, isPasserelleError } from "../../core/index.ts";
import type { FormDefinition } from "../../forms/index.ts";
import { formJsonSchema, formRef } from "../../forms/index.ts";
import { handler, pathParam } from "../http.ts";
import type { ApiServices } from "../services.ts";

const summary = (f: FormDefinition): Record<string, unknown> => ({
  ref: formRef(f),
  id: f.id,
  version: f.version,
  title: f.title,
  legalBasis: f.legalBasis,
});

export function formRoutes(services: ApiServices): Router {
  const r = Router();
  r.get(
    "/forms",
    handler((_req, res) => {
      res.json({ items: services.forms.forms.map(summary) });
      return Promise.resolve();
    }),
  );
  r.get(
    "/forms/:form",
    handler((req, res) => {
      let def: FormDefinition;
      try {
        def = services.forms.resolve(pathParam(req, "form"));
      } catch (e) {
        if (isPasserelleError(e) && e.code === "UNKNOWN_FORM") {
          throw fieldError("NOT_FOUND", "no such form", "form", "unknownForm", {
            en: "unknown form",
            fr: "formulaire inconnu",
          });
        }
        throw e;
      }
      res.json({ ...summary(def), definition: def, schema: formJsonSchema(def) });
      return Promise.resolve();
    }),
  );
  return r;
}
