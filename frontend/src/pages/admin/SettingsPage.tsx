import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { WEEKDAYS, type PayoutSchedule, type PlatformSettingField, type Weekday } from '@offerly/contract';
import { asApiError } from '../../api/client';
import { usePlatformSettingsSave } from '../../api/mutations';
import { queries } from '../../api/queries';
import type { PlatformSettings, PlatformSettingsPatch } from '../../api/settings';
import { Button } from '../../components/Button';
import { Card, CardBody, CardHeader } from '../../components/Card';
import { CheckboxField, FormAlert, SelectField, TextField } from '../../components/form/fields';
import { PageHeader } from '../../components/PageHeader';
import { Async } from '../../components/states';
import { useToast } from '../../context/ToastContext';
import { formatDateTime, humanize } from '../../lib/format';

/** Admins: payout hold, minimum payout, payout schedule and advertiser approval (environment values are the defaults). */
export function SettingsPage() {
  const settings = useQuery(queries.platformSettings.get());
  return (
    <>
      <PageHeader title="Platform settings" description="Values saved here override the environment’s defaults. Every change is recorded in the audit log." />
      <Async state={settings}>{(s) => <SettingsForm key={s.updatedAt ?? 'defaults'} initial={s} />}</Async>
    </>
  );
}

type Every = PayoutSchedule['every'];

/** The form's text state: what the inputs hold, parsed only on save. */
interface Draft {
  holdDays: string;
  minimumCents: string;
  every: Every;
  at: string;
  weekday: string;
  day: string;
  expression: string;
  approvalRequired: boolean;
}

function draftOf(s: PlatformSettings): Draft {
  const p = s.values.payoutSchedule;
  return {
    holdDays: String(s.values.payoutHoldDays),
    minimumCents: String(s.values.payoutMinimumCents),
    every: p.every,
    at: p.every === 'cron' ? '02:30' : p.at,
    weekday: p.every === 'week' ? p.weekday : 'monday',
    day: p.every === 'month' ? String(p.day) : '1',
    expression: p.every === 'cron' ? p.expression : '',
    approvalRequired: s.values.advertiserApproval === 'required',
  };
}

const intIn = (v: string, min: number, max: number) => /^\d+$/.test(v.trim()) && Number(v) >= min && Number(v) <= max;

/** The values of the form, or the field errors that keep it from being sent. */
function parseDraft(d: Draft): { values: PlatformSettings['values'] } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!intIn(d.holdDays, 0, 365)) errors.payoutHoldDays = 'A whole number of days from 0 to 365';
  if (!intIn(d.minimumCents, 0, 100_000_000)) errors.payoutMinimumCents = 'A whole number of minor units (cents) from 0 to 100000000';
  if (d.every !== 'cron' && !/^([01]\d|2[0-3]):[0-5]\d$/.test(d.at)) errors['payoutSchedule.at'] = 'A time of day HH:MM, e.g. 02:30';
  if (d.every === 'month' && !intIn(d.day, 1, 28)) errors['payoutSchedule.day'] = 'A day from 1 to 28';
  if (d.every === 'cron' && !/^\S+(\s+\S+){4,5}$/.test(d.expression.trim())) errors['payoutSchedule.expression'] = 'Five fields: minute hour day month weekday, e.g. 30 2 * * *';
  if (Object.keys(errors).length) return { errors };
  const schedule: PayoutSchedule =
    d.every === 'day'
      ? { every: 'day', at: d.at }
      : d.every === 'week'
        ? { every: 'week', weekday: d.weekday as Weekday, at: d.at }
        : d.every === 'month'
          ? { every: 'month', day: Number(d.day), at: d.at }
          : { every: 'cron', expression: d.expression.trim() };
  return { values: { payoutHoldDays: Number(d.holdDays), payoutMinimumCents: Number(d.minimumCents), payoutSchedule: schedule, advertiserApproval: d.approvalRequired ? 'required' : 'auto' } };
}

/** Only the settings whose value differs from what is in effect are sent (so an unchanged default stays a default). */
function changesOf(current: PlatformSettings['values'], next: PlatformSettings['values']): PlatformSettingsPatch {
  const patch: Record<string, unknown> = {};
  for (const f of Object.keys(next) as PlatformSettingField[]) {
    if (JSON.stringify(current[f]) !== JSON.stringify(next[f])) patch[f] = next[f];
  }
  return patch as PlatformSettingsPatch;
}

export function scheduleText(p: PayoutSchedule): string {
  if (p.every === 'cron') return `cron ${p.expression}`;
  if (p.every === 'day') return `daily at ${p.at} UTC`;
  if (p.every === 'week') return `${humanize(p.weekday)}s at ${p.at} UTC`;
  return `day ${p.day} of each month at ${p.at} UTC`;
}

