import { TRPCClientError } from "@trpc/client";

/** The message to show a person for a failed call: the server's own words where it gave any. */
export function errorMessage(error: unknown, fallback = "Something went wrong. Please try again."): string {
  if (error instanceof TRPCClientError || error instanceof Error) {
    return error.message || fallback;
  }
  if (typeof error === "object" && error && "message" in error && typeof error.message === "string") {
    return error.message || fallback;
  }
  return fallback;
}

export function errorCode(error: unknown): string | undefined {
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    if (data && typeof data === "object" && "code" in data && typeof data.code === "string") return data.code;
  }
  return undefined;
}

export function errorHttpStatus(error: unknown): number | undefined {
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    if (data && typeof data === "object" && "httpStatus" in data && typeof data.httpStatus === "number") {
      return data.httpStatus;
    }
  }
  return undefined;
}
