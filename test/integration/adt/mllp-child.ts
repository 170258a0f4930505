/**
 * The MLLP listener as a separate process (run with `node mllp-child.ts`), for the crash test:
 * opens the fixture in T_DIR (sqlite, audit, pseudonym key), listens on 127.0.0.1 (a free port) and
 * prints `{"ready":true,"port":N}`. Killed with SIGKILL by the test.
 */
import { startMllpListener } from "../../../src/adt/index.ts";
import { openFixture } from "../../helpers/transfers-fixture.ts";

const dir = process.env.T_DIR;
if (dir === undefined || dir === "") throw new Error("mllp-child: T_DIR is not set");
const f = await openFixture(dir);
const listener = await startMllpListener(f.deps, { port: 0 });
process.stdout.write(`${JSON.stringify({ ready: true, port: listener.port })}\n`);
