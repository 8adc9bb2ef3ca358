// One status bar item that says what the server is doing: starting, indexing
// (from the server's work-done progress), idle, or stopped.
import * as vscode from "vscode";
import {
  BaseLanguageClient,
  ClientCapabilities,
  FeatureState,
  StaticFeature,
  WorkDoneProgress,
  WorkDoneProgressBegin,
  WorkDoneProgressCreateRequest,
  WorkDoneProgressReport,
} from "vscode-languageclient";

export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  /** Titles of the server's running work-done progresses, by token. */
  private readonly running = new Map<string, string>();

  constructor() {
    this.item = vscode.window.createStatusBarItem("dramatis.status", vscode.StatusBarAlignment.Left, 0);
    this.item.name = "dramatis";
    this.item.command = "dramatis.restart";
  }

  starting(): void {
    this.running.clear();
    this.show("$(sync~spin) dramatis: analysing", "The dramatis language server is starting.");
  }

  ready(): void {
    if (this.running.size === 0) {
      this.show("$(person) dramatis", "dramatis is running. Click to restart it.");
    }
  }

  stopped(reason: string): void {
    this.running.clear();
    this.show("$(error) dramatis", `${reason}\nClick to restart.`);
  }

  progress(token: string, value: WorkDoneProgressBegin | WorkDoneProgressReport | { kind: "end" }): void {
    if (value.kind === "end") {
      this.running.delete(token);
      this.ready();
      return;
    }
    const title = value.kind === "begin" ? value.title : (this.running.get(token) ?? "analysing");
    this.running.set(token, title);
    const detail = [value.message, value.percentage !== undefined ? `${value.percentage}%` : undefined]
      .filter((part) => part !== undefined && part !== "")
      .join(" ");
    this.show(`$(sync~spin) dramatis: ${title}${detail ? ` ${detail}` : ""}`, "dramatis is indexing the workspace.");
  }

  private show(text: string, tooltip: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

/**
 * Takes over `window/workDoneProgress/create` so the server's indexing
 * progress lands in our status item. Registered after the built-in progress
 * feature, so its handler replaces the default notification UI.
 */
export class ProgressToStatus implements StaticFeature {
  constructor(
    private readonly client: BaseLanguageClient,
    private readonly status: StatusItem,
  ) {}

  fillClientCapabilities(capabilities: ClientCapabilities): void {
    capabilities.window = { ...capabilities.window, workDoneProgress: true };
  }

  initialize(): void {
    this.client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
      const key = String(token);
      const subscription = this.client.onProgress(WorkDoneProgress.type, token, (value) => {
        this.status.progress(key, value);
        if (value.kind === "end") {
          subscription.dispose();
        }
      });
    });
  }

  getState(): FeatureState {
    return { kind: "static" };
  }

  clear(): void {}
}
