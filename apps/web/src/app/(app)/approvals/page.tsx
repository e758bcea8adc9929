import { ComingSoon, comingSoonMetadata } from "@/components/coming-soon";

export const metadata = comingSoonMetadata("approvals");

export default function ApprovalsPage() {
  return <ComingSoon section="approvals" />;
}
