import type { Metadata } from "next";
import { Suspense } from "react";
import { LineageView } from "@/features/lineage/lineage-view";

export const metadata: Metadata = { title: "Lineage" };

export default function LineagePage() {
  // The key lives in the address (?key=SKU-1), read on the client.
  return (
    <Suspense>
      <LineageView />
    </Suspense>
  );
}
