import * as vscode from 'vscode';
import { NetzStatus } from './protocol';
import { profileShortLabel } from './profiles';

/** Status bar item that shows the active profile, its model and whether the backend is reachable. */
export class NetzStatusBar implements vscode.Disposable {
    private readonly item: vscode.StatusBarItem;
    private status: NetzStatus | undefined;

    constructor(clickCommand: string) {
        this.item = vscode.window.createStatusBarItem('netz.status', vscode.StatusBarAlignment.Right, 100);
        this.item.name = 'NETZ AI';
        this.item.command = clickCommand;
        this.showStarting();
        this.item.show();
    }

    get profile(): string | undefined {
        return this.status?.profile;
    }

    showStarting(): void {
        this.status = undefined;
        this.item.text = `$(loading~spin) NETZ`;
        this.item.tooltip = vscode.l10n.t('NETZ: starting the language server…');
        this.item.backgroundColor = undefined;
    }

    showStopped(): void {
        this.status = undefined;
        this.item.text = `$(circle-slash) NETZ`;
        this.item.tooltip = vscode.l10n.t('NETZ: the language server is not running. Run "NETZ: Restart server".');
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    }

    update(status: NetzStatus): void {
        this.status = status;
        const model = mainModel(status);
        const profile = profileShortLabel(status.profile);
        const icon = reachabilityIcon(status.reachable);

        this.item.text = model ? `${icon} NETZ: ${profile} · ${model}` : `${icon} NETZ: ${profile}`;
        this.item.tooltip = tooltip(status);
        this.item.backgroundColor =
            status.reachable === false ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    }

    dispose(): void {
        this.item.dispose();
    }
}

function reachabilityIcon(reachable: boolean | null): string {
    if (reachable === true) {
        return '$(hubot)';
    }
    if (reachable === false) {
        return '$(warning)';
    }
    return '$(question)';
}

/** Return the model most answers use: the chat model, else the first one listed. */
function mainModel(status: NetzStatus): string | undefined {
    const models = status.models ?? {};
    return models.chat ?? Object.values(models)[0];
}

function tooltip(status: NetzStatus): vscode.MarkdownString {
    const lines: string[] = [];
    let reachability = vscode.l10n.t('not checked yet');
    if (status.reachable === true) {
        reachability = vscode.l10n.t('reachable');
    } else if (status.reachable === false) {
        reachability = vscode.l10n.t('not reachable');
    }

    lines.push(`**NETZ AI** — ${profileShortLabel(status.profile)}`);
    lines.push('');
    lines.push(vscode.l10n.t('Backend: {0} at {1} ({2})', status.backend, status.host, reachability));
    for (const [role, model] of Object.entries(status.models ?? {})) {
        lines.push(`- ${role}: \`${model}\``);
    }
    if (status.loadedModels?.length) {
        lines.push('');
        lines.push(vscode.l10n.t('Loaded models: {0}', status.loadedModels.join(', ')));
    }
    if (status.reason) {
        lines.push('');
        lines.push(status.reason);
    }
    lines.push('');
    lines.push(vscode.l10n.t('Click to select the model profile.'));

    const markdown = new vscode.MarkdownString(lines.join('\n'));
    markdown.supportHtml = false;
    return markdown;
}
