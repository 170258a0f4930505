/**
 * The browser side of scripts/screenshot-gp-room.ts: a page that runs Hydrogen (npm
 * `hydrogen-view-sdk`, Element's lightweight Matrix web client) as its SDK README shows — Platform,
 * Client with password login, RoomViewModel and RoomView — and exposes a few calls (`window.shot`)
 * to the script. Kept as text: it is bundled by esbuild for the browser, not type-checked as Node code.
 */

/** Served from serve.ts: `/hydrogen/` is the hydrogen-view-sdk package, `/olm/` @matrix-org/olm. */
export const PAGE_HTML = `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Hydrogen</title>
<link rel="stylesheet" href="/hydrogen/asset-build/assets/theme-element-light.css">
<style>
  html, body { margin: 0; height: 100%; }
  #app { height: 100%; display: flex; }
  #app > .RoomView { flex: 1 1 0; min-width: 0; }
  #app > .RoomView + .RoomView { border-left: 1px solid #e3e8f0; }
</style>
</head>
<body>
<div id="app" class="hydrogen"></div>
<script type="module" src="/page.js"></script>
</body>
</html>
`;

export const PAGE_SCRIPT = `
import {
  Platform, Client, LoadStatus, createNavigation, createRouter,
  RoomViewModel, RoomView, viewClassForTile, FeatureSet,
} from "hydrogen-view-sdk";

const app = document.querySelector("#app");
const assetPaths = {
  downloadSandbox: "/hydrogen/asset-build/assets/download-sandbox.html",
  worker: "/hydrogen/asset-build/assets/main.js",
  olm: { wasm: "/olm/olm.wasm", legacyBundle: "/olm/olm_legacy.js", wasmBundle: "/olm/olm.js" },
  serviceWorker: "/sw.js",
};
const platform = new Platform({ container: app, assetPaths, config: {}, options: { development: false } });
const navigation = createNavigation();
platform.setNavigation(navigation);
await platform.init();
const urlRouter = createRouter({ navigation, history: platform.history });
urlRouter.attach();
const client = new Client(platform);

window.shot = {
  async login(homeserver, user, password) {
    const options = await client.queryLogin(homeserver).result;
    client.startWithLogin(options.password(user, password));
    await client.loadStatus.waitFor(
      (s) => s === LoadStatus.Ready || s === LoadStatus.Error || s === LoadStatus.LoginFailed,
    ).promise;
    if (client.loginFailure) throw new Error("login failed: " + client.loginFailure);
    if (client.loadError) throw new Error("load failed: " + client.loadError.message);
    return { userId: client.session.userId, deviceId: client.session.deviceId };
  },
  async acceptInvites() {
    for (const invite of [...client.session.invites.values()]) await invite.accept();
    return [...client.session.rooms.keys()];
  },
  async show(roomIds) {
    const features = await FeatureSet.load(platform.settingsStorage);
    for (const roomId of roomIds) {
      const room = client.session.rooms.get(roomId);
      const vm = new RoomViewModel({
        room, ownUserId: client.session.userId, platform, urlRouter, navigation, features,
      });
      await vm.load();
      app.appendChild(new RoomView(vm, viewClassForTile).mount());
    }
  },
  tiles() {
    const files = [...document.querySelectorAll(".Timeline_messageBody button.link")]
      .map((e) => e.textContent);
    const undecryptable = [...document.querySelectorAll(".Timeline_message")]
      .filter((e) => /Decrypting|Could not decrypt|Unable to decrypt/i.test(e.textContent)).length;
    return { files, undecryptable };
  },
};
`;
