import { buttonClasses } from "@flowgate/ui";
import Link from "next/link";
import { LogoMark } from "@/components/icons";

export default function NotFound() {
  return (
    <div className="flex min-h-screen flex-col items-center justify-center px-4 text-center">
      <LogoMark className="mb-6 size-10" />
      <h1 className="text-2xl font-semibold text-slate-900">This page does not exist</h1>
      <p className="mt-2 max-w-md text-sm text-slate-600">The link may be old, or the page may have moved.</p>
      <Link href="/flows" className={buttonClasses({ variant: "primary", className: "mt-6" })}>
        Go to your flows
      </Link>
    </div>
  );
}
