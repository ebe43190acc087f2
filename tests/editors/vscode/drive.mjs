// Drives code-server in headless Chromium through the four NETZ scenarios of the VS Code test:
// inline completion, the lightbulb refactor, "NETZ: Ask" and the model quick pick.
//
// The pytest test (tests/editors/test_vscode.py) starts code-server, the Ollama double and
// this script. Before each step the script prints `@@step NAME` and waits for a line on
// stdin, so that the test can set the double's reply for that step. At the end it prints
// `@@result {"steps": {NAME: {"ok": bool, "detail": str, "screenshots": [...]}}}`.
//
// Environment: NETZ_CODE_SERVER_URL, NETZ_WORKSPACE (folder opened in code-server),
// NETZ_USER_DATA_DIR, NETZ_ARTIFACTS_DIR, NETZ_TOOLS_DIR (folder with node_modules/puppeteer-core),
// NETZ_STEPS (comma-separated subset of the steps, default all), NETZ_LOCALE (`tr` when
// code-server runs with --locale tr, so the steps expect Turkish labels), NETZ_CHROMIUM (default
// /usr/bin/chromium), NETZ_EXPECT_COMPLETION, NETZ_EXPECT_REFACTOR, NETZ_EXPECT_ANSWER
// (text each step looks for).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';

const env = process.env;
const toolsRequire = createRequire(path.join(env.NETZ_TOOLS_DIR, 'package.json'));
const puppeteer = toolsRequire('puppeteer-core');

const url = env.NETZ_CODE_SERVER_URL;
const workspace = env.NETZ_WORKSPACE;
const artifactsDir = env.NETZ_ARTIFACTS_DIR;
const userDataDir = env.NETZ_USER_DATA_DIR;
const allSteps = ['completion', 'refactor', 'ask', 'model'];
const selectedSteps = env.NETZ_STEPS ? env.NETZ_STEPS.split(',') : allSteps;
const expected = {
    completion: env.NETZ_EXPECT_COMPLETION ?? 'return a + b',
    refactor: env.NETZ_EXPECT_REFACTOR ?? 'refactored',
    answer: env.NETZ_EXPECT_ANSWER ?? '',
};

const turkish = (env.NETZ_LOCALE ?? '').startsWith('tr');
const balancedLabel = turkish ? 'Dengeli' : 'Balanced';
const fastLabel = turkish ? 'Hızlı Yanıt (Llama 3.2)' : 'Fast response (Llama 3.2)';
const askTitle = turkish ? 'NETZ: Sor' : 'NETZ: Ask';

const stdinLines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const results = {};
let page;

function log(message) {
    process.stderr.write(`[drive] ${message}\n`);
}

/** Tell the test which step starts and wait until it has prepared the Ollama double. */
async function checkpoint(step) {
    process.stdout.write(`@@step ${step}\n`);
    const line = await stdinLines.next();
    if (line.done) {
        throw new Error('stdin closed before the test acknowledged the step');
    }
}

