import { useState } from 'react';
import { campaignsApi } from '../../api/campaigns';
import type { Campaign } from '../../api/types';
import { Button } from '../../components/Button';
import { Card, CardBody, CardHeader } from '../../components/Card';
import { TextAreaField } from '../../components/form/fields';
import { useToast } from '../../context/ToastContext';
import { asApiError } from '../../api/client';

const toList = (text: string) => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);

/** The API names a bad entry by its index (`postbackAllowedIps.2`); people think in lines. */
function errorText(err: ReturnType<typeof asApiError>, list: string[]): string {
  const entry = Object.entries(err.fieldErrors).find(([path]) => path.startsWith('postbackAllowedIps'));
  if (!entry) return err.message;
  const index = Number(entry[0].split('.')[1]);
  return Number.isInteger(index) && list[index] !== undefined ? `${list[index]}: ${entry[1]}` : entry[1];
}

/**
 * Where the campaign's postbacks may come from. Empty: anywhere, the token
 * alone decides; otherwise postbacks from other addresses are refused (403)
 * and never stored.
 */
export function PostbackAllowList({ campaign, onChanged }: { campaign: Campaign; onChanged(c: Campaign): void }) {
  const saved = campaign.postbackAllowedIps ?? [];
  const [text, setText] = useState(saved.join('\n'));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const { notify } = useToast();
  const dirty = toList(text).join('\n') !== saved.join('\n');

  const save = async () => {
    const list = toList(text);
    setSaving(true);
    setError(null);
    try {
      const { campaign: c } = await campaignsApi.update(campaign.id, { postbackAllowedIps: list });
      setText((c.postbackAllowedIps ?? []).join('\n'));
      onChanged(c);
      notify('success', list.length ? 'Postback IP allow-list saved' : 'Postbacks accepted from any address');
    } catch (err) {
      setError(errorText(asApiError(err), list));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card>
      <CardHeader
        title="Allowed postback IPs"
        description="Optional. List your servers' addresses or CIDR ranges (one per line, IPv4 or IPv6). When the list is not empty, postbacks from any other address are refused with 403 and not recorded."
      />
      <CardBody className="space-y-3">
        <TextAreaField
          label="Addresses and ranges"
          hint="e.g. 203.0.113.10 or 198.51.100.0/24 — leave empty to accept postbacks from anywhere (the token still has to match)"
          value={text}
          onChange={(v) => {
            setText(v);
            setError(null);
          }}
          error={error ?? undefined}
          rows={4}
          spellCheck={false}
        />
        <Button onClick={() => void save()} busy={saving} disabled={!dirty}>
          Save allow-list
        </Button>
      </CardBody>
    </Card>
  );
}
