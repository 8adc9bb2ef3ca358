// Entry point: starts the dramatis language server once a document of one of
// the `dramatis.fileTypes` languages is open, keeps its settings in sync, and
// adds restart and mention-jumping commands.
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import { documentSelector, LANGUAGES_CONTEXT, servesDocument } from "./languages";
import { asPeekLenses } from "./lenses";
import { jumpToMention } from "./mentions";
import { findServer } from "./server";
import { needsRestart, readFileTypes, readServerSettings, SECTION } from "./settings";
import { ProgressToStatus, StatusItem } from "./status";

let client: LanguageClient | undefined;
let status: StatusItem | undefined;
let output: vscode.OutputChannel | undefined;
/** The binary was not found: opening more documents should not ask again. */
let serverMissing = false;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("dramatis");
  status = new StatusItem();
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand("dramatis.restart", () => restart()),
    vscode.commands.registerCommand("dramatis.nextMention", () => jumpToMention(client, "next")),
    vscode.commands.registerCommand("dramatis.previousMention", () => jumpToMention(client, "previous")),
    vscode.workspace.onDidOpenTextDocument((document) => {
      if (client === undefined && !serverMissing && servesDocument(document, readFileTypes())) {
        void start();
      }
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SECTION)) {
        return;
      }
      if (needsRestart(event)) {
        void publishLanguages().then(() => restart());
      } else if (client?.isRunning()) {
        void client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { [SECTION]: readServerSettings() },
        });
      }
    }),
  );

  await publishLanguages();
  // Activation also happens at start-up (for file types beyond the default
  // ones); the server waits for a document it serves.
  if (vscode.workspace.textDocuments.some((document) => servesDocument(document, readFileTypes()))) {
    await start();
  }
}

/** Lets key bindings follow `dramatis.fileTypes` (`editorLangId in dramatis.languages`). */
async function publishLanguages(): Promise<void> {
  await vscode.commands.executeCommand("setContext", LANGUAGES_CONTEXT, readFileTypes());
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function start(): Promise<void> {
  if (status === undefined || output === undefined || client !== undefined) {
    return;
  }
  const server = findServer();
  serverMissing = !server.found;
  if (!server.found) {
    status.stopped(server.reason);
    const choice = await vscode.window.showErrorMessage(`dramatis: ${server.reason}`, "Open settings");
    if (choice === "Open settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "dramatis.path");
    }
    return;
  }

  const serverOptions: ServerOptions = {
    command: server.command,
    args: ["lsp"],
    transport: TransportKind.stdio,
  };
  // Filled in once the client exists; the middleware only runs after that.
  const holder: { client?: LanguageClient } = {};
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(readFileTypes()),
    outputChannel: output,
    initializationOptions: { [SECTION]: readServerSettings() },
    middleware: {
      provideCodeLenses: async (document, token, next) => {
        const lenses = await next(document, token);
        return holder.client ? asPeekLenses(holder.client, lenses) : lenses;
      },
      workspace: {
        // We push our own shaped settings on every change (see activate);
        // the library's generic push would send `settings: null` on top.
        didChangeConfiguration: () => Promise.resolve(),
        // Servers that pull settings get the same shape as the push below.
        configuration: (params, token, next) => {
          if (params.items.every((item) => item.section === SECTION)) {
            return params.items.map(() => readServerSettings());
          }
          return next(params, token);
        },
      },
    },
  };

  const languageClient = new LanguageClient("dramatis", "dramatis", serverOptions, clientOptions);
  holder.client = languageClient;
  const statusItem = status;
  languageClient.registerFeature(new ProgressToStatus(languageClient, statusItem));
  languageClient.onDidChangeState(({ newState }) => {
    if (newState === State.Starting) {
      statusItem.starting();
    } else if (newState === State.Running) {
      statusItem.ready();
    } else {
      statusItem.stopped("The dramatis language server stopped.");
    }
  });
  client = languageClient;
  statusItem.starting();
  try {
    await languageClient.start();
  } catch (error) {
    statusItem.stopped(`The dramatis language server failed to start: ${String(error)}`);
    output.appendLine(`failed to start ${server.command}: ${String(error)}`);
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running === undefined) {
    return;
  }
  try {
    await running.stop(2000);
  } catch (error) {
    output?.appendLine(`stopping the server: ${String(error)}`);
  }
  await running.dispose();
}

async function restart(): Promise<void> {
  await stop();
  await start();
}
