import * as vscode from 'vscode';

export const SECTION = 'netz';

/** Keys under `netz` that configure this extension only and are never sent to the server. */
const CLIENT_ONLY_KEYS = ['server'];

/**
 * Keys whose empty string means "unset". They are sent as null, because the server merges
 * each update onto its current settings and a missing key would keep the old value. With
 * null the server applies its own default (`OLLAMA_HOST` for `ollamaHost`, the client's
 * locale for `locale`).
 */
const NULL_WHEN_EMPTY = ['ollamaHost', 'locale'];

/** Models behind the fixed profiles, as in docs/protocol.md. */
export const DEFAULT_PROFILE_MODELS: Record<string, string> = {
    fast: 'llama3.2',
    balanced: 'mistral',
    code: 'qwen2.5-coder:32b',
    accurate: 'qwen2.5:72b',
};

export type ServerSettings = Record<string, unknown>;

/**
 * Read the `netz` section as the server expects it (docs/protocol.md): camelCase keys,
 * nested objects for dotted keys such as `models.completion`, and the client-only keys removed.
 */
export function readServerSettings(scope?: vscode.ConfigurationScope): ServerSettings {
    const config = vscode.workspace.getConfiguration(SECTION, scope);
    // The configuration object also has methods (get, has, inspect, update); copying it
    // through JSON keeps the setting values only.
    const settings = JSON.parse(JSON.stringify(config)) as ServerSettings;

    for (const key of CLIENT_ONLY_KEYS) {
        delete settings[key];
    }
    for (const key of NULL_WHEN_EMPTY) {
        if (settings[key] === '' || settings[key] === undefined) {
            settings[key] = null;
        }
    }
    // A profile the user no longer overrides goes back to its default model, for the same
    // reason as above.
    // NOTE: a model removed from `modelOptions` keeps its last options on the running
    // server until it restarts, because the server merges updates key by key.
    const profileModels = (settings.profileModels ?? {}) as Record<string, string>;
    settings.profileModels = { ...DEFAULT_PROFILE_MODELS, ...profileModels };
    return settings;
}

/** Return the command line that starts the server: `pythonPath -m netz_lsp` or `server.command`. */
export function readServerCommand(): { command: string; args: string[] } {
    const config = vscode.workspace.getConfiguration(SECTION);
    const pythonPath = config.get<string>('server.pythonPath', '').trim();
    if (pythonPath) {
        return { command: pythonPath, args: ['-m', 'netz_lsp'] };
    }

    const commandLine = config.get<string[]>('server.command', ['netz-lsp']);
    if (!Array.isArray(commandLine) || commandLine.length === 0 || !commandLine[0]) {
        return { command: 'netz-lsp', args: [] };
    }
    return { command: commandLine[0], args: commandLine.slice(1) };
}
