"use client";

import { MAX_FLOW_FILE_BYTES, describeFileSize } from "@flowgate/flow";
import { Alert, Button, cn, Dialog, DialogFooter, Field, Input, useToast } from "@flowgate/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState, type DragEvent } from "react";
import { errorCode, errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { dragHasFiles, problemsFromMessage, type PickedFile } from "./flow-file-check";
import { FileCheckStatus, useFileCheck } from "./use-file-check";

/**
 * Imports a flow file: picked here or dropped on the flows list (`file`). The file is checked in the
 * browser first (size, nesting, envelope), then by the server (node kinds, connections), and every
 * problem is listed. The new flow arrives switched off, never published, its connections to choose:
 * the editor opens on it.
 */
export function ImportFlowDialog({ open, file, onClose }: { open: boolean; file: (PickedFile & { name: string }) | null; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const [name, setName] = useState("");
  const validate = useMutation(trpc.flows.validateImport.mutationOptions());
  const check = useFileCheck("flow", (fileText) => validate.mutateAsync({ fileText }));
  const { step, setStep } = check;
  const importFlow = useMutation(
    trpc.flows.import.mutationOptions({
      onSuccess: async ({ flowId, problems }) => {
        await queryClient.invalidateQueries(trpc.flows.list.pathFilter());
        const toChoose = problems.filter((p) => p.code === "connection_unassigned").length;
        toast({
          tone: "success",
          title: "Flow imported",
          description:
            "It is switched off and not published yet." +
            (toChoose > 0 ? ` Choose a connection for ${toChoose === 1 ? "1 step" : `${toChoose} steps`} (listed under Problems), then publish it.` : " Check it, then publish it."),
        });
        close();
        router.push(`/flows/${flowId}`);
      },
      onError: (error) => {
        if (errorCode(error) === "BAD_REQUEST" && ready) setStep({ kind: "problems", fileName: ready.fileName, problems: problemsFromMessage(errorMessage(error)) });
      },
    }),
  );
  const ready = step.kind === "ready" ? step : null;

  async function take(picked: PickedFile & { name: string }) {
    importFlow.reset();
    const checked = await check.take(picked);
    if (checked) setName(checked.name);
  }

  // A file dropped on the flows list arrives with the dialog.
  useEffect(() => {
    if (open && file) void take(file);
    // Once per dropped file: `take` is recreated each render and must not re-run the check.
  }, [open, file]);

  function close() {
    setStep({ kind: "pick" });
    setName("");
    importFlow.reset();
    onClose();
  }

  const busy = step.kind === "checking" || importFlow.isPending;
  return (
    <Dialog
      open={open}
      onClose={close}
      dismissible={!busy}
      size="md"
      title="Import a flow file"
      description="A .json file exported from Flowgate (Export, or flowgate flows export). The flow arrives switched off, with its connections to choose."
    >
      {step.kind === "pick" ? (
        <FilePicker onFile={(picked) => void take(picked)} />
      ) : step.kind === "checking" || step.kind === "problems" ? (
        <FileCheckStatus step={step} />
      ) : (
        <form
          id="import-flow-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            importFlow.mutate({ fileText: step.text, name: name.trim() || undefined });
          }}
          className="space-y-4"
        >
          <p className="text-sm text-slate-700">
            <span className="font-medium break-all">{step.fileName}</span> is a valid flow file
            {step.connections > 0
              ? `. It uses ${step.connections === 1 ? "1 connection" : `${step.connections} connections`}: you will pick this workspace's own in the editor.`
              : "."}
          </p>
          <Field label="Name of the new flow" hint="The name from the file; change it if a flow of that name exists.">
            <Input value={name} maxLength={120} onChange={(event) => setName(event.target.value)} required />
          </Field>
          {importFlow.isError ? <Alert>{errorMessage(importFlow.error)}</Alert> : null}
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
          <Button type="submit" form="import-flow-form" variant="primary" loading={importFlow.isPending} disabled={!name.trim()}>
            Import as a new flow
          </Button>
        ) : null}
      </DialogFooter>
    </Dialog>
  );
}

/** Pick or drop one file; `what` names it (“Drop a flow file here”). */
export function FilePicker({ onFile, what = "flow" }: { onFile: (file: File) => void; what?: "flow" | "template" }) {
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setOver(false);
    const dropped = event.dataTransfer.files[0];
    if (dropped) onFile(dropped);
  }
  return (
    <div
      onDragOver={(event) => {
        if (!dragHasFiles([...event.dataTransfer.types])) return;
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      className={cn(
        "flex flex-col items-center gap-3 rounded-card border-2 border-dashed px-6 py-8 text-center transition-colors",
        over ? "border-accent-500 bg-accent-50" : "border-slate-300 bg-slate-50/60",
      )}
    >
      <p className="text-sm text-slate-700">Drop a {what} file here, or</p>
      <input
        ref={inputRef}
        id={inputId}
        type="file"
        accept=".json,application/json"
        className="sr-only"
        onChange={(event) => {
          const picked = event.target.files?.[0];
          event.target.value = "";
          if (picked) onFile(picked);
        }}
      />
      <Button variant="secondary" onClick={() => inputRef.current?.click()}>
        Choose a file…
      </Button>
      <p className="text-xs text-slate-500">JSON, at most {describeFileSize(MAX_FLOW_FILE_BYTES)}.</p>
    </div>
  );
}

/**
 * Lets a flow file be dropped anywhere on the page it wraps (the flows list): a calm overlay says
 * what will happen, and the file goes to `onFile`. Drags of anything but files are left alone.
 */
export function FlowFileDropZone({ enabled, onFile, children }: { enabled: boolean; onFile: (file: File) => void; children: React.ReactNode }) {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  if (!enabled) return <>{children}</>;
  return (
    <div
      className="relative"
      onDragEnter={(event) => {
        if (!dragHasFiles([...event.dataTransfer.types])) return;
        depth.current += 1;
        setOver(true);
      }}
      onDragOver={(event) => {
        if (dragHasFiles([...event.dataTransfer.types])) event.preventDefault();
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDrop={(event) => {
        if (!dragHasFiles([...event.dataTransfer.types])) return;
        event.preventDefault();
        depth.current = 0;
        setOver(false);
        const dropped = event.dataTransfer.files[0];
        if (dropped) onFile(dropped);
      }}
    >
      {children}
      {over ? (
        <div aria-hidden className="pointer-events-none absolute -inset-2 z-10 grid place-items-center rounded-card border-2 border-dashed border-accent-500 bg-accent-50/85">
          <p className="text-sm font-medium text-accent-800">Drop the flow file to import it as a new, switched-off flow</p>
        </div>
      ) : null}
    </div>
  );
}
