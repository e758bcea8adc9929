import { runCli } from "./cli";
import { processIo } from "./output";

// exitCode rather than exit(): stdout is flushed before the process ends, even when piped.
process.exitCode = await runCli(process.argv.slice(2), processIo);
