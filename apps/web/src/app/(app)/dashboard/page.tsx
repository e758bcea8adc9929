import type { Metadata } from "next";
import { Suspense } from "react";
import { DashboardView } from "@/features/dashboard/dashboard-view";

export const metadata: Metadata = { title: "Dashboard" };

export default function DashboardPage() {
  // The range lives in the address (?range=7d), read on the client.
  return (
    <Suspense>
      <DashboardView />
    </Suspense>
  );
}
