import { redirect } from "next/navigation";
import { getSession } from "@/lib/session";
import { AuthForm } from "./auth-form";

export type AuthSearchParams = Promise<{ invite?: string | string[] }>;

/**
 * The sign-in or sign-up page: someone already signed in goes on to their invitation, if the link
 * carried one, or to the dashboard.
 */
export async function AuthPage({ mode, searchParams }: { mode: "sign-in" | "sign-up"; searchParams: AuthSearchParams }) {
  const { invite } = await searchParams;
  const token = typeof invite === "string" && invite ? invite : undefined;
  if (await getSession()) redirect(token ? `/invite/${encodeURIComponent(token)}` : "/dashboard");
  return <AuthForm mode={mode} invite={token} />;
}
