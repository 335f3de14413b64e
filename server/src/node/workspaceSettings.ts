/**
 * The settings each document is checked with, per workspace folder, in layers (each on top of the one before):
 *   1. `kraken-import.config.json` at the folder's root: the file the CLI reads (configFile.ts, one reader);
 *   2. the client's `initializationOptions` (applied from the first validation on);
 *   3. the editor's settings (`workspace/configuration`, section `krakenImport`, scoped to the folder).
 * `rules` and `payloadAssociations` merge per key; `maxFindings` and `contract` are taken from the top-most layer
 * that sets them. A contract the client sends (`krakenImport/setContract`, the VS Code extension's contract
 * setting) is above all three. Every folder has its own language service; documents outside every folder use
 * layers 2 and 3 only. No LSP import here: server.ts wires the connection in through `SettingsHost`.
 */
import { existsSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKrakenService, type KrakenService, type SchemaSet } from '../../../core/src/service';
import { loadCliContract } from '../../../core/src/contract';
import { checkSettings, CONFIG_FILE, ConfigError, parseConfig, type CheckSettings, type KrakenConfig } from '../../../core/src/config';

export interface SettingsHost {
  log(line: string): void;
  /** A settings problem the user must see (a config file or settings object that cannot be used). */
  problem(message: string, file?: string): void;
  /** The editor's `krakenImport` settings for a folder (undefined: the client has none or cannot say). */
  editorSettings(scopeUri: string | undefined): Promise<unknown>;
  /** Runs a long step (loading a contract) with progress shown, when the client can show it. */
  progress<T>(title: string, run: () => Promise<T>): Promise<T>;
}

export interface FolderSettings {
  /** The folder's URI; '' for documents outside every workspace folder. */
  uri: string;
  /** The folder on disk (file: URIs only). */
  dir?: string;
  service: KrakenService;
  /** The config file's text as last read (null: no file). */
  fileText: string | null;
  file?: KrakenConfig;
  editor?: CheckSettings;
  /** The contract the config file names, converted; and what it was loaded from. */
  fileSchemaSet?: SchemaSet;
  fileContract?: string;
}

/** initializationOptions: the check settings, and what the client offers the server. */
export interface InitializationOptions extends CheckSettings {
  /** The client's command that opens completion again (VS Code: `editor.action.triggerSuggest`). */
  retriggerCompletionCommand?: string;
}
// Not `contract`: the VS Code extension sends its contract with krakenImport/setContract; other editors name it in
// the config file.
const INIT_KEYS: ReadonlySet<string> = new Set(['rules', 'payloadAssociations', 'maxFindings', 'retriggerCompletionCommand']);

/** Checks initializationOptions strictly: an unknown key is an error that names it. */
export function parseInitializationOptions(value: unknown): InitializationOptions {
  if (value === undefined || value === null) return {};
  const settings = checkSettings(value, 'initializationOptions', INIT_KEYS);
  const command = (value as Record<string, unknown>).retriggerCompletionCommand;
  if (command !== undefined && (typeof command !== 'string' || !command))
    throw new ConfigError('initializationOptions: "retriggerCompletionCommand" must be a command name');
  return command ? { ...settings, retriggerCompletionCommand: command as string } : settings;
}

function merge(layers: Array<CheckSettings | undefined>): CheckSettings {
  const out: CheckSettings = {};
  for (const l of layers) {
    if (!l) continue;
    if (l.rules) out.rules = { ...out.rules, ...l.rules };
    if (l.payloadAssociations) out.payloadAssociations = { ...out.payloadAssociations, ...l.payloadAssociations };
    if (l.maxFindings !== undefined) out.maxFindings = l.maxFindings;
    if (l.contract !== undefined) out.contract = l.contract;
  }
  return out;
}

