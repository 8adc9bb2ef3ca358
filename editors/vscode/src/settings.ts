// The server's settings, read from VS Code's `dramatis.*` configuration and
// shaped the way the server expects them: `{ severity: { <code>: <level> },
// inlayHints, hover, codeLens, codeLensSingleMentions, workspaceIndex }`. `fileTypes` stays on this side: it only
// decides which documents the client hands to the server. The same object goes out as
// `initializationOptions.dramatis` and as `settings.dramatis` in
// `workspace/didChangeConfiguration`, so the server has one parser for both.
import * as vscode from "vscode";

export const SECTION = "dramatis";

export const DIAGNOSTIC_CODES = [
  "acronym-undefined",
  "acronym-before-definition",
  "name-variant",
  "ambiguous-mention",
  "short-form-first",
] as const;

export type SeverityLevel = "off" | "hint" | "information" | "warning" | "error";

export interface ServerSettings {
  severity: Record<string, SeverityLevel>;
  inlayHints: boolean;
  hover: boolean;
  codeLens: boolean;
  codeLensSingleMentions: boolean;
  workspaceIndex: boolean;
}

const DEFAULT_FILE_TYPES = ["plaintext", "markdown"];

export function readServerSettings(): ServerSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const severity: Record<string, SeverityLevel> = {};
  for (const code of DIAGNOSTIC_CODES) {
    const level = config.get<SeverityLevel>(`severity.${code}`);
    // Unset codes are left out so the server keeps its own default.
    if (level !== undefined) {
      severity[code] = level;
    }
  }
  return {
    severity,
    inlayHints: config.get<boolean>("inlayHints", false),
    hover: config.get<boolean>("hover", true),
    codeLens: config.get<boolean>("codeLens", true),
    codeLensSingleMentions: config.get<boolean>("codeLensSingleMentions", false),
    workspaceIndex: config.get<boolean>("workspaceIndex", true),
  };
}

export function readFileTypes(): string[] {
  const fileTypes = vscode.workspace
    .getConfiguration(SECTION)
    .get<string[]>("fileTypes", DEFAULT_FILE_TYPES);
  return Array.isArray(fileTypes) && fileTypes.length > 0 ? fileTypes : DEFAULT_FILE_TYPES;
}

/** Settings whose change needs a new server process rather than a notification. */
export function needsRestart(event: vscode.ConfigurationChangeEvent): boolean {
  return (
    event.affectsConfiguration(`${SECTION}.path`) ||
    event.affectsConfiguration(`${SECTION}.fileTypes`)
  );
}
