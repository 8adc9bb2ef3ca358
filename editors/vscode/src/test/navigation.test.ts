import { strict as assert } from "node:assert";
import { test } from "node:test";
import { neighbourIndex, Span } from "../navigation";

const span = (line: number, start: number, end: number): Span => ({
  start: { line, character: start },
  end: { line, character: end },
});

// "Okonkwo" four times: 0:0-16, 0:98-105, 2:71-78, 4:48-55.
const mentions = [span(0, 0, 16), span(0, 98, 105), span(2, 71, 78), span(4, 48, 55)];

test("next from inside a mention goes to the following one", () => {
  assert.equal(neighbourIndex(mentions, { line: 0, character: 100 }, "next"), 2);
});

test("next from the start of a mention skips it", () => {
  assert.equal(neighbourIndex(mentions, { line: 0, character: 98 }, "next"), 2);
});

test("next after the last mention wraps to the first", () => {
  assert.equal(neighbourIndex(mentions, { line: 4, character: 50 }, "next"), 0);
});

test("previous from inside a mention goes to the one before", () => {
  assert.equal(neighbourIndex(mentions, { line: 2, character: 75 }, "previous"), 1);
});

test("previous from the end of a mention does not stay on it", () => {
  assert.equal(neighbourIndex(mentions, { line: 0, character: 105 }, "previous"), 0);
});

test("previous before the first mention wraps to the last", () => {
  assert.equal(neighbourIndex(mentions, { line: 0, character: 3 }, "previous"), 3);
});

test("between mentions, next and previous are the neighbours", () => {
  const cursor = { line: 1, character: 0 };
  assert.equal(neighbourIndex(mentions, cursor, "next"), 2);
  assert.equal(neighbourIndex(mentions, cursor, "previous"), 1);
});
