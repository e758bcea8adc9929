import type { Metadata } from "next";
import { Suspense } from "react";
import { ChangeSetView } from "@/features/approvals/change-set-view";

export const metadata: Metadata = { title: "Change set" };

export default async function ChangeSetPage({ params }: { params: Promise<{ changeSetId: string }> }) {
  const { changeSetId } = await params;
  // The filters live in the address (useSearchParams), which needs a Suspense boundary.
  return (
    <Suspense>
      <ChangeSetView changeSetId={changeSetId} />
    </Suspense>
  );
}
