import type { Metadata } from "next";
import { Suspense } from "react";
import { TemplatesView } from "@/features/templates/templates-view";

export const metadata: Metadata = { title: "Templates" };

export default function TemplatesPage() {
  // The gallery reads ?template= (the preview to open), which needs a Suspense boundary.
  return (
    <Suspense>
      <TemplatesView />
    </Suspense>
  );
}
