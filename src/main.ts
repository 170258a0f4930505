// Thin process entry: everything lives in src/cli.
import { runCli } from "./cli/index.ts";

// Exit as soon as the command is done (its output is written and its resources closed): after
// `stopClient`, matrix-js-sdk's last /sync long-poll can keep the event loop alive for up to 110 s
// (30 s server timeout + 80 s buffer), which would delay `serve`'s SIGTERM and `transfer send --wait`.
process.exit(await runCli(process.argv.slice(2)));