/** The path a file: URI names; undefined for another scheme or a URI Node cannot turn into a path here. */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export class WorkspaceSettings {
  init: InitializationOptions = {};
  /** The contract the client sent (`krakenImport/setContract`), above every folder's own. */
  clientSchemaSet: SchemaSet | undefined;
  private folders: FolderSettings[] = [];
  private readonly outside: FolderSettings = { uri: '', service: createKrakenService(), fileText: null };
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly debounce = new Map<string, NodeJS.Timeout>();

  constructor(private readonly host: SettingsHost) {}

  /** Sets the workspace folders (keeps the state of those that stay). */
  setFolders(uris: string[]): void {
    const keep = new Map(this.folders.map((f) => [f.uri, f]));
    this.folders = uris
      .map((u) => u.replace(/\/$/, ''))
      .map((uri) => keep.get(uri) ?? { uri, dir: uriToPath(uri), service: createKrakenService(), fileText: null });
    for (const [uri, w] of this.watchers) {
      if (!this.folders.some((f) => f.uri === uri)) {
        w.close();
        this.watchers.delete(uri);
      }
    }
  }

  all(): FolderSettings[] {
    return [...this.folders, this.outside];
  }

  /** The folder a document belongs to (the innermost workspace folder that holds it). */
  folderFor(uri: string): FolderSettings {
    let best: FolderSettings | undefined;
    for (const f of this.folders) if (uri.startsWith(f.uri + '/') && (!best || f.uri.length > best.uri.length)) best = f;
    return best ?? this.outside;
  }

  /** The folder whose config file is at `uri`, if any. */
  folderOfConfig(uri: string): FolderSettings | undefined {
    return this.folders.find((f) => `${f.uri}/${CONFIG_FILE}` === uri);
  }

  /** Reads every folder's config file and the editor settings, and configures the services. */
  async loadAll(): Promise<void> {
    for (const f of this.folders) this.readFile(f);
    await this.loadEditorSettings();
    await Promise.all(this.all().map((f) => this.apply(f)));
  }

  /** Reads the editor settings again (after `workspace/didChangeConfiguration`) and reconfigures. */
  async loadEditorSettings(pushed?: unknown): Promise<void> {
    for (const f of this.all()) {
      let value: unknown;
      try {
        value = pushed !== undefined ? pushed : await this.host.editorSettings(f.uri || undefined);
      } catch (error) {
        this.host.log(`could not read the editor's krakenImport settings: ${String(error)}`);
        value = undefined;
      }
      try {
        f.editor = value === undefined || value === null ? undefined : checkSettings(value, 'the editor settings (krakenImport)');
      } catch (error) {
        f.editor = undefined;
        this.host.problem(`${(error as Error).message}: not applied`);
      }
    }
  }

  async applyAll(): Promise<void> {
    await Promise.all(this.all().map((f) => this.apply(f)));
  }

  /** Re-reads a folder's config file; true when it changed (and the folder was reconfigured). */
  async reloadFile(f: FolderSettings): Promise<boolean> {
    if (!this.readFile(f)) return false;
    await this.apply(f);
    return true;
  }

  /**
   * Watches each folder's config file with the file system, for clients that cannot watch files for the server
   * (no dynamic `workspace/didChangeWatchedFiles` registration). `onChange` runs after a changed file is applied.
   */
  watchWithFileSystem(onChange: (f: FolderSettings) => void): void {
    for (const f of this.folders) {
      if (!f.dir || this.watchers.has(f.uri)) continue;
      try {
        const w = watch(f.dir, { persistent: false }, (_event, name) => {
          if (name !== null && String(name) !== CONFIG_FILE) return;
          clearTimeout(this.debounce.get(f.uri));
          // One editor save is several events (truncate, write, rename): read once they stop.
          this.debounce.set(
            f.uri,
            setTimeout(() => {
              this.debounce.delete(f.uri);
              void this.reloadFile(f).then((changed) => changed && onChange(f));
            }, 50),
          );
        });
        w.on('error', (error) => this.host.log(`stopped watching ${f.dir}: ${String(error)}`));
        this.watchers.set(f.uri, w);
      } catch (error) {
        this.host.log(`cannot watch ${f.dir} for ${CONFIG_FILE}: ${String(error)}`);
      }
    }
  }

  dispose(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    for (const t of this.debounce.values()) clearTimeout(t);
  }

  /** Reads the folder's config file; true when its text changed. */
  private readFile(f: FolderSettings): boolean {
    if (!f.dir) return false;
    const file = path.join(f.dir, CONFIG_FILE);
    let text: string | null = null;
    try {
      text = existsSync(file) ? readFileSync(file, 'utf8') : null;
    } catch (error) {
      this.host.problem(`cannot read ${file}: ${(error as Error).message}`, file);
    }
    if (text === f.fileText) return false;
    f.fileText = text;
    f.file = undefined;
    if (text !== null) {
      try {
        f.file = parseConfig(text, file);
        this.host.log(`settings from ${file}`);
      } catch (error) {
        this.host.problem(`${(error as Error).message}. Its settings are not applied until it is fixed.`, file);
      }
    }
    return true;
  }

  private async apply(f: FolderSettings): Promise<void> {
    const fromFile: CheckSettings | undefined = f.file
      ? { rules: f.file.rules, payloadAssociations: f.file.payloadAssociations, maxFindings: f.file.maxFindings }
      : undefined;
    const s = merge([fromFile, this.init, f.editor]);
    // The config file's contract, relative to the file (as the CLI reads it).
    const contract = f.file?.contract;
    if (contract !== f.fileContract) {
      f.fileContract = contract;
      f.fileSchemaSet = undefined;
      if (contract && f.dir) {
        const dir = f.dir;
        try {
          const loaded = await this.host.progress(`Kraken Import: loading the contract ${contract}`, () =>
            loadCliContract(contract, { baseDir: dir, note: (line) => this.host.log(line) }),
          );
          if (f.fileContract === contract) f.fileSchemaSet = loaded?.schemaSet;
          if (loaded) this.host.log(`contract ${loaded.schemaSet.label} from ${path.join(dir, CONFIG_FILE)}`);
        } catch (error) {
          this.host.problem(
            `${path.join(dir, CONFIG_FILE)}: the contract "${contract}" cannot be used (${(error as Error).message}); the bundled schemas are used`,
            path.join(dir, CONFIG_FILE),
          );
        }
      }
    }
    f.service.configure({
      rules: s.rules ?? {},
      associations: s.payloadAssociations ?? {},
      associationBase: f.dir,
      maxFindings: s.maxFindings,
      schemaSet: this.clientSchemaSet ?? f.fileSchemaSet,
    });
  }
}
