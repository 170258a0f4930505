/**
 * « Connexion »: paste a bearer token (`bin/passerelle token issue --role ROLE --rpps R`), or, when
 * the service runs on its embedded default, pick a demo account (`GET /web/demo/accounts`, then
 * `POST /web/demo/token`, which exist only in that mode).
 */
import { h, notice, replace } from "./dom.ts";
import { describeError, getJson, session } from "./http.ts";
import { isRecord, listOf, str } from "./shapes.ts";

export interface DemoAccount {
  readonly rpps: string;
  readonly name: string;
  readonly role: string;
  readonly label: string;
}

async function demoAccounts(): Promise<DemoAccount[]> {
  try {
    const res = await fetch("/web/demo/accounts", { headers: { Accept: "application/json" } });
    if (!res.ok) return [];
    return listOf(await res.json()).map((a) => ({
      rpps: str(a.rpps) ?? "",
      name: str(a.name) ?? "",
      role: str(a.role) ?? "",
      label: str(a.label) ?? "",
    }));
  } catch {
    return [];
  }
}

export async function loginPage(root: HTMLElement, done: () => void): Promise<void> {
  const msg = h("div", { "aria-live": "polite" });
  const area = h("textarea", { id: "token", rows: 4, autocomplete: "off", spellcheck: "false" });
  const form = h(
    "form",
    { id: "token-form" },
    h(
      "div",
      { class: "field" },
      h("label", { for: "token" }, "Jeton d’accès (JWT)"),
      area,
      h(
        "p",
        { class: "help" },
        "Obtenu par Pro Santé Connect, ou « bin/passerelle token issue --role sender --rpps … » pour un compte de service.",
      ),
    ),
    h("button", { type: "submit" }, "Se connecter"),
  );
  const tryToken = async (token: string): Promise<void> => {
    session.set(token);
    try {
      await getJson("/me");
      done();
    } catch (e) {
      session.clear();
      replace(msg, notice("error", describeError(e)));
    }
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void tryToken(area.value.trim());
  });
  root.append(h("h1", {}, "Connexion"), msg);
  const accounts = await demoAccounts();
  if (accounts.length > 0) {
    root.append(
      h(
        "section",
        { class: "demo", id: "demo-accounts" },
        h("h2", {}, "Comptes de démonstration"),
        h(
          "p",
          { class: "help" },
          "Service lancé sur sa configuration embarquée : choisissez un membre fictif de la CPTS de démonstration.",
        ),
        h(
          "ul",
          { class: "demo-list" },
          ...accounts.map((a) => {
            const b = h(
              "button",
              { type: "button", class: "secondary", "data-rpps": a.rpps, "data-role": a.role },
              a.name,
            );
            b.addEventListener("click", () => {
              void fetch("/web/demo/token", {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify({ rpps: a.rpps, role: a.role }),
              })
                .then(async (r) => (r.ok ? ((await r.json()) as unknown) : undefined))
                .then((body) => {
                  const t = isRecord(body) ? str(body.token) : undefined;
                  if (t === undefined) replace(msg, notice("error", "Jeton de démonstration refusé."));
                  else void tryToken(t);
                });
            });
            return h("li", {}, b, " ", h("span", { class: "muted" }, a.label));
          }),
        ),
      ),
    );
  }
  root.append(h("section", {}, h("h2", {}, "Avec un jeton"), form));
}