function SettingsForm({ initial }: { initial: PlatformSettings }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const save = usePlatformSettingsSave();
  const { notify } = useToast();
  const set = <K extends keyof Draft>(k: K) => (v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));

  const send = async (patch: PlatformSettingsPatch, done: string) => {
    setFormError(null);
    try {
      await save.mutateAsync(patch);
      notify('success', done);
    } catch (err) {
      const e = asApiError(err);
      setErrors(e.fieldErrors);
      setFormError(e.message);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseDraft(draft);
    if ('errors' in parsed) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    const patch = changesOf(initial.values, parsed.values);
    if (Object.keys(patch).length === 0) {
      notify('info', 'Nothing changed');
      return;
    }
    await send(patch, 'Settings saved');
  };

  const origin = (f: PlatformSettingField, shown: ReactNode) => (
    <SourceNote source={initial.sources[f]} defaultText={shown} busy={save.isPending} onReset={() => void send({ [f]: null } as PlatformSettingsPatch, 'Reset to the default')} />
  );
  const d = initial.defaults;

  return (
    <form onSubmit={submit} noValidate className="space-y-6" aria-label="Platform settings">
      <FormAlert message={formError} />
      <Card>
        <CardHeader title="Payouts" description="Applied by the next payout run; the schedule takes effect at once in every jobs process." />
        <CardBody>
          <div className="grid gap-6 sm:grid-cols-2">
            <div>
              <TextField label="Payout hold (days)" inputMode="numeric" value={draft.holdDays} onChange={set('holdDays')} error={errors.payoutHoldDays} hint="Approved conversions become payable this many days after they converted." />
              {origin('payoutHoldDays', `${d.payoutHoldDays} days`)}
            </div>
            <div>
              <TextField
                label="Minimum payout (minor units)"
                inputMode="numeric"
                value={draft.minimumCents}
                onChange={set('minimumCents')}
                error={errors.payoutMinimumCents}
                suffix="cents"
                hint="Per affiliate and currency, in the currency’s minor units (5000 = 50.00 USD); smaller totals wait for a later run."
              />
              {origin('payoutMinimumCents', `${d.payoutMinimumCents} cents`)}
            </div>
            <ScheduleFields draft={draft} set={set} errors={errors} />
            <div className="sm:col-span-2">{origin('payoutSchedule', scheduleText(d.payoutSchedule))}</div>
          </div>
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Accounts" />
        <CardBody>
          <CheckboxField
            label="New advertisers need an admin’s approval"
            checked={draft.approvalRequired}
            onChange={set('approvalRequired')}
            hint="Off: advertisers are approved at registration and their offers take traffic at once."
          />
          {origin('advertiserApproval', d.advertiserApproval === 'required' ? 'approval required' : 'approved at registration')}
        </CardBody>
      </Card>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" busy={save.isPending}>
          Save settings
        </Button>
        {initial.updatedAt && <span className="text-xs text-slate-600">Last changed {formatDateTime(initial.updatedAt)}</span>}
      </div>
    </form>
  );
}

function ScheduleFields({ draft, set, errors }: { draft: Draft; set: <K extends keyof Draft>(k: K) => (v: Draft[K]) => void; errors: Record<string, string> }) {
  return (
    <>
      <SelectField
        label="Payout schedule"
        value={draft.every}
        onChange={(v) => set('every')(v as Every)}
        error={errors['payoutSchedule.every'] ?? errors.payoutSchedule}
        options={[
          { value: 'day', label: 'Every day' },
          { value: 'week', label: 'Every week' },
          { value: 'month', label: 'Every month' },
          { value: 'cron', label: 'Cron expression' },
        ]}
      />
      <div className="grid grid-cols-2 gap-3">
        {draft.every === 'week' && (
          <SelectField label="Weekday" value={draft.weekday} onChange={set('weekday')} error={errors['payoutSchedule.weekday']} options={WEEKDAYS.map((w) => ({ value: w, label: humanize(w) }))} />
        )}
        {draft.every === 'month' && <TextField label="Day of month" inputMode="numeric" value={draft.day} onChange={set('day')} error={errors['payoutSchedule.day']} hint="1–28" />}
        {draft.every !== 'cron' && <TextField label="Time (UTC)" value={draft.at} onChange={set('at')} error={errors['payoutSchedule.at']} placeholder="02:30" />}
        {draft.every === 'cron' && (
          <TextField
            className="col-span-2"
            label="Cron expression (UTC)"
            value={draft.expression}
            onChange={set('expression')}
            error={errors['payoutSchedule.expression']}
            spellCheck={false}
            hint="minute hour day month weekday"
          />
        )}
      </div>
    </>
  );
}

/** Where a value comes from, the environment default, and a way back to it. */
function SourceNote({ source, defaultText, busy, onReset }: { source: 'default' | 'database'; defaultText: ReactNode; busy: boolean; onReset(): void }) {
  return (
    <p className="mt-2 flex flex-wrap items-center gap-2 text-xs text-slate-600">
      {source === 'default' ? (
        <span className="rounded bg-slate-100 px-1.5 py-0.5">Environment default: {defaultText}</span>
      ) : (
        <>
          <span className="rounded bg-indigo-50 px-1.5 py-0.5 text-indigo-800">Changed by an admin</span>
          <span>Default: {defaultText}</span>
          <Button variant="secondary" size="sm" onClick={onReset} disabled={busy}>
            Reset to default
          </Button>
        </>
      )}
    </p>
  );
}
