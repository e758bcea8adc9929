"use client";

import { Alert, Button, buttonClasses, Dialog, DialogFooter, Field, Input, Select, Skeleton, useToast } from "@flowgate/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { QueryErrorState } from "@/components/error-state";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import {
  connectionChoices,
  connectionKindLabel,
  initialParameterValues,
  readParameters,
  type ParameterValues,
  type TemplateDetail,
  type TemplateParameter,
} from "./template-text";

type Installed = { flowId: string; problems: { message: string }[] };

/**
 * Installs a template as a new, switched-off draft flow: the connections it needs (one of this
 * workspace's of each kind, or a link to create one) and its parameters, then "Dry run it now".
 */
export function InstallTemplateDialog({ templateId, onClose }: { templateId: string | null; onClose: () => void }) {
  const trpc = useTRPC();
  const template = useQuery(trpc.templates.get.queryOptions({ templateId: templateId ?? "" }, { enabled: templateId !== null }));
  const [installed, setInstalled] = useState<Installed | null>(null);
  function close() {
    setInstalled(null);
    onClose();
  }
  const title = template.data ? `Install “${template.data.title}”` : "Install a template";
  return (
    <Dialog
      open={templateId !== null}
      onClose={close}
      size="lg"
      title={installed ? "Flow created" : title}
      description={installed ? undefined : "Creates a new flow from the template, switched off and not published, so nothing runs until you say so."}
    >
      {installed ? (
        <InstalledStep installed={installed} onClose={close} />
      ) : template.isPending ? (
        <div aria-busy="true" aria-label="Loading the template" className="space-y-4">
          <Skeleton className="h-9" />
          <Skeleton className="h-9" />
          <Skeleton className="h-9" />
        </div>
      ) : template.isError ? (
        <QueryErrorState title="The template could not be loaded" query={template} />
      ) : (
        <InstallForm key={template.data.id} template={template.data} onCancel={close} onInstalled={setInstalled} />
      )}
    </Dialog>
  );
}

function InstallForm({ template, onCancel, onInstalled }: { template: TemplateDetail; onCancel: () => void; onInstalled: (installed: Installed) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const connections = useQuery(trpc.connections.list.queryOptions());
  const choices = connectionChoices(template.connections, connections.data ?? []);
  const [name, setName] = useState(template.title);
  const [picked, setPicked] = useState<Record<string, string>>({});
  const [values, setValues] = useState<ParameterValues>(() => initialParameterValues(template.parameters));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const install = useMutation(
    trpc.templates.install.mutationOptions({
      onSuccess: async (result) => {
        await Promise.all([queryClient.invalidateQueries(trpc.flows.list.pathFilter()), queryClient.invalidateQueries(trpc.templates.pathFilter())]);
        onInstalled(result);
      },
    }),
  );
  // The only connection of a kind is picked for the person; otherwise they choose.
  const connectionOf = (ref: string) => picked[ref] ?? choices[ref]?.initial ?? "";

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next: Record<string, string> = {};
    if (!name.trim()) next["name"] = "Give the new flow a name.";
    const mapping: Record<string, string> = {};
    for (const need of template.connections) {
      const id = connectionOf(need.ref);
      if (id) mapping[need.ref] = id;
      else next[`connection:${need.ref}`] = `Choose a ${connectionKindLabel(need.kind)} connection for “${need.name}”, or create one.`;
    }
    const parameters = readParameters(template.parameters, values);
    if (!parameters.ok) Object.assign(next, parameters.errors);
    setErrors(next);
    if (Object.keys(next).length > 0 || !parameters.ok) return;
    install.mutate({ templateId: template.id, name: name.trim(), connections: mapping, parameters: parameters.values });
  }

  return (
    <form noValidate onSubmit={submit} className="space-y-5">
      <Field label="Name of the new flow" error={errors["name"]}>
        <Input value={name} maxLength={120} onChange={(event) => setName(event.target.value)} />
      </Field>
      {template.connections.length > 0 ? (
        <fieldset className="space-y-3">
          <legend className="text-sm font-semibold text-slate-900">Connections</legend>
          {connections.isError ? <Alert>Your connections could not be loaded: {errorMessage(connections.error)}</Alert> : null}
          {template.connections.map((need) => {
            const options = choices[need.ref]?.options ?? [];
            const kind = connectionKindLabel(need.kind);
            return (
              <Field
                key={need.ref}
                label={`${need.name} (${kind})`}
                hint={need.description || undefined}
                error={errors[`connection:${need.ref}`]}
              >
                {connections.isPending ? (
                  <Skeleton className="h-9" />
                ) : options.length === 0 ? (
                  <p className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-control border border-dashed border-slate-300 px-3 py-2 text-sm text-slate-600">
                    No {kind} connection in this workspace yet.
                    <Link href="/connections" target="_blank" className="font-medium text-accent-700 underline-offset-2 hover:underline">
                      Create one (opens a new tab)
                    </Link>
                    <Button variant="ghost" size="sm" loading={connections.isFetching} onClick={() => void connections.refetch()}>
                      Check again
                    </Button>
                  </p>
                ) : (
                  <Select
                    value={connectionOf(need.ref)}
                    onChange={(event) => setPicked((before) => ({ ...before, [need.ref]: event.target.value }))}
                    options={[{ value: "", label: `Choose a ${kind} connection…` }, ...options.map((c) => ({ value: c.id, label: c.name }))]}
                  />
                )}
              </Field>
            );
          })}
        </fieldset>
      ) : null}
      {template.parameters.length > 0 ? (
        <fieldset className="space-y-3">
          <legend className="text-sm font-semibold text-slate-900">Settings</legend>
          {template.parameters.map((parameter) => (
            <ParameterField
              key={parameter.key}
              parameter={parameter}
              value={values[parameter.key] ?? ""}
              error={errors[parameter.key]}
              onChange={(value) => setValues((before) => ({ ...before, [parameter.key]: value }))}
            />
          ))}
        </fieldset>
      ) : null}
      {install.isError ? <Alert>{errorMessage(install.error)}</Alert> : null}
      <DialogFooter>
        <Button variant="secondary" onClick={onCancel} disabled={install.isPending}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" loading={install.isPending}>
          Install
        </Button>
      </DialogFooter>
    </form>
  );
}

