/**
 * `openHub` in a separate process, for session restart tests (run with `node hub-session-process.ts`).
 * Env: HUB_BASE_URL, HUB_USER, HUB_PASSWORD, HUB_DATA_DIR. Writes one JSON line
 * `{ start, deviceId, masterKeyId }` once the hub is up, then waits to be killed.
 */
import { openHub } from "../../../src/matrix/index.ts";

const env = (k: string): string => {
  const v = process.env[k];
  if (v === undefined || v === "") throw new Error(`hub-session-process: ${k} is not set`);
  return v;
};
const hub = await openHub({
  homeserverUrl: env("HUB_BASE_URL"),
  userId: env("HUB_USER"),
  password: env("HUB_PASSWORD"),
  dataDir: env("HUB_DATA_DIR"),
});
process.stdout.write(
  `${JSON.stringify({ start: hub.start, deviceId: hub.deviceId, masterKeyId: hub.masterKeyId })}\n`,
);
setInterval(() => undefined, 60_000);
