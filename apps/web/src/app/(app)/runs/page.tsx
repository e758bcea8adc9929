import type { Metadata } from "next";
import { Suspense } from "react";
import { RunsView } from "@/features/runs/runs-view";

export const metadata: Metadata = { title: "Runs" };

export default function RunsPage() {
  // The filters live in the address (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense>
      <RunsView />
    </Suspense>
  );
}
