import type { Metadata } from "next";
import { FlowDetailView } from "./flow-detail-view";

export const metadata: Metadata = { title: "Flow" };

export default async function FlowPage({ params }: { params: Promise<{ flowId: string }> }) {
  const { flowId } = await params;
  return <FlowDetailView flowId={flowId} />;
}
