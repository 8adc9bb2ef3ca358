// "Next mention" / "previous mention" of the entity under the cursor. The
// server answers `textDocument/documentHighlight` with every mention of that
// entity; we jump to the neighbour of the cursor, wrapping around.
import * as vscode from "vscode";
import { BaseLanguageClient, DocumentHighlightRequest } from "vscode-languageclient";
import { Direction, neighbourIndex } from "./navigation";

export async function jumpToMention(client: BaseLanguageClient | undefined, direction: Direction): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined) {
    return;
  }
  if (client === undefined || !client.isRunning()) {
    void vscode.window.showWarningMessage("dramatis: the language server is not running.");
    return;
  }
  const document = editor.document;
  const cursor = editor.selection.active;
  const answer = await client.sendRequest(DocumentHighlightRequest.type, {
    textDocument: client.code2ProtocolConverter.asTextDocumentIdentifier(document),
    position: client.code2ProtocolConverter.asPosition(cursor),
  });
  const highlights = await client.protocol2CodeConverter.asDocumentHighlights(answer ?? []);
  const ranges = highlights.map((h) => h.range).sort((a, b) => a.start.compareTo(b.start));
  if (ranges.length === 0) {
    vscode.window.setStatusBarMessage("dramatis: no entity under the cursor", 2000);
    return;
  }
  const index = neighbourIndex(ranges, cursor, direction);
  const target = ranges[index];
  editor.selection = new vscode.Selection(target.start, target.start);
  editor.revealRange(target, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  vscode.window.setStatusBarMessage(`dramatis: mention ${index + 1} of ${ranges.length}`, 2000);
}
