import { parseArgs } from "node:util";
import { createClient, describeCallError } from "./client";
import { COMMANDS, type Command } from "./commands";
import { loadCredentials } from "./config";
import { CliError, EXIT } from "./errors";
import type { Io } from "./output";

const GLOBAL_OPTIONS = { json: { type: "boolean" }, help: { type: "boolean", short: "h" } } as const;

function commandUsage(command: Command): string {
  return `Usage: flowgate ${[...command.words, command.usage].filter(Boolean).join(" ")} [--json]\n\n${command.summary}.`;
}

function overview(): string {
  const lines = COMMANDS.map((c) => `  ${[...c.words, c.usage].filter(Boolean).join(" ")}`);
  const width = Math.max(...lines.map((l) => l.length)) + 2;
  return [
    "Usage: flowgate <command> [options]",
    "",
    "Commands:",
    ...COMMANDS.map((c, i) => `${lines[i]!.padEnd(width)}${c.summary}`),
    "",
    "Options:",
    "  --json      Print the result as JSON, for scripts",
    "  -h, --help  Show the usage of flowgate or of one command",
    "",
    "login saves the address and token in ~/.config/flowgate/config.json (readable by you only);",
    "FLOWGATE_URL and FLOWGATE_TOKEN, when set, are used instead (CI).",
    "Exit codes: 0 done, 1 the operation failed (the reason on stderr), 2 wrong usage.",
  ].join("\n");
}

type Parsed = { kind: "help"; text: string } | { kind: "run"; command: Command; args: string[]; values: Record<string, string | boolean | undefined> };

/**
 * Finds the command (its words are the first positionals, wherever options stand) and parses its
 * options strictly: an unknown option or a missing argument is a usage error.
 */
export function parseCommandLine(argv: readonly string[]): Parsed {
  const allOptions = Object.assign({}, GLOBAL_OPTIONS, ...COMMANDS.map((c) => c.options)) as Record<string, { type: "string" | "boolean"; short?: string }>;
  const { tokens, values: loose } = parseArgs({ args: [...argv], options: allOptions, allowPositionals: true, strict: false, tokens: true });
  const positionals = tokens.filter((t) => t.kind === "positional");
  const words = positionals.map((t) => t.value);
  const command = COMMANDS.find((c) => c.words.every((word, i) => words[i] === word));
  if (!command) {
    const group = COMMANDS.filter((c) => c.words[0] === words[0]);
    if (loose["help"] === true && words.length === 0) return { kind: "help", text: overview() };
    const what = words.length === 0 ? "No command given." : group.length > 0 && words.length === 1 ? `"${words[0]}" needs a command after it.` : `Unknown command "${words.slice(0, 2).join(" ")}".`;
    throw new CliError(`${what}\n\n${overview()}`, "usage");
  }
  if (loose["help"] === true) return { kind: "help", text: commandUsage(command) };
  const wordIndexes = new Set(positionals.slice(0, command.words.length).map((t) => t.index));
  const rest = argv.filter((_, i) => !wordIndexes.has(i));
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${commandUsage(command)}`, "usage");
  }
  if (parsed.positionals.length !== command.args.length) {
    const problem =
      parsed.positionals.length < command.args.length
        ? `Missing ${command.args.slice(parsed.positionals.length).map((a) => `<${a}>`).join(" ")}.`
        : `Unexpected ${parsed.positionals.slice(command.args.length).map((a) => `"${a}"`).join(" ")}.`;
    throw new CliError(`${problem}\n\n${commandUsage(command)}`, "usage");
  }
  return { kind: "run", command, args: parsed.positionals, values: parsed.values };
}

/** Runs one command line; returns the exit code. */
export async function runCli(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let url: string | undefined;
  try {
    const parsed = parseCommandLine(argv);
    if (parsed.kind === "help") {
      io.out(parsed.text);
      return EXIT.ok;
    }
    const { command, args, values } = parsed;
    url = typeof values["url"] === "string" ? values["url"] : undefined;
    try {
      await command.run({
        args,
        values,
        json: values["json"] === true,
        io,
        env,
        client: async () => {
          const credentials = await loadCredentials(env);
          url = credentials.url;
          return createClient(credentials);
        },
      });
    } catch (error) {
      if (error instanceof CliError && error.kind === "usage") throw new CliError(`${error.message}\n\n${commandUsage(command)}`, "usage");
      throw error;
    }
    return EXIT.ok;
  } catch (error) {
    const failure = error instanceof CliError ? error : describeCallError(error, url ?? "the server");
    io.err(failure.kind === "usage" ? failure.message : `flowgate: ${failure.message}`);
    return failure.kind === "usage" ? EXIT.usage : EXIT.failed;
  }
}
