import type { Metadata } from "next";
import { RunSummaryView } from "./run-summary-view";

export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  const { runId } = await params;
  return <RunSummaryView runId={runId} />;
}
