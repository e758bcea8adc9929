"use client";

import { Alert, Button, Dialog, DialogFooter, Field, Select, useToast } from "@flowgate/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { problemsFromMessage, type PickedFile } from "@/features/flow-files/flow-file-check";
import { FilePicker } from "@/features/flow-files/import-flow-dialog";
import { FileCheckStatus, useFileCheck } from "@/features/flow-files/use-file-check";
import { errorCode, errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";

/**
 * Imports a template file as a new template (version 1). Checked in the browser first with the
 * server's own `parseTemplateFile` (size, nesting, envelope, parameters), then by the server (step
 * kinds, refs, targets); every problem is listed. Install-wide sharing is offered to admins and owners.
 */
export function ImportTemplateDialog({ open, canShareWithInstall, onClose, onImported }: { open: boolean; canShareWithInstall: boolean; onClose: () => void; onImported: (templateId: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const [visibility, setVisibility] = useState<"workspace" | "install">("workspace");
  const validate = useMutation(trpc.templates.validateImport.mutationOptions());
  const check = useFileCheck("template", (fileText) => validate.mutateAsync({ fileText }));
  const { step, setStep } = check;
  const importTemplate = useMutation(
    trpc.templates.import.mutationOptions({
      onSuccess: async ({ templateId }) => {
        await queryClient.invalidateQueries(trpc.templates.list.pathFilter());
        toast({ tone: "success", title: "Template imported", description: "It is in the gallery now: install it to make a flow from it." });
        close();
        onImported(templateId);
      },
      onError: (error) => {
        if (errorCode(error) === "BAD_REQUEST" && step.kind === "ready") setStep({ kind: "problems", fileName: step.fileName, problems: problemsFromMessage(errorMessage(error)) });
      },
    }),
  );

  async function take(picked: PickedFile & { name: string }) {
    importTemplate.reset();
    await check.take(picked);
  }

  function close() {
    setStep({ kind: "pick" });
    setVisibility("workspace");
    importTemplate.reset();
    onClose();
  }

  const busy = step.kind === "checking" || importTemplate.isPending;
  return (
    <Dialog
      open={open}
      onClose={close}
      dismissible={!busy}
      size="md"
      title="Import a template file"
      description="A .template.json file exported from a Flowgate template gallery. It holds no secrets: you pick your own connections when you install it."
    >
      {step.kind === "pick" ? (
        <FilePicker what="template" onFile={(picked) => void take(picked)} />
      ) : step.kind === "checking" || step.kind === "problems" ? (
        <FileCheckStatus step={step} />
      ) : (
        <form
          id="import-template-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            importTemplate.mutate({ fileText: step.text, visibility });
          }}
          className="space-y-4"
        >
          <p className="text-sm text-slate-700">
            <span className="font-medium break-all">{step.fileName}</span> is the template “<span className="break-words">{step.name}</span>”
            {step.connections > 0 ? `. It needs ${step.connections === 1 ? "1 connection" : `${step.connections} connections`}, chosen when you install it.` : "."}
          </p>
          {canShareWithInstall ? (
            <Field label="Who can install it">
              <Select
                value={visibility}
                onChange={(event) => setVisibility(event.target.value as "workspace" | "install")}
                options={[
                  { value: "workspace", label: "This workspace" },
                  { value: "install", label: "All workspaces" },
                ]}
              />
            </Field>
          ) : null}
          {importTemplate.isError ? <Alert>{errorMessage(importTemplate.error)}</Alert> : null}
        </form>
      )}
      <DialogFooter>
        {step.kind === "problems" ? (
          <Button variant="primary" onClick={() => setStep({ kind: "pick" })}>
            Choose another file
          </Button>
        ) : null}
        <Button variant={step.kind === "pick" ? "primary" : "secondary"} disabled={busy} onClick={close}>
          {step.kind === "ready" ? "Cancel" : "Close"}
        </Button>
        {step.kind === "ready" ? (
          <Button type="submit" form="import-template-form" variant="primary" loading={importTemplate.isPending}>
            Import template
          </Button>
        ) : null}
      </DialogFooter>
    </Dialog>
  );
}
