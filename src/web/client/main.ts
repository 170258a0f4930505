/**
 * The Passerelle web app: a French single-page app served by the service
 * itself. Hash routes carry only page names and transfer ids — never patient data:
 * `#/connexion`, `#/nouvelle`, `#/suivi[/<id>]`, `#/tableau`, `#/orienter`, `#/verifier`.
 */
import { composePage } from "./compose.ts";
import { dashboardPage } from "./dashboard.ts";
import { h, notice, replace } from "./dom.ts";
import { describeError, getJson, session } from "./http.ts";
import { loginPage } from "./login.ts";
import type { Me } from "./shapes.ts";
import { meOf } from "./shapes.ts";
import { roleLabel } from "./roles.ts";
import { toRoutePage } from "./to-route.ts";
import { transfersPage } from "./transfers.ts";
import { verifyPage } from "./verify.ts";

const main = document.getElementById("main") as HTMLElement;
const nav = document.getElementById("nav") as HTMLElement;
const who = document.getElementById("who") as HTMLElement;
let me: Me | undefined;
let stopPage: (() => void) | undefined;

const go = (hash: string): void => {
  if (location.hash === hash) void render();
  else location.hash = hash;
};

function home(m: Me): string {
  if (m.roles.includes("sender")) return "#/nouvelle";
  if (m.roles.includes("coordinator") || m.roles.includes("auditor")) return "#/tableau";
  return "#/suivi";
}

function renderNav(): void {
  const links: [string, string][] = [];
  if (me !== undefined) {
    if (me.roles.includes("sender")) links.push(["#/nouvelle", "Nouvelle fiche"]);
    if (!me.roles.every((r) => r === "auditor")) links.push(["#/suivi", "Suivi des envois"]);
    if (me.roles.includes("coordinator") || me.roles.includes("auditor"))
      links.push(["#/tableau", "Tableau de bord"]);
    if (me.roles.includes("coordinator")) links.push(["#/orienter", "À orienter"]);
  }
  links.push(["#/verifier", "Vérifier un PDF"]);
  const page = location.hash.split("/")[1] ?? "";
  replace(
    nav,
    h(
      "ul",
      {},
      ...links.map(([href, label]) =>
        h("li", {}, h("a", { href, "aria-current": href === `#/${page}` ? "page" : undefined }, label)),
      ),
    ),
  );
  if (me === undefined) {
    replace(who, h("a", { href: "#/connexion" }, "Se connecter"));
    return;
  }
  const out = h("button", { type: "button", class: "link", id: "logout" }, "Se déconnecter");
  out.addEventListener("click", () => {
    session.clear();
    me = undefined;
    go("#/connexion");
  });
  replace(who, h("span", { id: "whoami" }, me.name, " · ", me.roles.map(roleLabel).join(", ")), " ", out);
}

async function render(): Promise<void> {
  stopPage?.();
  stopPage = undefined;
  const [, page = "", arg] = location.hash.split("/");
  if (me === undefined && session.token() !== null) {
    try {
      me = meOf(await getJson("/me"));
    } catch {
      session.clear();
    }
  }
  renderNav();
  replace(main);
  try {
    if (page === "verifier") verifyPage(main);
    else if (me === undefined) await loginPage(main, () => void whoAmI());
    else if (page === "nouvelle") await composePage(main, go);
    else if (page === "suivi")
      stopPage = transfersPage(main, arg === undefined ? undefined : decodeURIComponent(arg));
    else if (page === "tableau") await dashboardPage(main, me.roles);
    else if (page === "orienter") await toRoutePage(main);
    else go(home(me));
  } catch (e) {
    main.append(notice("error", describeError(e)));
  }
  document.title = `${main.querySelector("h1")?.textContent ?? "Passerelle"} — Passerelle`;
}

async function whoAmI(): Promise<void> {
  me = meOf(await getJson("/me"));
  go(home(me));
}

window.addEventListener("hashchange", () => void render());
void render();
