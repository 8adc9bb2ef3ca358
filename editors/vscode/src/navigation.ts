// Which mention to jump to: pure position arithmetic, kept free of the
// `vscode` module so it can be unit-tested under plain Node.

export interface Pos {
  line: number;
  character: number;
}

export interface Span {
  start: Pos;
  end: Pos;
}

export type Direction = "next" | "previous";

export function comparePos(a: Pos, b: Pos): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

/**
 * Index, in `spans` sorted by start, of the mention after (or before) the
 * cursor, wrapping around. The mention the cursor sits in counts as "here":
 * neither next nor previous.
 */
export function neighbourIndex(spans: readonly Span[], cursor: Pos, direction: Direction): number {
  if (direction === "next") {
    const after = spans.findIndex((s) => comparePos(s.start, cursor) > 0);
    return after === -1 ? 0 : after;
  }
  let before = -1;
  spans.forEach((s, i) => {
    if (comparePos(s.end, cursor) < 0) {
      before = i;
    }
  });
  return before === -1 ? spans.length - 1 : before;
}
