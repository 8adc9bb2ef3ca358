#!/usr/bin/env python3
"""Times the language server's workspace index (and project analysis).

    lsp_index_time.py BINARY WORKSPACE_DIR

Starts `BINARY lsp`, opens WORKSPACE_DIR as the workspace folder, and prints
the seconds from `initialized` to the index's "indexed" log line, to the
first "project … analysed" log line after it (servers with the project
cast; pass --no-project for servers without), and the server's peak RSS
(VmHWM) in MB.
"""
import json
import subprocess
import sys
import time


def send(proc, message):
    body = json.dumps(message).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    proc.stdin.flush()


def read(proc):
    length = None
    while True:
        line = proc.stdout.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(proc.stdout.read(length))


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    binary, root = sys.argv[1], sys.argv[2]
    proc = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    uri = "file://" + root
    send(proc, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "processId": None, "rootUri": uri,
        "workspaceFolders": [{"uri": uri, "name": "bench"}], "capabilities": {}}})
    while read(proc).get("id") != 1:
        pass
    started = time.monotonic()
    send(proc, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
    indexed = project = None
    deadline = started + 600
    while time.monotonic() < deadline:
        message = read(proc)
        if message is None:
            break
        if "id" in message and "method" in message:
            send(proc, {"jsonrpc": "2.0", "id": message["id"], "result": None})
            continue
        if message.get("method") != "window/logMessage":
            continue
        text = message["params"]["message"]
        if text.startswith("dramatis: indexed") and indexed is None:
            indexed = time.monotonic() - started
        # The project computed once the index is complete.
        if text.startswith("dramatis: project of") and indexed is not None and project is None:
            project = time.monotonic() - started
        if indexed is not None and (project is not None or "--no-project" in sys.argv):
            break

    rss = peak_rss_mb(proc.pid)
    send(proc, {"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    send(proc, {"jsonrpc": "2.0", "method": "exit"})
    proc.wait(timeout=30)
    print(json.dumps({"indexed_s": indexed, "project_s": project, "peak_rss_mb": round(rss, 1)}))


if __name__ == "__main__":
    main()
