import { useEffect, useState } from 'react';
import { useToast } from '../context/ToastContext';
import { Button, type Size, type Variant } from './Button';

async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission denied or an insecure context: fall back to a selection copy.
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  let ok: boolean;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

export function CopyButton({ text, label = 'Copy', what, variant = 'secondary', size = 'sm' }: { text: string; label?: string; what?: string; variant?: Variant; size?: Size }) {
  const [copied, setCopied] = useState(false);
  const { notify } = useToast();
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <Button
      variant={variant}
      size={size}
      aria-label={what ? `${label} ${what}` : label}
      onClick={async () => {
        if (await copyText(text)) {
          setCopied(true);
          notify('success', `${what ? what.charAt(0).toUpperCase() + what.slice(1) : 'Text'} copied to the clipboard`);
        } else {
          notify('error', 'Copy failed: select the text and copy it by hand');
        }
      }}
    >
      {copied ? '✓ Copied' : label}
    </Button>
  );
}

/** A read-only value in monospace with a copy button next to it. */
export function CopyField({ value, what, label }: { value: string; what: string; label?: string }) {
  return (
    <div className="flex items-stretch gap-2">
      <code aria-label={label ?? what} className="block min-w-0 flex-1 overflow-x-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-xs leading-5 break-all whitespace-pre-wrap text-slate-100">
        {value}
      </code>
      <div className="flex items-center">
        <CopyButton text={value} what={what} />
      </div>
    </div>
  );
}
