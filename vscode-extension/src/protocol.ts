// Messages of the NETZ server that are not part of LSP; docs/protocol.md is the contract.
import { NotificationType } from 'vscode-languageclient/node';

export type ProfileName = 'auto' | 'fast' | 'balanced' | 'code' | 'accurate';

/** Body of `netz/status` and of the results of `netz.status` and `netz.selectProfile`. */
export interface NetzStatus {
    profile: string;
    models: Record<string, string>;
    backend: string;
    host: string;
    reachable: boolean | null;
    loadedModels: string[];
    reason: string;
}

/** One streamed part of an answer (`netz/answer`). */
export interface AnswerPart {
    answerId: string;
    kind: 'ask' | 'explain' | 'debug' | 'question' | 'docstring' | string;
    title: string;
    delta: string;
    done: boolean;
    model: string;
}

/** Argument of the `netz.ask` server command. */
export interface AskArguments {
    question: string;
    uri?: string;
    range?: { start: { line: number; character: number }; end: { line: number; character: number } };
    answerId?: string;
}

/** Result of the `netz.ask` server command. */
export interface AskResult {
    answer: string;
    model: string;
    reason: string;
}

export const StatusNotification = new NotificationType<NetzStatus>('netz/status');
export const AnswerNotification = new NotificationType<AnswerPart>('netz/answer');

export const ServerCommands = {
    ask: 'netz.ask',
    selectProfile: 'netz.selectProfile',
    status: 'netz.status',
} as const;
