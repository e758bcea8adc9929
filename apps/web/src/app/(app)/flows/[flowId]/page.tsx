import type { Metadata } from "next";
import { FlowEditor } from "@/features/flow-editor/flow-editor";

export const metadata: Metadata = { title: "Flow editor" };

export default async function FlowPage({ params }: { params: Promise<{ flowId: string }> }) {
  const { flowId } = await params;
  return <FlowEditor flowId={flowId} />;
}
