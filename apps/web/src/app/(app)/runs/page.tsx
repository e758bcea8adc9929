import { ComingSoon, comingSoonMetadata } from "@/components/coming-soon";

export const metadata = comingSoonMetadata("runs");

export default function RunsPage() {
  return <ComingSoon section="runs" />;
}
