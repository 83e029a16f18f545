import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

export const inputClass = (invalid: boolean, extra = '') =>
  `block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:outline-none disabled:bg-slate-50 disabled:text-slate-500 ${
    invalid ? 'ring-rose-400 focus:ring-rose-600' : 'ring-slate-300 focus:ring-indigo-600'
  } ${extra}`;

interface FieldShell {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  className?: string;
}

function Shell({ id, label, hint, error, className = '', children, required }: FieldShell & { id: string; children: ReactNode; required?: boolean }) {
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
        {required && (
          <span className="text-rose-700" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </label>
      <div className="mt-1">{children}</div>
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-rose-700">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

const describedBy = (id: string, error?: string | null, hint?: ReactNode) => (error ? `${id}-error` : hint ? `${id}-hint` : undefined);

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> &
  FieldShell & { value: string; onChange(value: string): void; prefix?: ReactNode; suffix?: ReactNode; ref?: Ref<HTMLInputElement> };

export function TextField({ label, hint, error, className, value, onChange, prefix, suffix, id: idProp, required, ref, ...rest }: InputProps) {
  const auto = useId();
  const id = idProp ?? auto;
  const input = (
    <input
      ref={ref}
      id={id}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy(id, error, hint)}
      required={required}
      className={inputClass(Boolean(error), prefix ? 'pl-9' : suffix ? 'pr-12' : '')}
      {...rest}
    />
  );
  return (
    <Shell id={id} label={label} hint={hint} error={error} className={className} required={required}>
      {prefix || suffix ? (
        <div className="relative">
          {prefix && <span className="pointer-events-none absolute inset-y-0 left-0 flex items-center pl-3 text-sm text-slate-500">{prefix}</span>}
          {input}
          {suffix && <span className="pointer-events-none absolute inset-y-0 right-0 flex items-center pr-3 text-sm text-slate-500">{suffix}</span>}
        </div>
      ) : (
        input
      )}
    </Shell>
  );
}

type TextAreaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'onChange' | 'value'> & FieldShell & { value: string; onChange(value: string): void };

export function TextAreaField({ label, hint, error, className, value, onChange, id: idProp, required, ...rest }: TextAreaProps) {
  const auto = useId();
  const id = idProp ?? auto;
  return (
    <Shell id={id} label={label} hint={hint} error={error} className={className} required={required}>
      <textarea
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        required={required}
        className={inputClass(Boolean(error))}
        {...rest}
      />
    </Shell>
  );
}

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange' | 'value'> &
  FieldShell & { value: string; onChange(value: string): void; options: Array<{ value: string; label: string }> };

export function SelectField({ label, hint, error, className, value, onChange, options, id: idProp, ...rest }: SelectProps) {
  const auto = useId();
  const id = idProp ?? auto;
  return (
    <Shell id={id} label={label} hint={hint} error={error} className={className}>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        className={inputClass(Boolean(error), 'pr-8')}
        {...rest}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Shell>
  );
}

export function CheckboxField({ label, hint, checked, onChange, className = '' }: { label: ReactNode; hint?: ReactNode; checked: boolean; onChange(v: boolean): void; className?: string }) {
  const id = useId();
  return (
    <div className={`flex items-start gap-3 ${className}`}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby={hint ? `${id}-hint` : undefined}
        className="mt-0.5 h-4 w-4 rounded border-slate-400 text-indigo-600 accent-indigo-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      />
      <div>
        <label htmlFor={id} className="text-sm font-medium text-slate-800">
          {label}
        </label>
        {hint && (
          <p id={`${id}-hint`} className="text-xs text-slate-600">
            {hint}
          </p>
        )}
      </div>
    </div>
  );
}

/** Radio buttons styled as cards, for choices that need a sentence of explanation. */
export function RadioCards<V extends string>({
  legend,
  name,
  value,
  onChange,
  options,
  error,
  columns = 'sm:grid-cols-2',
}: {
  legend: string;
  name: string;
  value: V;
  onChange(v: NoInfer<V>): void;
  options: Array<{ value: NoInfer<V>; label: string; description?: string }>;
  error?: string | null;
  columns?: string;
}) {
  const id = useId();
  return (
    <fieldset aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      <div className={`mt-2 grid grid-cols-1 gap-2 ${columns}`}>
        {options.map((o) => {
          const checked = o.value === value;
          return (
            <label
              key={o.value}
              className={`relative flex cursor-pointer gap-3 rounded-lg border p-3 text-sm has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-indigo-600 ${
                checked ? 'border-indigo-600 bg-indigo-50/60 ring-1 ring-indigo-600' : 'border-slate-300 bg-white hover:bg-slate-50'
              }`}
            >
              <input type="radio" name={name} value={o.value} checked={checked} onChange={() => onChange(o.value)} className="mt-0.5 h-4 w-4 accent-indigo-600" />
              <span>
                <span className="block font-medium text-slate-900">{o.label}</span>
                {o.description && <span className="block text-xs text-slate-600">{o.description}</span>}
              </span>
            </label>
          );
        })}
      </div>
      {error && (
        <p id={`${id}-error`} className="mt-1 text-sm text-rose-700">
          {error}
        </p>
      )}
    </fieldset>
  );
}

export function FormAlert({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-800">
      {message}
    </div>
  );
}
