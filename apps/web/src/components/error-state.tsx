"use client";

import { Button } from "@flowgate/ui";
import { errorMessage } from "@/lib/errors";
import { AlertIcon } from "./icons";

export function ErrorState({
  title = "This could not be loaded",
  error,
  onRetry,
  retrying,
}: {
  title?: string;
  error: unknown;
  onRetry?: () => void;
  retrying?: boolean;
}) {
  return (
    <div role="alert" className="flex flex-col items-center rounded-card border border-red-200 bg-red-50/50 px-6 py-12 text-center">
      <div className="mb-3 flex size-10 items-center justify-center rounded-full bg-red-100 text-red-600">
        <AlertIcon />
      </div>
      <h2 className="text-base font-semibold text-slate-900">{title}</h2>
      <p className="mt-1 max-w-md text-sm text-slate-600">{errorMessage(error)}</p>
      {onRetry ? (
        <Button className="mt-5" onClick={onRetry} loading={retrying}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}

/** The ErrorState of a failed query, with "Try again" refetching it. */
export function QueryErrorState({
  title,
  query,
}: {
  title: string;
  query: { error: unknown; refetch: () => unknown; isRefetching: boolean };
}) {
  return <ErrorState title={title} error={query.error} onRetry={() => void query.refetch()} retrying={query.isRefetching} />;
}