async function screenshot(name, shots) {
    const file = path.join(artifactsDir, `vscode-${name}.png`);
    await page.screenshot({ path: file });
    shots.push(file);
    return file;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll `check` until it returns a truthy value or `timeoutMs` passes. */
async function waitUntil(description, check, timeoutMs = 20000, intervalMs = 250) {
    const deadline = Date.now() + timeoutMs;
    let lastError;
    while (Date.now() < deadline) {
        try {
            const value = await check();
            if (value) {
                return value;
            }
        } catch (error) {
            lastError = error;
        }
        await sleep(intervalMs);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${lastError ? `: ${lastError.message}` : ''}`);
}

async function statusBarTexts() {
    return page.$$eval('.statusbar-item', (items) => items.map((item) => item.textContent.trim()));
}

async function netzStatusText() {
    const texts = await statusBarTexts();
    return texts.find((text) => text.includes('NETZ'));
}

async function runPaletteCommand(title) {
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget input', { visible: true });
    await page.keyboard.type(title);
    await waitUntil(`palette entry "${title}"`, async () => {
        const labels = await quickPickLabels();
        return labels.some((label) => label.includes(title));
    });
    await page.keyboard.press('Enter');
}

async function quickPickLabels() {
    return page.$$eval('.quick-input-widget .monaco-list-row', (rows) =>
        rows.map((row) => row.getAttribute('aria-label') ?? row.textContent.trim()),
    );
}

/** Open a workspace file through Quick Open and wait until its editor has focus. */
async function openFile(relativePath) {
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyP');
    await page.keyboard.up('Control');
    await page.waitForSelector('.quick-input-widget input', { visible: true });
    await page.keyboard.type(relativePath);
    // Wait for the file search: until then the list shows recently opened files only.
    await waitUntil(`quick open entry ${relativePath}`, async () => {
        const labels = await quickPickLabels();
        return labels.length > 0 && labels[0].includes(path.basename(relativePath));
    });
    await page.keyboard.press('Enter');
    await waitUntil(`editor tab ${path.basename(relativePath)}`, () =>
        page.$$eval('.tab.active', (tabs, name) => tabs.some((tab) => tab.textContent.includes(name)), path.basename(relativePath)),
    );
    await page.waitForSelector('.monaco-editor.focused', { visible: true });
}

async function pressWithControl(key) {
    await page.keyboard.down('Control');
    await page.keyboard.press(key);
    await page.keyboard.up('Control');
}

/** Save the active editor and return the file's text on disk. */
async function saveAndRead(relativePath) {
    await pressWithControl('KeyS');
    await sleep(500);
    return fs.readFileSync(path.join(workspace, relativePath), 'utf8');
}

/** Put the cursor on a 1-based line and column with the "Go to Line" box. */
async function goToLine(line, column = 1) {
    await pressWithControl('KeyG');
    await page.waitForSelector('.quick-input-widget input', { visible: true });
    await page.keyboard.type(`${line}:${column}`);
    await page.keyboard.press('Enter');
    await sleep(300);
}

// Step 1: typing in a Python file shows the server's ghost text, and Tab inserts it.
async function stepCompletion(shots) {
    const file = 'calc.py';
    await openFile(file);
    await goToLine(11);
    await page.keyboard.type('def add(a, b):');
    await page.keyboard.press('Enter');

    // Typing triggers inline completions. When the first request races the document sync,
    // the step asks again with the "Trigger Inline Suggestion" command (Alt+\ in VS Code,
    // but a lone Alt press can move the focus to the menu bar in code-server).
    let ghost = await waitUntil('ghost text while typing', () => ghostText(), 5000).catch(() => undefined);
    for (let attempt = 1; !ghost && attempt <= 2; attempt++) {
        log(`no ghost text yet; running "Trigger Inline Suggestion" (attempt ${attempt})`);
        await runPaletteCommand('Trigger Inline Suggestion');
        ghost = await waitUntil('ghost text after "Trigger Inline Suggestion"', () => ghostText(), 10000).catch(
            () => undefined,
        );
    }
    if (!ghost) {
        throw new Error('no ghost text appeared after typing and two "Trigger Inline Suggestion" commands');
    }
    await screenshot('1-ghost-text', shots);

    await page.keyboard.press('Tab');
    await sleep(500);
    await screenshot('1-ghost-text-accepted', shots);
    const text = await saveAndRead(file);
    if (!text.includes(expected.completion)) {
        throw new Error(`after Tab, ${file} does not contain "${expected.completion}"; ghost text was "${ghost}"`);
    }
    return `ghost text "${ghost.trim()}" inserted with Tab`;
}

async function ghostText() {
    const texts = await page.$$eval('.monaco-editor.focused .ghost-text-decoration, .monaco-editor.focused .ghost-text', (nodes) =>
        nodes.map((node) => node.textContent),
    );
    const joined = texts.join('').trim();
    return joined || undefined;
}

// Step 2: the lightbulb lists the NETZ actions, and Refactor changes the file.
async function stepRefactor(shots) {
    const file = 'shop/cart.py';
    await openFile(file);
    const before = fs.readFileSync(path.join(workspace, file), 'utf8');

    // Select the body of total_cents (lines 21-24 of the workspace copy).
    await goToLine(21);
    await page.keyboard.down('Shift');
    for (let i = 0; i < 3; i++) {
        await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('End');
    await page.keyboard.up('Shift');

    await pressWithControl('Period');
    const titles = await waitUntil('code action menu with NETZ entries', async () => {
        const entries = await codeActionTitles();
        return entries.some((entry) => /netz/i.test(entry)) ? entries : undefined;
    });
    await screenshot('2-lightbulb', shots);

    const refactorIndex = titles.findIndex((title) => /refactor|yeniden düzenle/i.test(title) && /netz/i.test(title));
    if (refactorIndex < 0) {
        throw new Error(`no NETZ refactor entry in the code action menu: ${JSON.stringify(titles)}`);
    }
    await clickCodeAction(titles[refactorIndex]);

    const after = await waitUntil(
        'the refactor edit in the file',
        async () => {
            const text = await saveAndRead(file);
            return text !== before && text.includes(expected.refactor) ? text : undefined;
        },
        60000,
        1000,
    );
    await screenshot('2-refactored', shots);
    return `menu: ${JSON.stringify(titles)}; ${file} changed (${before.length} -> ${after.length} characters)`;
}

async function codeActionTitles() {
    return page.$$eval('.action-widget .monaco-list-row.action', (rows) =>
        rows.map((row) => (row.getAttribute('aria-label') ?? row.textContent).trim()),
    );
}

async function clickCodeAction(title) {
    const rows = await page.$$('.action-widget .monaco-list-row.action');
    for (const row of rows) {
        const label = await row.evaluate((node) => (node.getAttribute('aria-label') ?? node.textContent).trim());
        if (label === title) {
            await row.hover();
            await row.click();
            return;
        }
    }
    throw new Error(`code action "${title}" disappeared from the menu`);
}

// Step 3: "NETZ: Ask" opens the answer panel with the streamed Markdown.
async function stepAsk(shots) {
    await openFile('shop/discounts.py');
    await goToLine(4);
    await page.keyboard.down('Shift');
    for (let i = 0; i < 4; i++) {
        await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.up('Shift');

    await runPaletteCommand(askTitle);
    await page.waitForSelector('.quick-input-widget input', { visible: true });
    await sleep(300);
    await page.keyboard.type('What does percent_off return?');
    await page.keyboard.press('Enter');

    const answer = await waitUntil(
        'a finished answer in the NETZ answers panel',
        async () => {
            for (const frame of page.frames()) {
                const found = await frame
                    .$$eval('section.answer[data-done="true"]', (sections) =>
                        sections.map((section) => ({
                            html: section.querySelector('.body').innerHTML,
                            text: section.querySelector('.body').textContent,
                            status: section.querySelector('.status').textContent,
                            failed: section.querySelector('.status').classList.contains('failed'),
                        })),
                    )
                    .catch(() => []);
                if (found.length > 0) {
                    return found[found.length - 1];
                }
            }
            return undefined;
        },
        60000,
        500,
    );
    await screenshot('3-ask-answer', shots);

    if (answer.failed) {
        throw new Error(`the panel shows a failed answer: ${answer.status}`);
    }
    if (!/<(h\d|strong|em|code|li|p)\b/.test(answer.html)) {
        throw new Error(`the answer was not rendered as Markdown: ${answer.html.slice(0, 300)}`);
    }
    if (expected.answer && !answer.text.includes(expected.answer)) {
        throw new Error(`the answer does not contain "${expected.answer}": ${answer.text.slice(0, 300)}`);
    }
    return `answer rendered: ${answer.html.slice(0, 200)}`;
}

// Step 4: the model quick pick changes the status bar (and the netz.profile setting).
async function stepModel(shots) {
    const before = await waitUntil('the NETZ status bar item', () => netzStatusText());
    await page.$$eval('.statusbar-item', (items) => {
        const item = items.find((candidate) => candidate.textContent.includes('NETZ'));
        (item.querySelector('a') ?? item).click();
    });
    await page.waitForSelector('.quick-input-widget input', { visible: true });
    const labels = await waitUntil('the profile quick pick', async () => {
        const entries = await quickPickLabels();
        return entries.some((entry) => entry.includes(balancedLabel)) ? entries : undefined;
    });
    if (!labels.some((label) => label.includes(fastLabel))) {
        throw new Error(`the quick pick has no "${fastLabel}" entry: ${JSON.stringify(labels)}`);
    }
    await screenshot('4-model-pick', shots);

    await page.keyboard.type(balancedLabel);
    await sleep(300);
    await page.keyboard.press('Enter');
    const after = await waitUntil(`the status bar to show "${balancedLabel}"`, async () => {
        const text = await netzStatusText();
        return text && text.includes(balancedLabel) ? text : undefined;
    });
    await screenshot('4-status-bar', shots);

    const settingsFile = path.join(userDataDir, 'User', 'settings.json');
    const settings = await waitUntil('netz.profile in the user settings', () => {
        const text = fs.readFileSync(settingsFile, 'utf8');
        return /"netz\.profile":\s*"balanced"/.test(text) ? text : undefined;
    }, 5000);
    return `quick pick: ${JSON.stringify(labels)}; status bar "${before}" -> "${after}"; settings.json has netz.profile (${settings.length} characters)`;
}

const stepFunctions = { completion: stepCompletion, refactor: stepRefactor, ask: stepAsk, model: stepModel };

async function main() {
    fs.mkdirSync(artifactsDir, { recursive: true });
    const browserProfile = fs.mkdtempSync(path.join(os.tmpdir(), 'netz-chromium-'));
    const browser = await puppeteer.launch({
        executablePath: env.NETZ_CHROMIUM || '/usr/bin/chromium',
        headless: true,
        userDataDir: browserProfile,
        args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--window-size=1600,1000',
        ],
        defaultViewport: { width: 1600, height: 1000 },
    });

    try {
        page = await browser.newPage();
        page.on('pageerror', (error) => log(`page error: ${error.message}`));
        await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded' });
        await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
        const status = await waitUntil('the NETZ status bar item', () => netzStatusText(), 60000);
        log(`workbench ready, status bar: ${status}`);
        await page.keyboard.press('Escape');

        for (const step of selectedSteps) {
            const shots = [];
            await checkpoint(step);
            const started = Date.now();
            try {
                const detail = await stepFunctions[step](shots);
                results[step] = { ok: true, detail, screenshots: shots };
            } catch (error) {
                await screenshot(`${step}-failed`, shots).catch(() => undefined);
                results[step] = { ok: false, detail: error.message, screenshots: shots };
            }
            log(`${step}: ${results[step].ok ? 'PASS' : 'FAIL'} in ${Date.now() - started} ms: ${results[step].detail}`);
            // Close menus, pickers and the inline suggestion the step may have left open.
            await page.keyboard.press('Escape');
            await page.keyboard.press('Escape');
        }
    } finally {
        await browser.close();
        fs.rmSync(browserProfile, { recursive: true, force: true });
    }
}

main()
    .catch((error) => {
        results.setup = { ok: false, detail: error.stack ?? String(error), screenshots: [] };
    })
    .finally(() => {
        process.stdout.write(`@@result ${JSON.stringify({ steps: results })}\n`);
        process.exit(0);
    });
