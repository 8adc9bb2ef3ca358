// Finding the `dramatis` binary: the `dramatis.path` setting wins, then PATH.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { SECTION } from "./settings";

const BINARY = process.platform === "win32" ? "dramatis.exe" : "dramatis";

function isExecutableFile(candidate: string): boolean {
  try {
    const stat = fs.statSync(candidate);
    if (!stat.isFile()) {
      return false;
    }
    if (process.platform !== "win32") {
      fs.accessSync(candidate, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? path.join(os.homedir(), p.slice(1)) : p;
}

export type ServerLookup =
  | { found: true; command: string }
  | { found: false; reason: string };

export function findServer(): ServerLookup {
  const configured = vscode.workspace.getConfiguration(SECTION).get<string>("path", "").trim();
  if (configured !== "") {
    let candidate = expandHome(configured);
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!path.isAbsolute(candidate) && folder !== undefined) {
      candidate = path.join(folder.uri.fsPath, candidate);
    }
    return isExecutableFile(candidate)
      ? { found: true, command: candidate }
      : { found: false, reason: `dramatis.path is set to "${configured}", which is not an executable file.` };
  }
  const searchPath = process.env.PATH ?? "";
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === "") {
      continue;
    }
    const candidate = path.join(dir, BINARY);
    if (isExecutableFile(candidate)) {
      return { found: true, command: candidate };
    }
  }
  // `cargo install` puts binaries here, and VS Code started from a desktop
  // launcher often does not have it on PATH.
  const cargoBin = path.join(os.homedir(), ".cargo", "bin", BINARY);
  if (isExecutableFile(cargoBin)) {
    return { found: true, command: cargoBin };
  }
  return {
    found: false,
    reason: "The dramatis binary was not found on PATH. Install it with `cargo install --path .` in the dramatis repository, or set dramatis.path.",
  };
}
