/** `send`'s progress: a bar on a terminal, a line per payload otherwise. */
import type { JournalStatus } from '../../core/src/waves';
import type { SendIo } from './send';

/** A bar on a terminal (redrawn on stderr, problems printed above it); a plain line per payload otherwise. */
export class ProgressView {
  private readonly tty: boolean;
  private finished = 0;
  private counts = { ok: 0, failed: 0, unknown: 0, done: 0 };
  private lastDraw = 0;
  private drawn = false;
  private readonly startedAt = Date.now();

  constructor(
    private readonly io: SendIo,
    private readonly total: number,
    private readonly quiet: boolean,
  ) {
    this.tty = !!io.stderr.isTTY;
  }

  unit(status: JournalStatus | 'done', line: string): void {
    this.finished++;
    this.counts[status]++;
    if (this.tty) {
      if (status === 'failed' || status === 'unknown') this.note(line.trimEnd());
      else this.draw();
    } else if (!this.quiet) this.io.stdout.write(line.trimEnd() + '\n');
  }

  /** Actions of a payload that are not run because an earlier one failed. */
  skip(n: number): void {
    this.finished += n;
    this.draw();
  }

  changed(): void {
    this.draw();
  }

  note(line: string): void {
    if (this.tty) {
      this.clear();
      this.io.stderr.write(line + '\n');
      this.draw(true);
    } else this.io.stderr.write(line + '\n');
  }

  end(): void {
    if (this.tty) {
      this.draw(true);
      this.io.stderr.write('\n');
    }
  }

  private clear(): void {
    if (this.drawn) this.io.stderr.write('\r\x1b[2K');
  }

  private draw(force = false): void {
    if (!this.tty) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100 && this.finished < this.total) return;
    this.lastDraw = now;
    const width = Math.max(10, Math.min(40, (this.io.stderr.columns ?? 80) - 70));
    const frac = this.total ? this.finished / this.total : 1;
    const filled = Math.round(frac * width);
    const secs = (now - this.startedAt) / 1000;
    const rate = secs > 0 ? this.finished / secs : 0;
    const eta = rate > 0 ? Math.round((this.total - this.finished) / rate) : 0;
    const c = this.counts;
    this.clear();
    this.io.stderr.write(
      `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.finished}/${this.total}  ok ${c.ok}  done ${c.done}  failed ${c.failed}  unknown ${c.unknown}  ${rate.toFixed(1)}/s  ETA ${eta}s`,
    );
    this.drawn = true;
  }
}
