"use client";

import { Alert, Button, Dialog, DialogFooter, Field, Input, Select, Switch, useToast } from "@flowgate/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { TrashIcon } from "@/components/icons";
import type { Connection } from "@/lib/api-types";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";

type Kind = Connection["kind"];

interface HeaderRow {
  key: string;
  value: string;
}

interface FormState {
  kind: Kind;
  name: string;
  baseUrl: string;
  headers: HeaderRow[];
  host: string;
  port: string;
  database: string;
  user: string;
  ssl: boolean;
}

/** What happens to the stored secret on save. */
type SecretEdit = { mode: "keep" } | { mode: "replace"; value: string } | { mode: "remove" };

type Errors = Partial<Record<"name" | "baseUrl" | "host" | "port" | "database" | "user" | "headers", string>>;

function str(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : fallback;
}

function initialState(connection: Connection | null, kind: Kind | undefined): FormState {
  const s = connection?.settings ?? {};
  const headers =
    s.headers && typeof s.headers === "object"
      ? Object.entries(s.headers as Record<string, unknown>).map(([key, value]) => ({ key, value: str(value) }))
      : [];
  return {
    kind: connection?.kind ?? kind ?? "http",
    name: connection?.name ?? "",
    baseUrl: str(s.baseUrl),
    headers,
    host: str(s.host),
    port: str(s.port, "5432"),
    database: str(s.database),
    user: str(s.user),
    ssl: s.ssl === true,
  };
}

function validate(form: FormState): Errors {
  const errors: Errors = {};
  if (!form.name.trim()) errors.name = "Give the connection a name.";
  if (form.kind === "http") {
    if (!/^https?:\/\/\S+$/i.test(form.baseUrl.trim())) {
      errors.baseUrl = "Enter a full address starting with http:// or https://, e.g. https://api.example.com";
    }
    if (form.headers.some((h) => !h.key.trim() && h.value.trim())) errors.headers = "Every header needs a name.";
  } else {
    if (!form.host.trim()) errors.host = "Enter the database server's host name.";
    const port = Number(form.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) errors.port = "A port is a whole number from 1 to 65535.";
    if (!form.database.trim()) errors.database = "Enter the database name.";
    if (!form.user.trim()) errors.user = "Enter the user name.";
  }
  return errors;
}

function settingsOf(form: FormState): Record<string, unknown> {
  if (form.kind === "http") {
    const headers: Record<string, string> = {};
    for (const row of form.headers) if (row.key.trim()) headers[row.key.trim()] = row.value;
    return { baseUrl: form.baseUrl.trim(), headers };
  }
  return {
    host: form.host.trim(),
    port: Number(form.port),
    database: form.database.trim(),
    user: form.user.trim(),
    ssl: form.ssl,
  };
}

function secretOf(kind: Kind, value: string): Record<string, string> {
  return kind === "http" ? { authorization: value } : { password: value };
}

