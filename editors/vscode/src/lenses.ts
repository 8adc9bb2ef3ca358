// The server's "N mentions" lens carries `dramatis.showReferences` with the
// arguments of VS Code's own `editor.action.showReferences` (uri, position,
// locations) in LSP form. Rewriting the command here opens the references
// peek view instead of a round trip that can only show a message.
import * as vscode from "vscode";
import { BaseLanguageClient, Location as LspLocation, Position as LspPosition } from "vscode-languageclient";

export const SERVER_SHOW_REFERENCES = "dramatis.showReferences";

export function asPeekLenses(
  client: BaseLanguageClient,
  lenses: vscode.CodeLens[] | null | undefined,
): vscode.CodeLens[] | null | undefined {
  if (!lenses) {
    return lenses;
  }
  for (const lens of lenses) {
    const command = lens.command;
    const args: unknown[] = command?.arguments ?? [];
    if (command?.command !== SERVER_SHOW_REFERENCES || args.length < 3 || typeof args[0] !== "string") {
      continue;
    }
    const uri = vscode.Uri.parse(args[0]);
    const position = client.protocol2CodeConverter.asPosition(args[1] as LspPosition);
    const locations = (Array.isArray(args[2]) ? (args[2] as LspLocation[]) : []).map((l) =>
      client.protocol2CodeConverter.asLocation(l),
    );
    lens.command = {
      title: command.title,
      command: "editor.action.showReferences",
      arguments: [uri, position, locations],
    };
  }
  return lenses;
}
