import * as vscode from 'vscode';
import { ProfileName } from './protocol';
import { DEFAULT_PROFILE_MODELS, SECTION } from './settings';

interface ProfileInfo {
    name: ProfileName;
    label: () => string;
    /** Model behind the profile when `netz.profileModels` does not override it. */
    defaultModel?: string;
    /** Name shown for the default model. */
    defaultModelLabel?: string;
}

const PROFILES: ProfileInfo[] = [
    {
        name: 'fast',
        label: () => vscode.l10n.t('Fast response'),
        defaultModel: DEFAULT_PROFILE_MODELS.fast,
        defaultModelLabel: 'Llama 3.2',
    },
    {
        name: 'balanced',
        label: () => vscode.l10n.t('Balanced'),
        defaultModel: DEFAULT_PROFILE_MODELS.balanced,
        defaultModelLabel: 'Mistral 7B',
    },
    {
        name: 'code',
        label: () => vscode.l10n.t('Code expert'),
        defaultModel: DEFAULT_PROFILE_MODELS.code,
        defaultModelLabel: 'Qwen Coder',
    },
    {
        name: 'accurate',
        label: () => vscode.l10n.t('Maximum accuracy'),
        defaultModel: DEFAULT_PROFILE_MODELS.accurate,
        defaultModelLabel: 'Qwen 72B',
    },
    { name: 'auto', label: () => vscode.l10n.t('Automatic') },
];

/** Return the model a fixed profile uses, as the user configured it or the default. */
function profileModel(profile: ProfileInfo): string | undefined {
    const overrides = vscode.workspace
        .getConfiguration(SECTION)
        .get<Record<string, string>>('profileModels', {});
    return overrides[profile.name] || profile.defaultModel;
}

/** Return the label of a profile with its model, e.g. "Fast response (Llama 3.2)". */
export function profileLabel(name: string): string {
    const profile = PROFILES.find((candidate) => candidate.name === name);
    if (!profile) {
        return name;
    }
    const model = profileModel(profile);
    if (!model) {
        return profile.label();
    }
    const modelLabel = model === profile.defaultModel ? profile.defaultModelLabel : model;
    return `${profile.label()} (${modelLabel})`;
}

/** Return the short label of a profile without its model, e.g. "Fast response". */
export function profileShortLabel(name: string): string {
    const profile = PROFILES.find((candidate) => candidate.name === name);
    return profile ? profile.label() : name;
}

interface ProfileItem extends vscode.QuickPickItem {
    profile: ProfileName;
}

/** Show the profile quick pick and return the chosen profile, or undefined when dismissed. */
export async function pickProfile(currentProfile: string | undefined): Promise<ProfileName | undefined> {
    const items: ProfileItem[] = PROFILES.map((profile) => ({
        profile: profile.name,
        label: profileLabel(profile.name),
        description: profile.name === currentProfile ? vscode.l10n.t('active') : undefined,
        detail: profile.name === 'auto' ? vscode.l10n.t('Picks a model for each request') : undefined,
    }));

    const picked = await vscode.window.showQuickPick(items, {
        title: vscode.l10n.t('NETZ: Select model'),
        placeHolder: vscode.l10n.t('Choose the model profile NETZ uses'),
    });
    return picked?.profile;
}

/**
 * Store the profile in the `netz.profile` setting, at the level that currently decides it:
 * the workspace settings when they set it, else the user settings.
 */
export async function storeProfileSetting(profile: ProfileName): Promise<void> {
    const config = vscode.workspace.getConfiguration(SECTION);
    const inspected = config.inspect<string>('profile');

    const target =
        inspected?.workspaceValue !== undefined
            ? vscode.ConfigurationTarget.Workspace
            : vscode.ConfigurationTarget.Global;
    await config.update('profile', profile, target);
}
