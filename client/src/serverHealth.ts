/**
 * What the extension does when the language server dies, cannot start, or its connection fails: restart it within
 * limits, and tell the user once, in plain words (vscode-languageclient's default restarts silently, shows a
 * notification per connection error, and on giving up names neither the extension nor what to do).
 *
 * The decisions are pure (`ServerHealth`, unit-tested in test/unit/serverHealth.test.ts). `createErrorHandler` and
 * `createInitializationFailedHandler` adapt them to vscode-languageclient; the library's action values are passed
 * in, so this module needs neither `vscode` nor `vscode-languageclient` at run time.
 */

export interface HealthPolicy {
  /** Restarts allowed within `windowMs`; the next crash in that window stops the server for the session. */
  maxRestarts: number;
  windowMs: number;
  /** Failed writes in a row tolerated before the connection is shut down. */
  maxConnectionErrors: number;
  /**
   * Before shutting an erroring connection down, wait this long for the connection to close: writes fail in a burst
   * when the server has just died, and then the close (and its restart) is the right answer, not a shutdown.
   */
  settleMs: number;
}

/** The library default's numbers: 4 restarts in 3 minutes, 3 connection errors. */
export const DEFAULT_HEALTH_POLICY: HealthPolicy = { maxRestarts: 4, windowMs: 3 * 60_000, maxConnectionErrors: 3, settleMs: 1000 };

/** Something to show the user (a notification), with the output channel one click away. */
export interface Notice {
  level: 'warning' | 'error';
  message: string;
}

export interface Decision {
  /** Restart (closed), keep the connection (error), retry (initialization). */
  goOn: boolean;
  /** For the output channel, always. */
  log: string;
  /** For the user, at most once per kind of event in a session. */
  notice?: Notice;
}

const NAME = 'Kraken Import';
const DETAILS = `The ${NAME} output has the details.`;
const RELOAD = 'Payload checks, completion and hover are off until you reload the window (Developer: Reload Window).';

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m === 1 ? '1 minute' : `${m} minutes`;
}

export class ServerHealth {
  private crashes: number[] = [];
  private lastClosed = -Infinity;
  private readonly told = new Set<'restarted' | 'stopped' | 'connection' | 'initialization'>();

  constructor(readonly policy: HealthPolicy = DEFAULT_HEALTH_POLICY) {}

  /** Tells once per kind: later events of the same kind are only logged. */
  private once(kind: 'restarted' | 'stopped' | 'connection' | 'initialization', notice: Notice): Notice | undefined {
    if (this.told.has(kind)) return undefined;
    this.told.add(kind);
    return notice;
  }

  /** The connection closed without the extension stopping the server: it crashed, was killed, or exited. */
  onClosed(now: number): Decision {
    this.lastClosed = now;
    this.crashes.push(now);
    this.crashes = this.crashes.filter((t) => now - t <= this.policy.windowMs);
    const recent = this.crashes.length;
    if (recent > this.policy.maxRestarts) {
      return {
        goOn: false,
        log: `The language server stopped ${recent} times in ${minutes(this.policy.windowMs)}; it is not restarted again.`,
        notice: this.once('stopped', {
          level: 'error',
          message: `${NAME}: the language server stopped ${recent} times in ${minutes(this.policy.windowMs)}, so it was not restarted. ${RELOAD} ${DETAILS}`,
        }),
      };
    }
    return {
      goOn: true,
      log: `The language server stopped unexpectedly (${recent} in the last ${minutes(this.policy.windowMs)}); restarting it.`,
      notice: this.once('restarted', {
        level: 'warning',
        message: `${NAME}: the language server stopped unexpectedly and was restarted; checks continue. If it happens again it is restarted without this message. ${DETAILS}`,
      }),
    };
  }

