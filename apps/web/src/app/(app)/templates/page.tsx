import type { Metadata } from "next";
import { ComingSoon } from "@/components/coming-soon";
import { TemplateIcon } from "@/components/icons";

export const metadata: Metadata = { title: "Templates" };

export default function TemplatesPage() {
  return (
    <ComingSoon
      title="Templates"
      description="Ready-made flows for common jobs, to start from instead of a blank page."
      icon={<TemplateIcon />}
      headline="Start from a flow that already works"
      text="Pick a template — sync supplier prices to your shop, push stock levels every hour, import a product feed — connect your own systems, and adjust it to fit. Templates arrive switched off and without credentials, so nothing runs until you say so."
      points={[
        { title: "Common integrations", text: "Products, prices, stock and orders between the systems people use most." },
        { title: "Safe by default", text: "Imported flows start disabled, with no connections attached." },
        { title: "Share your own", text: "Export a flow you built and reuse it in another workspace." },
      ]}
    />
  );
}
