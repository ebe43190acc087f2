import * as vscode from 'vscode';
import MarkdownIt from 'markdown-it';
import { AnswerPart } from './protocol';

/** One answer as the panel shows it: the Markdown received so far and its state. */
interface Answer {
    id: string;
    title: string;
    markdown: string;
    model: string;
    done: boolean;
    error?: string;
}

/** Answers older than this many are dropped from the panel. */
const MAX_ANSWERS = 20;

/**
 * Webview panel that renders NETZ answers (`netz/answer`) as Markdown while they stream in.
 * Answers from "NETZ: Ask" and from code actions (explain, debug) share one panel.
 */
export class AnswerPanel implements vscode.Disposable {
    private panel: vscode.WebviewPanel | undefined;
    private readonly answers = new Map<string, Answer>();
    // HTML stays disabled so that a model's output cannot inject markup or scripts.
    private readonly renderer = new MarkdownIt({ html: false, linkify: true, breaks: false });

    /** Open an answer before its first part arrives, e.g. right after the user asks. */
    start(id: string, title: string): void {
        this.answers.set(id, { id, title, markdown: '', model: '', done: false });
        this.trimHistory();
        this.reveal();
        this.post(id);
    }

    /** Append one streamed part. Opens the panel for answers that code actions started. */
    addPart(part: AnswerPart): void {
        let answer = this.answers.get(part.answerId);
        if (!answer) {
            answer = { id: part.answerId, title: part.title, markdown: '', model: '', done: false };
            this.answers.set(part.answerId, answer);
            this.trimHistory();
        }
        if (answer.done) {
            // The final text from the command's result is already shown.
            return;
        }
        answer.title = part.title || answer.title;
        answer.markdown += part.delta ?? '';
        answer.model = part.model || answer.model;
        answer.done = part.done;
        this.reveal();
        this.post(answer.id);
    }

    /** Replace the streamed text with the final answer the command returned. */
    finish(id: string, markdown: string, model: string): void {
        const answer = this.answers.get(id);
        if (!answer) {
            return;
        }
        answer.markdown = markdown;
        answer.model = model || answer.model;
        answer.done = true;
        this.post(id);
    }

    fail(id: string, message: string): void {
        const answer = this.answers.get(id);
        if (!answer) {
            return;
        }
        answer.error = message;
        answer.done = true;
        this.reveal();
        this.post(id);
    }

    /** Show the panel with the answers kept so far. */
    show(): void {
        this.reveal();
    }

    dispose(): void {
        this.panel?.dispose();
    }

    private trimHistory(): void {
        while (this.answers.size > MAX_ANSWERS) {
            const oldest = this.answers.keys().next().value as string;
            this.answers.delete(oldest);
        }
    }

    private reveal(): void {
        if (this.panel) {
            if (!this.panel.visible) {
                this.panel.reveal(vscode.ViewColumn.Beside, true);
            }
            return;
        }
        this.panel = vscode.window.createWebviewPanel(
            'netz.answers',
            vscode.l10n.t('NETZ answers'),
            { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
            { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [] },
        );
        this.panel.webview.html = this.html(this.panel.webview);
        this.panel.onDidDispose(() => {
            this.panel = undefined;
        });
        // The webview asks for the whole state once its script runs, because messages
        // posted before then are lost.
        this.panel.webview.onDidReceiveMessage((message: { type?: string }) => {
            if (message?.type === 'ready') {
                for (const id of this.answers.keys()) {
                    this.post(id);
                }
            }
        });
    }

    private post(id: string): void {
        const answer = this.answers.get(id);
        if (!this.panel || !answer) {
            return;
        }
        let status = vscode.l10n.t('Writing the answer…');
        if (answer.error) {
            status = vscode.l10n.t('Failed: {0}', answer.error);
        } else if (answer.done) {
            status = answer.model ? vscode.l10n.t('Answered by {0}', answer.model) : vscode.l10n.t('Done');
        }
        void this.panel.webview.postMessage({
            type: 'answer',
            id: answer.id,
            title: answer.title,
            html: this.renderer.render(answer.markdown),
            status,
            done: answer.done,
            failed: Boolean(answer.error),
        });
    }

    private html(webview: vscode.Webview): string {
        const nonce = randomNonce();
        const csp = [
            "default-src 'none'",
            `style-src ${webview.cspSource} 'nonce-${nonce}'`,
            `script-src 'nonce-${nonce}'`,
            'img-src data:',
        ].join('; ');
        const lang = vscode.env.language.startsWith('tr') ? 'tr' : 'en';
        const empty = escapeHtml(vscode.l10n.t('No answers yet. Run "NETZ: Ask" or a NETZ code action.'));

        return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 16px; }
  section.answer { border-bottom: 1px solid var(--vscode-panel-border); padding: 8px 0 16px; }
  section.answer h2.title { font-size: 1.1em; margin: 8px 0; }
  .status { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
  .status.failed { color: var(--vscode-errorForeground); }
  pre { background: var(--vscode-textCodeBlock-background); padding: 8px; overflow-x: auto; }
  code { font-family: var(--vscode-editor-font-family); }
  #empty { color: var(--vscode-descriptionForeground); }
</style>
</head>
<body>
<p id="empty">${empty}</p>
<main id="answers"></main>
<script nonce="${nonce}">
${WEBVIEW_SCRIPT}
</script>
</body>
</html>`;
    }
}

// Runs inside the webview. The HTML comes from markdown-it with raw HTML disabled.
const WEBVIEW_SCRIPT = `
const vscode = acquireVsCodeApi();
const container = document.getElementById('answers');
window.addEventListener('message', (event) => {
  const message = event.data;
  if (!message || message.type !== 'answer') { return; }
  document.getElementById('empty').hidden = true;
  let section = document.getElementById('answer-' + message.id);
  if (!section) {
    section = document.createElement('section');
    section.className = 'answer';
    section.id = 'answer-' + message.id;
    section.innerHTML = '<h2 class="title"></h2><div class="status"></div><div class="body"></div>';
    container.appendChild(section);
  }
  section.dataset.done = String(message.done);
  section.querySelector('.title').textContent = message.title;
  const status = section.querySelector('.status');
  status.textContent = message.status;
  status.classList.toggle('failed', message.failed);
  section.querySelector('.body').innerHTML = message.html;
  section.scrollIntoView({ block: 'end' });
});
vscode.postMessage({ type: 'ready' });
`;

function randomNonce(): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let nonce = '';
    for (let i = 0; i < 32; i++) {
        nonce += alphabet.charAt(Math.floor(Math.random() * alphabet.length));
    }
    return nonce;
}

function escapeHtml(text: string): string {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
