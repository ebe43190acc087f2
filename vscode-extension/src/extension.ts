import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import {
    DidChangeConfigurationNotification,
    LanguageClient,
    LanguageClientOptions,
    ServerOptions,
    State,
    TransportKind,
} from 'vscode-languageclient/node';
import { AnswerPanel } from './answerPanel';
import { pickProfile, storeProfileSetting } from './profiles';
import {
    AnswerNotification,
    AskArguments,
    AskResult,
    NetzStatus,
    ServerCommands,
    StatusNotification,
} from './protocol';
import { readServerCommand, readServerSettings, SECTION } from './settings';
import { NetzStatusBar } from './statusBar';

let client: LanguageClient | undefined;
let statusBar: NetzStatusBar;
let answerPanel: AnswerPanel;
let outputChannel: vscode.LogOutputChannel;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    outputChannel = vscode.window.createOutputChannel('NETZ AI', { log: true });
    statusBar = new NetzStatusBar('netz.selectModel');
    answerPanel = new AnswerPanel();
    context.subscriptions.push(outputChannel, statusBar, answerPanel);

    context.subscriptions.push(
        vscode.commands.registerCommand('netz.askCommand', askCommand),
        vscode.commands.registerCommand('netz.selectModel', selectModelCommand),
        vscode.commands.registerCommand('netz.showAnswers', () => answerPanel.show()),
        vscode.commands.registerCommand('netz.restartServer', restartServer),
        vscode.workspace.onDidChangeConfiguration(onConfigurationChanged),
    );

    await startClient();
}

export async function deactivate(): Promise<void> {
    await stopClient();
}

function createClient(): LanguageClient {
    const { command, args } = readServerCommand();
    outputChannel.info(`Starting the NETZ language server: ${[command, ...args].join(' ')}`);

    // TransportKind.stdio makes the client append `--stdio`; netz-lsp accepts and ignores it.
    const serverOptions: ServerOptions = {
        command,
        args,
        transport: TransportKind.stdio,
        options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath },
    };
    const clientOptions: LanguageClientOptions = {
        documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
        initializationOptions: readServerSettings(),
        outputChannel,
    };
    return new LanguageClient('netz', 'NETZ AI', serverOptions, clientOptions);
}

async function startClient(): Promise<void> {
    statusBar.showStarting();
    const newClient = createClient();
    client = newClient;

    newClient.onDidChangeState((event) => {
        if (event.newState === State.Stopped) {
            statusBar.showStopped();
        }
    });
    newClient.onNotification(StatusNotification, (status: NetzStatus) => statusBar.update(status));
    newClient.onNotification(AnswerNotification, (part) => answerPanel.addPart(part));

    try {
        await newClient.start();
    } catch (error) {
        statusBar.showStopped();
        outputChannel.error(`The NETZ language server failed to start: ${errorMessage(error)}`);
        void vscode.window.showErrorMessage(
            vscode.l10n.t(
                'NETZ: the language server failed to start ({0}). Install netz-lsp (pip install netz-lsp) or set "netz.server.command" or "netz.server.pythonPath".',
                errorMessage(error),
            ),
        );
        return;
    }

    // The server also sends `netz/status` after start-up; asking once covers a client that
    // registered its handler after that notification arrived.
    try {
        const status = await newClient.sendRequest<NetzStatus>('workspace/executeCommand', {
            command: ServerCommands.status,
            arguments: [],
        });
        if (status) {
            statusBar.update(status);
        }
    } catch (error) {
        outputChannel.warn(`netz.status failed: ${errorMessage(error)}`);
    }
}

async function stopClient(): Promise<void> {
    const oldClient = client;
    client = undefined;
    if (oldClient?.needsStop()) {
        await oldClient.stop();
    }
}

async function restartServer(): Promise<void> {
    await stopClient();
    await startClient();
}

// Settings reach the running server as `workspace/didChangeConfiguration` with
// `{settings: {netz: {...}}}`. The client-only `netz.server.*` keys restart the server instead.
async function onConfigurationChanged(event: vscode.ConfigurationChangeEvent): Promise<void> {
    if (!event.affectsConfiguration(SECTION)) {
        return;
    }
    if (event.affectsConfiguration(`${SECTION}.server`)) {
        outputChannel.info('netz.server changed; restarting the language server.');
        await restartServer();
        return;
    }
    if (client?.isRunning()) {
        await client.sendNotification(DidChangeConfigurationNotification.type, {
            settings: { [SECTION]: readServerSettings() },
        });
    }
}

/** Return the running client, or tell the user that the server is not running. */
function runningClient(): LanguageClient | undefined {
    if (client?.isRunning()) {
        return client;
    }
    void vscode.window.showWarningMessage(
        vscode.l10n.t('NETZ: the language server is not running. Run "NETZ: Restart server".'),
    );
    return undefined;
}

async function askCommand(): Promise<void> {
    const activeClient = runningClient();
    if (!activeClient) {
        return;
    }
    const editor = vscode.window.activeTextEditor;
    const hasSelection = editor !== undefined && !editor.selection.isEmpty;

    const question = await vscode.window.showInputBox({
        title: vscode.l10n.t('NETZ: Ask'),
        prompt: hasSelection
            ? vscode.l10n.t('Ask a question about the selected code')
            : vscode.l10n.t('Ask a question about your code or its documentation'),
        placeHolder: vscode.l10n.t('e.g. What does this function return?'),
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('Enter a question.')),
    });
    if (!question?.trim()) {
        return;
    }

    const answerId = randomUUID();
    const request: AskArguments = { question: question.trim(), answerId };
    if (editor) {
        request.uri = editor.document.uri.toString();
        if (hasSelection) {
            request.range = activeClient.code2ProtocolConverter.asRange(editor.selection);
        }
    }

    answerPanel.start(answerId, question.trim());
    try {
        const result = await activeClient.sendRequest<AskResult>('workspace/executeCommand', {
            command: ServerCommands.ask,
            arguments: [request],
        });
        if (result && typeof result.answer === 'string') {
            answerPanel.finish(answerId, result.answer, result.model);
        }
    } catch (error) {
        outputChannel.error(`netz.ask failed (answerId ${answerId}): ${errorMessage(error)}`);
        answerPanel.fail(answerId, errorMessage(error));
    }
}

async function selectModelCommand(): Promise<void> {
    const profile = await pickProfile(statusBar.profile ?? vscode.workspace.getConfiguration(SECTION).get('profile'));
    if (!profile) {
        return;
    }

    const activeClient = client?.isRunning() ? client : undefined;
    if (activeClient) {
        try {
            const status = await activeClient.sendRequest<NetzStatus>('workspace/executeCommand', {
                command: ServerCommands.selectProfile,
                arguments: [profile],
            });
            if (status) {
                statusBar.update(status);
            }
        } catch (error) {
            outputChannel.error(`netz.selectProfile ${profile} failed: ${errorMessage(error)}`);
        }
    }
    // The setting keeps the choice for the next start; the server receives it once more
    // through didChangeConfiguration, which leaves the same profile in force.
    await storeProfileSetting(profile);
}

function errorMessage(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}