  /**
   * Reading from or writing to the server failed. `count` is how many writes failed in a row (reset by a good one);
   * it is missing for errors of the channel itself, which is what a dying server produces just before the close:
   * those never shut the connection down (vscode-languageclient's default does, and then a server that died while
   * the user typed is not restarted). `goOn: false` is tentative: confirm it with `confirmShutdown` after settleMs.
   */
  onConnectionError(error: unknown, count: number | undefined): Decision {
    const reason = error instanceof Error ? error.message : String(error);
    if (count === undefined)
      return { goOn: true, log: `The connection to the language server failed (${reason}); if the server stopped, it is restarted.` };
    if (count <= this.policy.maxConnectionErrors)
      return { goOn: true, log: `Writing to the language server failed (${reason}); ${count} in a row, keeping the connection.` };
    return { goOn: false, log: `Writing to the language server keeps failing (${reason}).` };
  }

  /** After settleMs: shut the connection down, unless it closed meanwhile (then the close decided: restart or not). */
  confirmShutdown(errorAt: number): Decision {
    if (this.lastClosed >= errorAt)
      return { goOn: true, log: 'The connection failed because the language server stopped; see the restart.' };
    return {
      goOn: false,
      log: 'Writing to the language server keeps failing; shutting the server down.',
      notice: this.once('connection', {
        level: 'error',
        message: `${NAME}: the connection to the language server keeps failing, so the server was shut down. ${RELOAD} ${DETAILS}`,
      }),
    };
  }

  /** The server started but answered `initialize` with an error (or died during it). Not retried: it would fail again. */
  onInitializationFailed(error: unknown): Decision {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      goOn: false,
      log: `The language server could not start: ${reason}`,
      notice: this.once('initialization', {
        level: 'error',
        message: `${NAME}: the language server could not start (${reason}). ${RELOAD} ${DETAILS}`,
      }),
    };
  }
}

/** Where decisions go: the output channel and a notification (which may offer to open the output). */
export interface HealthUi {
  log(line: string): void;
  notify(notice: Notice): void;
  now?(): number;
}

/** vscode-languageclient's ErrorAction and CloseAction values (passed in: see the file comment). */
export interface ClientActions<ErrorAction, CloseAction> {
  continue: ErrorAction;
  shutdown: ErrorAction;
  restart: CloseAction;
  doNotRestart: CloseAction;
}

/**
 * An ErrorHandler for LanguageClientOptions.errorHandler. Every result is `handled`: the client then only logs our
 * message (it would otherwise show its own notifications); the user sees ours, once.
 */
export function createErrorHandler<ErrorAction, CloseAction>(
  health: ServerHealth,
  ui: HealthUi,
  actions: ClientActions<ErrorAction, CloseAction>,
) {
  const tell = (d: Decision) => {
    if (d.notice) ui.notify(d.notice);
  };
  const now = () => (ui.now ? ui.now() : Date.now());
  return {
    async error(
      error: Error,
      _message: unknown,
      count: number | undefined,
    ): Promise<{ action: ErrorAction; message: string; handled: true }> {
      const at = now();
      let d = health.onConnectionError(error, count);
      if (!d.goOn) {
        await new Promise((resolve) => setTimeout(resolve, health.policy.settleMs));
        d = health.confirmShutdown(at);
      }
      tell(d);
      return { action: d.goOn ? actions.continue : actions.shutdown, message: d.log, handled: true };
    },
    closed(): { action: CloseAction; message: string; handled: true } {
      const d = health.onClosed(now());
      tell(d);
      return { action: d.goOn ? actions.restart : actions.doNotRestart, message: d.log, handled: true };
    },
  };
}

/** An InitializationFailedHandler: logs, tells once, does not retry. */
export function createInitializationFailedHandler(health: ServerHealth, ui: HealthUi): (error: unknown) => boolean {
  return (error) => {
    const d = health.onInitializationFailed(error);
    ui.log(d.log);
    if (d.notice) ui.notify(d.notice);
    return d.goOn;
  };
}
