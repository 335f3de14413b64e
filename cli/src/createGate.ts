/** The 429-aware gate for creates: how many may be in flight, lowered by Kraken's 429s, raised by successes. */

/**
 * At most `max` creates in flight. A 429 halves the limit (once per pause: a storm answering every create in flight
 * halves it once) and holds new creates for the wait Kraken asked for; each success raises it by one, up to `max`.
 */
export class CreateGate {
  private inFlight = 0;
  private pausedUntil = 0;
  private waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  limit: number;

  constructor(readonly max: number) {
    this.limit = max;
  }

  acquire(signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const tryTake = (): void => {
        if (signal?.aborted) return resolve(false);
        if (this.inFlight < this.limit && Date.now() >= this.pausedUntil) {
          this.inFlight++;
          resolve(true);
        } else {
          this.waiters.push(tryTake);
          this.schedule();
        }
      };
      tryTake();
    });
  }

  release(): void {
    this.inFlight--;
    this.pump();
  }

  rateLimited(waitMs: number): void {
    if (Date.now() >= this.pausedUntil) this.limit = Math.max(1, Math.floor(this.limit / 2));
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + waitMs);
    this.schedule();
  }

  succeeded(): void {
    if (this.limit < this.max) {
      this.limit++;
      this.pump();
    }
  }

  private schedule(): void {
    const wait = this.pausedUntil - Date.now();
    if (wait > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
    }
  }

  private pump(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }
}
