"use client";

import { Alert, Button, buttonClasses, Dialog, DialogFooter, Field, Input, Select, Textarea, useToast } from "@flowgate/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { useWorkspace } from "@/components/use-workspace";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { parseTags, TEMPLATE_CATEGORY_LABELS, TEMPLATE_CATEGORY_ORDER, type TemplateCategory } from "./template-text";

type Visibility = "workspace" | "install";

/**
 * Saves the flow as a template (its connections and secrets become placeholders of their kind, on the
 * server): a new one, or a new version of one this workspace already has. Flows installed from an
 * older version are left as they are.
 */
export function SaveTemplateDialog({ open, onClose, flow, beforeSave }: { open: boolean; onClose: () => void; flow: { id: string; name: string }; beforeSave?: () => Promise<unknown> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const { canAdmin } = useWorkspace();
  const existing = useQuery(trpc.templates.list.queryOptions({}, { enabled: open }));
  const [target, setTarget] = useState("");
  const [title, setTitle] = useState(flow.name);
  const [description, setDescription] = useState("");
  const [category, setCategory] = useState<TemplateCategory>("other");
  const [tagText, setTagText] = useState("");
  const [visibility, setVisibility] = useState<Visibility>("workspace");
  const [errors, setErrors] = useState<{ title?: string; tags?: string }>({});
  const [saved, setSaved] = useState<{ templateId: string; version: number; title: string } | null>(null);
  const save = useMutation(
    trpc.templates.saveFromFlow.mutationOptions({
      onSuccess: async ({ templateId, version }, input) => {
        setSaved({ templateId, version, title: input.title });
        toast({ tone: "success", title: version > 1 ? `“${input.title}” is now at version ${version}` : `Saved “${input.title}” as a template`, description: "Find it under Templates." });
        await queryClient.invalidateQueries(trpc.templates.pathFilter());
      },
    }),
  );
  const editable = (existing.data?.items ?? []).filter((t) => t.visibility !== "builtin");

  function pickTarget(id: string) {
    setTarget(id);
    const template = editable.find((t) => t.id === id);
    if (template) {
      // Updating: start from what the template says now.
      setTitle(template.title);
      setDescription(template.description);
      setCategory(template.category);
      setTagText(template.tags.join(", "));
      setVisibility(template.visibility === "install" ? "install" : "workspace");
    }
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const tags = parseTags(tagText);
    const next = { title: title.trim() ? undefined : "Give the template a title.", tags: "error" in tags ? tags.error : undefined };
    setErrors(next);
    if (next.title || next.tags || "error" in tags) return;
    await beforeSave?.();
    save.mutate({ flowId: flow.id, title: title.trim(), description: description.trim(), category, tags: tags.tags, visibility, templateId: target || undefined });
  }

  function close() {
    save.reset();
    setSaved(null);
    setErrors({});
    onClose();
  }

  if (saved) {
    return (
      <Dialog open={open} onClose={close} size="md" title="Template saved" description={`“${saved.title}”, version ${saved.version}.`}>
        <p className="text-sm text-slate-700">
          Its connections are placeholders: whoever installs it picks their own. Flows already installed from an earlier version are not changed.
        </p>
        <DialogFooter>
          <Button variant="secondary" onClick={close}>
            Close
          </Button>
          <Link href={`/templates?template=${encodeURIComponent(saved.templateId)}`} className={buttonClasses({ variant: "primary" })} onClick={close}>
            Open it in Templates
          </Link>
        </DialogFooter>
      </Dialog>
    );
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      dismissible={!save.isPending}
      size="lg"
      title="Save as template"
      description="Others start from it in Templates. Connections and secrets are not copied: they become placeholders of their kind."
    >
      <form id="save-template-form" noValidate onSubmit={(event) => void submit(event)} className="space-y-4">
        <Field label="Save as" hint={target ? "A new version of this template; flows installed from it keep what they have." : undefined}>
          <Select
            value={target}
            onChange={(event) => pickTarget(event.target.value)}
            disabled={existing.isPending}
            options={[
              { value: "", label: "A new template" },
              ...editable.map((t) => ({ value: t.id, label: `Update “${t.title}” (version ${t.version})` })),
            ]}
          />
        </Field>
        <Field label="Title" error={errors.title}>
          <Input value={title} maxLength={120} onChange={(event) => setTitle(event.target.value)} />
        </Field>
        <Field label="Description" hint="The job it does, in plain words: what it reads, what it writes, how often.">
          <Textarea value={description} maxLength={5000} rows={3} onChange={(event) => setDescription(event.target.value)} />
        </Field>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Category">
            <Select
              value={category}
              onChange={(event) => setCategory(event.target.value as TemplateCategory)}
              options={TEMPLATE_CATEGORY_ORDER.map((value) => ({ value, label: TEMPLATE_CATEGORY_LABELS[value] }))}
            />
          </Field>
          <Field label="Tags" aside="Optional" hint="Separated by commas, e.g. stock, prices." error={errors.tags}>
            <Input value={tagText} onChange={(event) => setTagText(event.target.value)} placeholder="stock, prices" />
          </Field>
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-slate-900">Who can install it</legend>
          <div className="mt-2 space-y-2">
            <VisibilityOption value="workspace" current={visibility} onChange={setVisibility} label="This workspace" text="Everyone in this workspace sees it in Templates." />
            <VisibilityOption
              value="install"
              current={visibility}
              onChange={setVisibility}
              disabled={!canAdmin}
              label="Every workspace on this Flowgate"
              text={canAdmin ? "Every workspace of this installation sees it." : "Only owners and admins can share a template with every workspace."}
            />
          </div>
        </fieldset>
        {save.isError ? <Alert>{errorMessage(save.error)}</Alert> : null}
      </form>
      <DialogFooter>
        <Button variant="secondary" onClick={close} disabled={save.isPending}>
          Cancel
        </Button>
        <Button type="submit" form="save-template-form" variant="primary" loading={save.isPending}>
          {target ? "Save a new version" : "Save template"}
        </Button>
      </DialogFooter>
    </Dialog>
  );
}

function VisibilityOption({
  value,
  current,
  onChange,
  label,
  text,
  disabled = false,
}: {
  value: Visibility;
  current: Visibility;
  onChange: (value: Visibility) => void;
  label: string;
  text: string;
  disabled?: boolean;
}) {
  return (
    <label className={"flex items-start gap-2.5 rounded-control border border-line px-3 py-2 " + (disabled ? "opacity-60" : "cursor-pointer hover:bg-slate-50")}>
      <input type="radio" name="template-visibility" className="mt-1 accent-accent-600" checked={current === value} disabled={disabled} onChange={() => onChange(value)} />
      <span>
        <span className="block text-sm font-medium text-slate-900">{label}</span>
        <span className="block text-xs text-slate-500">{text}</span>
      </span>
    </label>
  );
}
