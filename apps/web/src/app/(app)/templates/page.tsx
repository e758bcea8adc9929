import { ComingSoon, comingSoonMetadata } from "@/components/coming-soon";

export const metadata = comingSoonMetadata("templates");

export default function TemplatesPage() {
  return <ComingSoon section="templates" />;
}
