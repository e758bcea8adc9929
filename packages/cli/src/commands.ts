import type { AppRouter } from "@flowgate/api";
import type { inferRouterOutputs } from "@trpc/server";
import { readFile, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { createClient, type FlowgateClient } from "./client";
import { normaliseUrl, saveCredentials, type Credentials } from "./config";
import { CliError } from "./errors";
import { printJson, table, when, type Io } from "./output";

type Outputs = inferRouterOutputs<AppRouter>;
type RunDetail = Outputs["runs"]["get"];

export interface CommandInput {
  /** The command's positional arguments, in the order of `Command.args`. */
  args: string[];
  values: Record<string, string | boolean | undefined>;
  json: boolean;
  io: Io;
  /** The API client of the saved (or FLOWGATE_*) login. */
  client: () => Promise<FlowgateClient>;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  words: readonly string[];
  args: readonly string[];
  options: Record<string, { type: "string" | "boolean"; short?: string }>;
  /** The arguments and options, after `flowgate <words>`. */
  usage: string;
  summary: string;
  run(input: CommandInput): Promise<void>;
}

const RUN_POLL_MS = 500;

async function readFlowFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === "ENOENT" ? `${file} does not exist.` : `Could not read ${file}: ${(error as Error).message}`);
  }
}

function printProblems(io: Io, file: string, problems: readonly { path: readonly (string | number)[]; message: string }[]): void {
  for (const problem of problems) io.err(`${file}: ${problem.path.length > 0 ? `${problem.path.join(".")}: ` : ""}${problem.message}`);
}

function runLine(run: Pick<RunDetail, "id" | "status" | "counts">): string {
  const { read, written, errors } = run.counts;
  return `Run ${run.id} ${run.status.replaceAll("_", " ")}: ${read} read, ${written} written, ${errors} with errors.`;
}

/** Polls the run until it is over; a run waiting for approval is waited for too (an admin decides in Flowgate). */
async function waitForRun(client: FlowgateClient, io: Io, runId: string, timeoutSeconds: number | undefined): Promise<RunDetail> {
  const deadline = timeoutSeconds === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutSeconds * 1000;
  let toldAboutApproval = false;
  for (;;) {
    const run = await client.runs.get.query({ runId });
    if (run.finishedAt !== null) return run;
    if (run.status === "awaiting_approval" && !toldAboutApproval) {
      io.err(`Run ${runId} is waiting for approval in Flowgate; still waiting.`);
      toldAboutApproval = true;
    }
    if (Date.now() >= deadline) {
      throw new CliError(`Run ${runId} is still ${run.status.replaceAll("_", " ")} after ${timeoutSeconds} s; it goes on. Follow it with: flowgate runs get ${runId}`);
    }
    await sleep(RUN_POLL_MS);
  }
}

function positiveNumber(value: string | boolean | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value !== "string" || !Number.isFinite(number) || number <= 0) throw new CliError(`--${option} needs a positive number, e.g. --${option} 600.`, "usage");
  return number;
}