export function ConnectionDialog({
  open,
  connection,
  onClose,
  kind,
  onCreated,
}: {
  open: boolean;
  connection: Connection | null;
  onClose: () => void;
  /** For a new connection: the only type offered (a flow step that needs a PostgreSQL connection). */
  kind?: Kind;
  /** Called with the new connection's id after it is created (a flow step selects it). */
  onCreated?: (connectionId: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const editing = connection !== null;
  const [form, setForm] = useState<FormState>(() => initialState(connection, kind));
  const [secret, setSecret] = useState<SecretEdit>(() =>
    connection?.hasSecret ? { mode: "keep" } : { mode: "replace", value: "" },
  );
  const [errors, setErrors] = useState<Errors>({});

  const onSuccess = async () => {
    await queryClient.invalidateQueries(trpc.connections.list.pathFilter());
    toast({ tone: "success", title: editing ? "Connection saved" : "Connection created" });
    onClose();
  };
  const create = useMutation(
    trpc.connections.create.mutationOptions({
      onSuccess: async (created) => {
        await onSuccess();
        onCreated?.(created.id);
      },
    }),
  );
  const update = useMutation(trpc.connections.update.mutationOptions({ onSuccess }));
  const pending = create.isPending || update.isPending;
  const serverError = create.error ?? update.error;

  function set<K extends keyof FormState>(key: K, value: FormState[K]) {
    setForm((current) => ({ ...current, [key]: value }));
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = validate(form);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const settings = settingsOf(form);
    const newSecret = secret.mode === "replace" && secret.value ? secretOf(form.kind, secret.value) : undefined;
    if (connection) {
      update.mutate({
        connectionId: connection.id,
        name: form.name.trim(),
        settings,
        secret: newSecret,
        clearSecret: secret.mode === "remove" ? true : undefined,
      });
    } else {
      create.mutate({ kind: form.kind, name: form.name.trim(), settings, secret: newSecret });
    }
  }

  const secretLabel = form.kind === "http" ? "Authorization header" : "Password";

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={editing ? `Edit “${connection.name}”` : "New connection"}
      description={
        editing ? undefined : "Tell Flowgate how to reach the system. You can test it from the settings of a flow step that uses it."
      }
      size="lg"
      dismissible={!pending}
    >
      <form onSubmit={submit} noValidate className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Name" error={errors.name}>
            <Input value={form.name} onChange={(e) => set("name", e.target.value)} placeholder="e.g. Supplier API" />
          </Field>
          <Field
            label="Type"
            hint={editing ? "The type cannot be changed after creation." : kind ? "The type this flow step needs." : undefined}
          >
            <Select
              value={form.kind}
              disabled={editing || kind !== undefined}
              onChange={(e) => {
                set("kind", e.target.value as Kind);
                if (!editing) setSecret({ mode: "replace", value: "" });
              }}
              options={[
                { value: "http", label: "HTTP API" },
                { value: "postgres", label: "PostgreSQL database" },
              ]}
            />
          </Field>
        </div>

        {form.kind === "http" ? (
          <>
            <Field label="Base URL" error={errors.baseUrl} hint="Flows add their paths to this address.">
              <Input
                type="url"
                value={form.baseUrl}
                onChange={(e) => set("baseUrl", e.target.value)}
                placeholder="https://api.example.com/v1"
                spellCheck={false}
              />
            </Field>
            <HeadersEditor rows={form.headers} onChange={(rows) => set("headers", rows)} error={errors.headers} />
          </>
        ) : (
          <>
            <div className="grid gap-4 sm:grid-cols-[1fr_8rem]">
              <Field label="Host" error={errors.host}>
                <Input value={form.host} onChange={(e) => set("host", e.target.value)} placeholder="db.example.com" spellCheck={false} />
              </Field>
              <Field label="Port" error={errors.port}>
                <Input inputMode="numeric" value={form.port} onChange={(e) => set("port", e.target.value)} />
              </Field>
            </div>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Database" error={errors.database}>
                <Input value={form.database} onChange={(e) => set("database", e.target.value)} spellCheck={false} />
              </Field>
              <Field label="User" error={errors.user}>
                <Input value={form.user} onChange={(e) => set("user", e.target.value)} autoComplete="off" spellCheck={false} />
              </Field>
            </div>
            <div className="flex items-center justify-between gap-4 rounded-control border border-line px-3 py-2.5">
              <div>
                <p id="ssl-label" className="text-sm font-medium text-slate-800">
                  Use SSL
                </p>
                <p className="text-xs text-slate-500">Most hosted databases require it.</p>
              </div>
              <Switch checked={form.ssl} onCheckedChange={(v) => set("ssl", v)} aria-labelledby="ssl-label" />
            </div>
          </>
        )}

        <SecretField
          label={secretLabel}
          kind={form.kind}
          stored={connection?.hasSecret ?? false}
          value={secret}
          onChange={setSecret}
        />

        {serverError ? <Alert>{errorMessage(serverError)}</Alert> : null}

        <DialogFooter>
          <Button variant="secondary" onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={pending}>
            {editing ? "Save" : "Create connection"}
          </Button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}

function HeadersEditor({
  rows,
  onChange,
  error,
}: {
  rows: HeaderRow[];
  onChange: (rows: HeaderRow[]) => void;
  error?: string;
}) {
  const update = (index: number, patch: Partial<HeaderRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-800">
        Headers <span className="font-normal text-slate-500">(optional, sent with every request)</span>
      </legend>
      {rows.map((row, index) => (
        <div key={index} className="flex items-center gap-2">
          <Input
            aria-label={`Header ${index + 1} name`}
            value={row.key}
            onChange={(e) => update(index, { key: e.target.value })}
            placeholder="Accept"
            className="flex-1"
            spellCheck={false}
          />
          <Input
            aria-label={`Header ${index + 1} value`}
            value={row.value}
            onChange={(e) => update(index, { value: e.target.value })}
            placeholder="application/json"
            className="flex-[2]"
            spellCheck={false}
          />
          <Button
            variant="ghost"
            size="icon"
            aria-label={`Remove header ${index + 1}`}
            onClick={() => onChange(rows.filter((_, i) => i !== index))}
          >
            <TrashIcon className="size-4" />
          </Button>
        </div>
      ))}
      {error ? <p className="text-sm text-red-700">{error}</p> : null}
      <Button size="sm" variant="ghost" onClick={() => onChange([...rows, { key: "", value: "" }])}>
        + Add header
      </Button>
      <p className="text-xs text-slate-500">Do not put keys or tokens here: use the authorization field below, which is kept secret.</p>
    </fieldset>
  );
}

function SecretField({
  label,
  kind,
  stored,
  value,
  onChange,
}: {
  label: string;
  kind: Kind;
  stored: boolean;
  value: SecretEdit;
  onChange: (value: SecretEdit) => void;
}) {
  const hint =
    kind === "http"
      ? "Sent as the Authorization header, e.g. “Bearer abc123”. Stored encrypted; never shown again."
      : "Stored encrypted; never shown again.";

  if (value.mode === "replace") {
    return (
      <Field
        label={label}
        aside={stored ? undefined : "Optional"}
        hint={stored ? "The new value replaces the stored one when you save." : hint}
      >
        <div className="flex gap-2">
          <Input
            type="password"
            autoComplete="new-password"
            value={value.value}
            onChange={(e) => onChange({ mode: "replace", value: e.target.value })}
            placeholder={kind === "http" ? "Bearer …" : ""}
            className="flex-1"
          />
          {stored ? (
            <Button variant="secondary" onClick={() => onChange({ mode: "keep" })}>
              Keep current
            </Button>
          ) : null}
        </div>
      </Field>
    );
  }

  return (
    <div className="space-y-1.5">
      <p className="text-sm font-medium text-slate-800">{label}</p>
      <div className="flex items-center gap-2">
        <div className="flex h-9 flex-1 items-center rounded-control border border-dashed border-slate-300 bg-slate-50 px-3 text-sm text-slate-600">
          {value.mode === "keep" ? "•••• set" : "Will be removed when you save"}
        </div>
        <Button variant="secondary" onClick={() => onChange({ mode: "replace", value: "" })}>
          Replace
        </Button>
        {value.mode === "keep" ? (
          <Button variant="ghost" onClick={() => onChange({ mode: "remove" })}>
            Remove
          </Button>
        ) : (
          <Button variant="ghost" onClick={() => onChange({ mode: "keep" })}>
            Undo
          </Button>
        )}
      </div>
      <p className="text-sm text-slate-500">{hint}</p>
    </div>
  );
}
