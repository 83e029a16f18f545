import { useState, type FormEvent, type ReactNode } from 'react';
import { asApiError } from '../api/client';
import { Button, type Variant } from './Button';
import { CheckboxField, FormAlert, TextAreaField, TextField } from './form/fields';
import { Modal } from './Modal';

export interface ConfirmOptions {
  title: string;
  message?: ReactNode;
  confirmLabel: string;
  variant?: Variant;
  /** Ask for a note kept in the history. */
  note?: { label: string; required?: boolean; placeholder?: string };
  /** Ask for a payment reference (mark paid). */
  reference?: { label: string };
  /** Offer a choice about the note (e.g. also show it to the affiliate); unchecked by default. */
  check?: { label: string; hint?: string };
  onConfirm(input: { note: string; reference: string; checked: boolean }): Promise<void>;
}

/** Confirmation with an optional note; the API's error shows inside the dialog. */
export function ConfirmDialog({ options, onClose }: { options: ConfirmOptions; onClose(): void }) {
  const [note, setNote] = useState('');
  const [reference, setReference] = useState('');
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [noteError, setNoteError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (options.note?.required && !note.trim()) {
      setNoteError('Please add a note');
      return;
    }
    if (note.length > 500) {
      setNoteError('Keep the note under 500 characters');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await options.onConfirm({ note: note.trim(), reference: reference.trim(), checked });
      onClose();
    } catch (err) {
      const apiErr = asApiError(err);
      setError(apiErr.fieldErrors.note ?? apiErr.message);
      setBusy(false);
    }
  };

  return (
    <Modal title={options.title} onClose={onClose}>
      <form onSubmit={submit} noValidate className="space-y-4">
        {options.message && <div className="text-sm text-slate-700">{options.message}</div>}
        {options.reference && <TextField label={options.reference.label} value={reference} onChange={setReference} maxLength={200} />}
        {options.note && (
          <TextAreaField
            label={options.note.label}
            value={note}
            onChange={(v) => {
              setNote(v);
              setNoteError(null);
            }}
            rows={3}
            required={options.note.required}
            placeholder={options.note.placeholder}
            error={noteError}
          />
        )}
        {options.check && <CheckboxField label={options.check.label} hint={options.check.hint} checked={checked} onChange={setChecked} />}
        <FormAlert message={error} />
        <div className="flex flex-wrap justify-end gap-2 pt-1">
          <Button variant="secondary" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant={options.variant ?? 'primary'} busy={busy}>
            {options.confirmLabel}
          </Button>
        </div>
      </form>
    </Modal>
  );
}

/** State holder: `ask(options)` opens the dialog; render `dialog` somewhere in the page. */
export function useConfirm(): { ask(o: ConfirmOptions): void; dialog: ReactNode } {
  const [options, setOptions] = useState<ConfirmOptions | null>(null);
  return { ask: setOptions, dialog: options ? <ConfirmDialog options={options} onClose={() => setOptions(null)} /> : null };
}
