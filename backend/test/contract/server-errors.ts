import { Writable } from 'node:stream';

interface LogLine {
  level: number;
  msg?: string;
  route?: string;
  status?: number;
  url?: string;
  method?: string;
  details?: unknown;
  err?: { type?: string; message?: string; stack?: string };
  /** Set on the request log's own lines, which repeat what the handler's line says. */
  req?: unknown;
}

const ERROR_LEVEL = 50;

/**
 * Keeps the API's error-level log lines, so a failing contract run can show
 * why the server answered 500 beside schemathesis's report of what it sent.
 */
export class ServerErrors extends Writable {
  private lines: string[] = [];

  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (const raw of chunk.toString().split('\n')) {
      if (!raw.trim()) continue;
      try {
        const line = JSON.parse(raw) as LogLine;
        if (line.level >= ERROR_LEVEL && line.req === undefined) this.lines.push(describe(line));
      } catch {
        this.lines.push(raw);
      }
    }
    done();
  }

  /** A mark to read from: the lines logged after it are one run's. */
  mark(): number {
    return this.lines.length;
  }

  since(mark: number, max = 10): string {
    const lines = [...new Set(this.lines.slice(mark))];
    const shown = lines.slice(0, max).join('\n\n');
    return lines.length > max ? `${shown}\n\n… ${lines.length - max} more distinct lines` : shown;
  }
}

function describe(line: LogLine): string {
  const where = line.route ?? [line.method, line.url].filter(Boolean).join(' ');
  const head = `${line.msg ?? ''}${where ? ` (${where})` : ''}`;
  if (line.details !== undefined) return `${head}: ${JSON.stringify(line.details)}`;
  const stack = (line.err?.stack ?? '').split('\n').slice(0, 8).join('\n');
  return `${head}\n${stack}`;
}
