import type { Metadata } from "next";
import { Suspense } from "react";
import { RunView } from "@/features/runs/run-view";

export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  const { runId } = await params;
  // The tab and the open step live in the address (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense>
      <RunView runId={runId} />
    </Suspense>
  );
}
