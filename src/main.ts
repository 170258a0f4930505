// Thin process entry: everything lives in src/cli.
import { runCli } from "./cli/index.ts";

process.exitCode = await runCli(process.argv.slice(2));
