"use client";

import { Alert, Button, Card, Field, Input } from "@flowgate/ui";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";

type Mode = "sign-in" | "sign-up";

interface Errors {
  name?: string;
  email?: string;
  password?: string;
  form?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Where to go once signed in: back to the invitation when there is one; a new account starts with its (empty) flows. */
function destination(invite: string | undefined, signUp: boolean) {
  return invite ? `/invite/${encodeURIComponent(invite)}` : signUp ? "/flows" : "/dashboard";
}

function withInvite(path: string, invite: string | undefined) {
  return invite ? `${path}?invite=${encodeURIComponent(invite)}` : path;
}

export function AuthForm({ mode, invite }: { mode: Mode; invite?: string }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [submitting, setSubmitting] = useState(false);
  const signUp = mode === "sign-up";

  function validate(): Errors {
    const next: Errors = {};
    if (signUp && !name.trim()) next.name = "Enter your name.";
    if (!email.trim()) next.email = "Enter your email address.";
    else if (!EMAIL.test(email.trim())) next.email = "That does not look like an email address.";
    if (!password) next.password = "Enter your password.";
    else if (signUp && password.length < 8) next.password = "Use at least 8 characters.";
    return next;
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setSubmitting(true);
    const { error } = signUp
      ? await authClient.signUp.email({ name: name.trim(), email: email.trim(), password })
      : await authClient.signIn.email({ email: email.trim(), password });
    if (error) {
      setErrors({ form: error.message || (signUp ? "The account could not be created." : "Sign-in failed.") });
      setSubmitting(false);
      return;
    }
    // A full load, so the server renders the app with the new session cookie.
    window.location.assign(destination(invite, signUp));
  }

  return (
    <Card className="px-7 py-8">
      <h1 className="text-xl font-semibold text-slate-900">{signUp ? "Create your account" : "Sign in to Flowgate"}</h1>
      <p className="mt-1 text-sm text-slate-600">
        {invite
          ? signUp
            ? "Create an account to join the workspace you were invited to."
            : "Sign in to join the workspace you were invited to."
          : signUp
            ? "Start building flows that keep your systems in sync."
            : "Welcome back."}
      </p>
      <form className="mt-6 space-y-4" noValidate onSubmit={onSubmit}>
        {signUp ? (
          <Field label="Name" error={errors.name}>
            <Input name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
        ) : null}
        <Field label="Email" error={errors.email}>
          <Input
            name="email"
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field label="Password" error={errors.password} hint={signUp ? "At least 8 characters." : undefined}>
          <Input
            name="password"
            type="password"
            autoComplete={signUp ? "new-password" : "current-password"}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        {errors.form ? <Alert>{errors.form}</Alert> : null}
        <Button type="submit" variant="primary" className="w-full" loading={submitting}>
          {signUp ? "Create account" : "Sign in"}
        </Button>
      </form>
      <p className="mt-6 text-center text-sm text-slate-600">
        {signUp ? "Already have an account? " : "New to Flowgate? "}
        <Link
          href={withInvite(signUp ? "/sign-in" : "/sign-up", invite)}
          className="font-medium text-accent-700 hover:text-accent-800 hover:underline"
        >
          {signUp ? "Sign in" : "Create an account"}
        </Link>
      </p>
    </Card>
  );
}
