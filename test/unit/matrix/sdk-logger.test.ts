import { logger as sdkGlobalLogger } from "matrix-js-sdk/lib/logger.js";
import { describe, expect, it } from "vitest";
import { routeSdkGlobalLogger, sdkLogger } from "../../../src/matrix/index.ts";
import { captureLog } from "../../helpers/log.ts";

describe("matrix-js-sdk's logger, routed into the service log", () => {
  it("push-rule chatter at debug, other warnings and errors as such, the SDK's debug and info below info", () => {
    const { log, entries } = captureLog("trace");
    const sdk = sdkLogger(log.child({ module: "matrix-sdk" }));
    // what matrix-js-sdk writes at warn on every start against Synapse (pushprocessor), and on the first (cross-signing)
    sdk.warn("Adding default global override push rule .m.rule.is_room_mention");
    sdk.warn("Missing default global underride push rule .org.matrix.msc3914.rule.room.call");
    sdk.warn(
      "resetCrossSigning: Secret storage is not yet set up; not exporting keys to secret storage yet.",
    );
    sdk.warn("Error decrypting event", new Error("olm session wedged"));
    sdk.error("sync failed");
    sdk.info("Got push rules");
    sdk.debug("FetchHttpApi: --> GET /sync");
    sdk.getChild("[RustCrypto]").getChild("[Outgoing]").warn("request failed");
    expect(entries.map((e) => [e.level, e.message])).toEqual([
      ["debug", "Adding default global override push rule .m.rule.is_room_mention"],
      ["debug", "Missing default global underride push rule .org.matrix.msc3914.rule.room.call"],
      [
        "debug",
        "resetCrossSigning: Secret storage is not yet set up; not exporting keys to secret storage yet.",
      ],
      ["warn", "Error decrypting event olm session wedged"],
      ["error", "sync failed"],
      ["debug", "Got push rules"],
      ["trace", "FetchHttpApi: --> GET /sync"],
      ["warn", "request failed"],
    ]);
    expect(entries.every((e) => e.fields?.module === "matrix-sdk")).toBe(true);
    expect(entries.at(-1)?.fields?.ns).toBe("[RustCrypto].[Outgoing]");
  });

  it("at the default level (info) a console shows warnings, not the push-rule chatter", () => {
    const { log, raw } = captureLog("info");
    const sdk = sdkLogger(log);
    sdk.warn("Adding default global override push rule .m.rule.master");
    sdk.info("chatty");
    sdk.warn("a real warning");
    expect(raw).toHaveLength(1);
    expect(raw[0]).toContain("a real warning");
  });

  it("the SDK's module-level logger and its children (MatrixRTC, …) go the same way", () => {
    const { log, entries } = captureLog("trace");
    routeSdkGlobalLogger(log.child({ module: "matrix-sdk" }));
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the SDK's own global logger is under test
    const root = sdkGlobalLogger;
    root.warn("Missing default global content push rule .m.rule.contains_user_name");
    root.warn("global warning");
    root.getChild("MatrixRTCSession").error("rtc error");
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- loglevel's log(), which SDK modules still call
    root.log("a log() call");
    expect(entries.map((e) => [e.level, e.message])).toEqual([
      ["debug", "Missing default global content push rule .m.rule.contains_user_name"],
      ["warn", "global warning"],
      ["error", "rtc error"],
      ["trace", "a log() call"], // loglevel's log() is its debug()
    ]);
    expect(entries[2]?.fields?.ns).toBe("matrix-MatrixRTCSession");
  });
});
