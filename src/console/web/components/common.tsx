/** Small building blocks: page heading, error and notice boxes, stat cards, a confirm button, a scrolling table wrapper. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** The first page shown keeps the browser's focus; later navigations move it to the new heading. */
let navigated = false;

export function Page({ title, actions, children }: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Gregor console`;
    if (navigated) h1.current?.focus();
    navigated = true;
  }, [title]);
  return (
    <section aria-labelledby="page-title">
      <header class="page-head">
        <h1 id="page-title" tabIndex={-1} ref={h1}>{title}</h1>
        {actions ? <div class="actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

export function ErrorBox({ error }: { error?: string }) {
  return error ? <p class="error" role="alert">{error}</p> : null;
}

export function Notice({ children }: { children: ComponentChildren }) {
  return <p class="notice" role="status">{children}</p>;
}

export function Stat({ label, value, warn }: { label: string; value: ComponentChildren; warn?: boolean }) {
  return (
    <div class={`stat${warn ? ' warn' : ''}`}>
      <div class="stat-value">{value}</div>
      <div class="stat-label">{label}</div>
    </div>
  );
}

export function TableWrap({ children }: { children: ComponentChildren }) {
  return <div class="table-wrap">{children}</div>;
}

/**
 * A button that asks before acting, in a modal <dialog> (keyboard: Escape cancels, the confirm
 * button takes focus); the action's error is shown beside the button.
 */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, danger = true }: {
  label: string; question: string; confirmLabel?: string; onConfirm(): Promise<unknown>; danger?: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
      setError(undefined);
      dialog.current?.close();
    } catch (e) {
      setError((e as Error).message);
      dialog.current?.close();
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="confirm">
      <button type="button" class={danger ? 'danger' : ''} onClick={() => dialog.current?.showModal()}>{label}</button>
      <dialog ref={dialog} aria-label={label}>
        <p>{question}</p>
        <div class="dialog-actions">
          <button type="button" onClick={() => dialog.current?.close()}>Cancel</button>
          <button type="button" class={danger ? 'danger' : 'primary'} disabled={busy} autoFocus onClick={() => void confirm()}>{confirmLabel ?? label}</button>
        </div>
      </dialog>
      <ErrorBox error={error} />
    </span>
  );
}

/** Submits a form with busy state and a shown error or success message. */
export function useSubmit<T>(action: () => Promise<T>, done?: (result: T) => string | void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setMessage(undefined);
    try {
      const result = await action();
      const m = done?.(result);
      if (m) setMessage(m);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, message, submit };
}

export function FormResult({ error, message }: { error?: string; message?: string }) {
  if (error) return <p class="error" role="alert">{error}</p>;
  if (message) return <p class="ok" role="status">{message}</p>;
  return null;
}
