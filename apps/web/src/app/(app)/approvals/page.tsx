import type { Metadata } from "next";
import { ComingSoon } from "@/components/coming-soon";
import { ApprovalIcon } from "@/components/icons";

export const metadata: Metadata = { title: "Approvals" };

export default function ApprovalsPage() {
  return (
    <ComingSoon
      title="Approvals"
      description="Changes waiting for someone to say yes before they are written."
      icon={<ApprovalIcon />}
      headline="Review each change, field by field, before it's written"
      text="When a flow has an approval step, the changes it would make wait here: one item per record, showing what each field holds now and what it would become. Approve or reject them one by one or all at once, and the flow carries on with what you approved."
      points={[
        { title: "Before and after", text: "See every changed field side by side, so a wrong price never reaches your shop." },
        { title: "In bulk or one by one", text: "Approve a whole change set at once, or pick out the items that look wrong." },
        { title: "Remembered decisions", text: "Rejected changes are not proposed again until the source changes them." },
      ]}
    />
  );
}