function ParameterField({ parameter, value, error, onChange }: { parameter: TemplateParameter; value: string; error: string | undefined; onChange: (value: string) => void }) {
  return (
    <Field label={parameter.label} aside={parameter.required ? undefined : "Optional"} hint={parameter.description || undefined} error={error}>
      {parameter.type === "select" ? (
        <Select
          value={value}
          onChange={(event) => onChange(event.target.value)}
          options={[...(parameter.required && value !== "" ? [] : [{ value: "", label: "Choose…" }]), ...(parameter.options ?? [])]}
        />
      ) : (
        <Input
          type={parameter.type === "url" ? "url" : "text"}
          inputMode={parameter.type === "number" ? "decimal" : parameter.type === "url" ? "url" : undefined}
          value={value}
          maxLength={2000}
          placeholder={parameter.type === "url" ? "https://" : undefined}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

function InstalledStep({ installed, onClose }: { installed: Installed; onClose: () => void }) {
  const router = useRouter();
  const { toast } = useToast();
  const flowHref = `/flows/${encodeURIComponent(installed.flowId)}`;
  return (
    <div>
      <p className="text-sm text-slate-700">
        The new flow is switched off and not published. Try it with a dry run: it reads the first records and shows what would be written, without writing
        anything.
      </p>
      {installed.problems.length > 0 ? (
        <Alert tone="warning" className="mt-4" title={installed.problems.length === 1 ? "1 thing to finish in the editor" : `${installed.problems.length} things to finish in the editor`}>
          <ul className="list-disc space-y-1 pl-5">
            {installed.problems.map((problem, i) => (
              <li key={i}>{problem.message}</li>
            ))}
          </ul>
        </Alert>
      ) : null}
      <DialogFooter>
        <Link href={flowHref} className={buttonClasses({ variant: "secondary" })} onClick={onClose}>
          Open the flow
        </Link>
        <Button
          variant="primary"
          autoFocus
          onClick={() => {
            toast({ tone: "info", title: "Starting a dry run", description: "Its results appear under the canvas." });
            onClose();
            router.push(`${flowHref}?dryRun=1`);
          }}
        >
          Dry run it now
        </Button>
      </DialogFooter>
    </div>
  );
}
