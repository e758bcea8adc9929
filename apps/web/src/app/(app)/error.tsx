"use client";

import { ErrorState } from "@/components/error-state";

export default function AppError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState title="This page ran into a problem" error={error} onRetry={retry} />;
}
