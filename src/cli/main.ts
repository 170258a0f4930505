/** The `passerelle` command line: dispatches sub-commands; each returns an exit status. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [group] = argv;
  console.error(`passerelle: unknown command '${group ?? ""}'`);
  return Promise.resolve(2);
}
