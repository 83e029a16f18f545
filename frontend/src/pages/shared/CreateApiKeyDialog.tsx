import { useState, type FormEvent } from 'react';
import { SCOPE_TEXT, type ApiKeyScope } from '../../api/api-keys';
import { asApiError, type ApiError } from '../../api/client';
import { useApiKeyCreate } from '../../api/mutations';
import { Button } from '../../components/Button';
import { CopyField } from '../../components/CopyButton';
import { FormAlert, RadioCards, TextField } from '../../components/form/fields';
import { Modal } from '../../components/Modal';

const SCOPES = (Object.keys(SCOPE_TEXT) as ApiKeyScope[]).map((value) => ({ value, ...SCOPE_TEXT[value] }));

/**
 * Two steps in one dialog: name and scope, then the secret, which the API
 * returns this once; closing the dialog forgets it. The list of keys behind
 * it is read again as soon as the key exists (useApiKeyCreate).
 */
export function CreateApiKeyDialog({ onClose }: { onClose(): void }) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<ApiKeyScope>('read');
  const [error, setError] = useState<ApiError | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const create = useApiKeyCreate();
  const busy = create.isPending;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const created = await create.mutateAsync({ name: name.trim(), scope });
      setSecret(created.secret);
    } catch (err) {
      setError(asApiError(err));
    }
  };

  if (secret) {
    return (
      <Modal title="Copy your API key" onClose={onClose} footer={<Button onClick={onClose}>Done</Button>}>
        <div className="space-y-3 text-sm text-slate-700">
          <p>
            This is the only time the key is shown. Store it somewhere safe; if you lose it, revoke it and create another.
          </p>
          <CopyField value={secret} what="API key" label="New API key" />
          <p className="text-xs text-slate-600">
            Send it as <code className="font-mono">Authorization: Bearer &lt;key&gt;</code>.
          </p>
        </div>
      </Modal>
    );
  }

  return (
    <Modal title="Create API key" onClose={onClose}>
      <form onSubmit={submit} noValidate className="space-y-4">
        <TextField label="Name" value={name} onChange={setName} maxLength={60} required placeholder="Checkout server" hint="What the key is for, so you recognise it later." error={error?.fieldErrors.name ?? null} />
        <RadioCards legend="Access" name="scope" value={scope} onChange={setScope} options={SCOPES} columns="sm:grid-cols-1" error={error?.fieldErrors.scope ?? null} />
        <FormAlert message={error && !error.fieldErrors.name && !error.fieldErrors.scope ? error.message : null} />
        <div className="flex flex-wrap justify-end gap-2 pt-1">
          <Button variant="secondary" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" busy={busy} disabled={!name.trim()}>
            Create key
          </Button>
        </div>
      </form>
    </Modal>
  );
}
