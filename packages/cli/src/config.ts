import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { CliError } from "./errors";

/** Where `flowgate login` keeps the server and token: `$XDG_CONFIG_HOME/flowgate` or `~/.config/flowgate`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env["XDG_CONFIG_HOME"] || path.join(env["HOME"] || homedir(), ".config");
  return path.join(base, "flowgate", "config.json");
}

export interface Credentials {
  url: string;
  token: string;
}

/** A server address as the CLI uses it: http(s), no trailing slash. */
export function normaliseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`"${raw}" is not a web address. Give Flowgate's address, e.g. https://flowgate.example.com.`, "usage");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new CliError(`"${raw}" is not an http:// or https:// address. Give Flowgate's address, e.g. https://flowgate.example.com.`, "usage");
  }
  return url.toString().replace(/\/+$/, "");
}

async function readConfig(file: string): Promise<Partial<Credentials>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new CliError(`Could not read ${file}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as Partial<Record<keyof Credentials, unknown>>;
    return {
      ...(typeof parsed.url === "string" && { url: parsed.url }),
      ...(typeof parsed.token === "string" && { token: parsed.token }),
    };
  } catch {
    throw new CliError(`${file} is not valid JSON. Delete it and run flowgate login again.`);
  }
}

/** FLOWGATE_URL and FLOWGATE_TOKEN (for CI) win over what `flowgate login` saved. */
export async function loadCredentials(env: NodeJS.ProcessEnv = process.env): Promise<Credentials> {
  const saved = await readConfig(configPath(env));
  const url = env["FLOWGATE_URL"] || saved.url;
  const token = env["FLOWGATE_TOKEN"] || saved.token;
  if (!url || !token) {
    throw new CliError("Not logged in. Run flowgate login --url <Flowgate's address> --token <API token>, or set FLOWGATE_URL and FLOWGATE_TOKEN.");
  }
  return { url: normaliseUrl(url), token };
}

/** Saves the credentials readable by the user alone (0600, in a 0700 folder): the token is a password. */
export async function saveCredentials(credentials: Credentials, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const file = configPath(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // writeFile's mode applies only when it creates the file; an older one keeps its mode otherwise.
  await chmod(file, 0o600);
  return file;
}
