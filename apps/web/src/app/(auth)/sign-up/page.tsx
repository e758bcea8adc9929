import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthForm } from "@/components/auth-form";
import { getSession } from "@/lib/session";

export const metadata: Metadata = { title: "Create account" };
export const dynamic = "force-dynamic";

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ invite?: string | string[] }> }) {
  const { invite } = await searchParams;
  const token = typeof invite === "string" && invite ? invite : undefined;
  if (await getSession()) redirect(token ? `/invite/${encodeURIComponent(token)}` : "/flows");
  return <AuthForm mode="sign-up" invite={token} />;
}
