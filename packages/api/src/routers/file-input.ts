import { fileTooLargeMessage, MAX_FLOW_FILE_BYTES } from "@flowgate/flow";
import { TRPCError } from "@trpc/server";
import { z } from "zod";

/** A Flowgate file (flow, template) as text: the JSON is read by its parse function, which checks its size and nesting first. */
export const FileText = z.string().max(MAX_FLOW_FILE_BYTES, "The file is larger than 5 MB, the most a Flowgate file can be.");
export const FileProblem = z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() });

/**
 * Middleware that refuses an oversized `fileText` with one plain sentence before the input schema runs
 * (its own refusal reaches the client as a list of zod issues). The request body has been read by
 * then: the HTTP route is what bounds that. `what` names the file: "flow" or "template".
 */
export function refuseLargeFile(what: "flow" | "template") {
  return async <R>({ getRawInput, next }: { getRawInput: () => Promise<unknown>; next: () => Promise<R> }): Promise<R> => {
    const raw = (await getRawInput()) as { fileText?: unknown } | undefined;
    if (typeof raw?.fileText === "string" && raw.fileText.length > MAX_FLOW_FILE_BYTES) {
      throw new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: fileTooLargeMessage(raw.fileText.length, what) });
    }
    return next();
  };
}