export const COMMANDS: readonly Command[] = [
  {
    words: ["login"],
    args: [],
    options: { url: { type: "string" }, token: { type: "string" } },
    usage: "--url <Flowgate's address> --token <API token>",
    summary: "Check the token with the server and save both for the next commands",
    async run({ values, json, io, env }) {
      const { url: rawUrl, token } = values;
      if (typeof rawUrl !== "string" || typeof token !== "string" || token.trim() === "") {
        throw new CliError("login needs --url and --token. Create a token in Flowgate under Settings → API tokens.", "usage");
      }
      const credentials: Credentials = { url: normaliseUrl(rawUrl), token: token.trim() };
      const workspace = await createClient(credentials).workspaces.current.query();
      const file = await saveCredentials(credentials, env);
      if (json) printJson(io, { url: credentials.url, workspace, configFile: file });
      else io.out(`Logged in to ${credentials.url}: workspace "${workspace.name}" as ${workspace.role}. Saved in ${file}.`);
    },
  },
  {
    words: ["flows", "list"],
    args: [],
    options: {},
    usage: "",
    summary: "The workspace's flows",
    async run({ json, io, client }) {
      const flows = await (await client()).flows.list.query();
      if (json) return printJson(io, flows);
      if (flows.length === 0) return io.out("No flows yet.");
      io.out(
        table(
          flows.map((f) => [
            f.id,
            f.name,
            f.enabled ? "on" : "off",
            f.activeVersionNumber === null ? "draft" : `v${f.activeVersionNumber}${f.hasUnpublishedChanges ? " + changes" : ""}`,
            f.lastRun ? `${f.lastRun.status} ${when(f.lastRun.createdAt)}` : "-",
          ]),
          ["ID", "NAME", "ENABLED", "PUBLISHED", "LAST RUN"],
        ),
      );
    },
  },
  {
    words: ["flows", "export"],
    args: ["flow id"],
    options: { output: { type: "string", short: "o" } },
    usage: "<flow id> [-o <file>]",
    summary: "The flow as a JSON file (no secrets, connections by reference); to stdout without -o",
    async run({ args, values, json, io, client }) {
      const exported = await (await client()).flows.export.query({ flowId: args[0]! });
      const file = values["output"];
      if (typeof file !== "string") return io.out(exported.fileText);
      await writeFile(file, exported.fileText);
      if (json) printJson(io, { fileName: exported.fileName, file });
      else io.out(`Exported to ${file}.`);
    },
  },
  {
    words: ["flows", "validate"],
    args: ["file"],
    options: {},
    usage: "<file>",
    summary: "Check a flow file as import would, without importing it; exit 1 with its problems",
    async run({ args, json, io, client }) {
      const file = args[0]!;
      const result = await (await client()).flows.validateImport.mutate({ fileText: await readFlowFile(file) });
      if (json) printJson(io, result);
      else if (result.ok) io.out(`${file} can be imported.`);
      if (!result.ok) {
        if (!json) printProblems(io, file, result.problems);
        throw new CliError(`${file} can't be imported: ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}.`);
      }
    },
  },
  {
    words: ["flows", "import"],
    args: ["file"],
    options: { name: { type: "string" } },
    usage: "<file> [--name <name>]",
    summary: "Create a new flow from a file: disabled, triggers off, connections to assign",
    async run({ args, values, json, io, client }) {
      const file = args[0]!;
      const name = typeof values["name"] === "string" ? values["name"] : undefined;
      const result = await (await client()).flows.import.mutate({ fileText: await readFlowFile(file), ...(name !== undefined && { name }) });
      if (json) return printJson(io, result);
      for (const problem of result.problems) io.err(`• ${problem.message}`);
      io.out(
        result.problems.length === 0
          ? `Imported ${file} as flow ${result.flowId}, disabled. Publish it with: flowgate flows publish ${result.flowId}`
          : `Imported ${file} as flow ${result.flowId}, disabled. Settle what is listed above in Flowgate (its connections first), then publish it.`,
      );
    },
  },
  {
    words: ["flows", "publish"],
    args: ["flow id"],
    options: { message: { type: "string", short: "m" } },
    usage: "<flow id> [-m <message>]",
    summary: "Publish the flow's draft as its new version",
    async run({ args, values, json, io, client }) {
      const message = typeof values["message"] === "string" ? values["message"] : undefined;
      const version = await (await client()).flows.publish.mutate({ flowId: args[0]!, ...(message !== undefined && { message }) });
      if (json) printJson(io, version);
      else io.out(`Published flow ${args[0]} as version ${version.number}.`);
    },
  },
  {
    words: ["flows", "run"],
    args: ["flow id"],
    options: { wait: { type: "boolean" }, timeout: { type: "string" } },
    usage: "<flow id> [--wait [--timeout <seconds>]]",
    summary: "Start a run of the published flow; --wait until it ends (exit 1 if it failed or was cancelled)",
    async run({ args, values, json, io, client }) {
      const timeout = positiveNumber(values["timeout"], "timeout");
      if (timeout !== undefined && !values["wait"]) throw new CliError("--timeout goes with --wait.", "usage");
      const api = await client();
      const { runId } = await api.runs.start.mutate({ flowId: args[0]! });
      if (!values["wait"]) {
        if (json) printJson(io, { runId });
        else io.out(`Started run ${runId}. Follow it with: flowgate runs get ${runId}`);
        return;
      }
      const run = await waitForRun(api, io, runId, timeout);
      if (json) printJson(io, run);
      else io.out(runLine(run));
      if (run.status === "failed" || run.status === "cancelled") {
        throw new CliError(`Run ${runId} ${run.status}${run.error ? `: ${run.error.message}` : "."}`);
      }
    },
  },
  {
    words: ["runs", "list"],
    args: [],
    options: { flow: { type: "string" }, limit: { type: "string" } },
    usage: "[--flow <flow id>] [--limit <n>]",
    summary: "The newest runs, of one flow or all",
    async run({ values, json, io, client }) {
      const limit = positiveNumber(values["limit"], "limit");
      const flowId = typeof values["flow"] === "string" ? values["flow"] : undefined;
      const page = await (await client()).runs.list.query({ ...(flowId !== undefined && { flowId }), ...(limit !== undefined && { limit: Math.min(100, Math.floor(limit)) }) });
      if (json) return printJson(io, page.items);
      if (page.items.length === 0) return io.out("No runs yet.");
      io.out(
        table(
          page.items.map((r) => [r.id, r.flowName, `v${r.versionNumber}`, r.status, r.trigger, `${r.counts.read}/${r.counts.written}/${r.counts.errors}`, when(r.createdAt)]),
          ["ID", "FLOW", "VERSION", "STATUS", "TRIGGER", "READ/WRITTEN/ERRORS", "CREATED (UTC)"],
        ),
      );
    },
  },
  {
    words: ["runs", "get"],
    args: ["run id"],
    options: {},
    usage: "<run id>",
    summary: "One run: status, counts, error and each node's numbers",
    async run({ args, json, io, client }) {
      const run = await (await client()).runs.get.query({ runId: args[0]! });
      if (json) return printJson(io, run);
      const lines = [
        runLine(run),
        `Flow: ${run.flowName} (${run.flowId}), version ${run.versionNumber}, ${run.trigger} run`,
        `Created ${when(run.createdAt)}, started ${when(run.startedAt)}, finished ${when(run.finishedAt)} (UTC)`,
      ];
      if (run.error) lines.push(`Error${run.error.nodeId ? ` in node ${run.error.nodeId}` : ""}: ${run.error.message}`);
      if (run.pendingChangeSetId) lines.push(`Waiting for approval: change set ${run.pendingChangeSetId}`);
      if (run.nodes.length > 0) {
        lines.push(
          "",
          table(
            run.nodes.map((n) => [n.nodeId, String(n.in), Object.entries(n.out).map(([port, count]) => `${port} ${count}`).join(", ") || "-", String(n.errors), String(n.ms)]),
            ["NODE", "IN", "OUT", "ERRORS", "MS"],
          ),
        );
      }
      io.out(lines.join("\n"));
    },
  },
];
