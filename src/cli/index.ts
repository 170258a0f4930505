export { runCli } from "./main.ts";
export type { CliIo, CommandHandler } from "./io.ts";
