import { strict as assert } from "node:assert";
import { test } from "node:test";
import { documentSelector, servesDocument } from "../languages";

const doc = (languageId: string, scheme = "file"): { languageId: string; uri: { scheme: string } } => ({
  languageId,
  uri: { scheme },
});

test("a language added to fileTypes is served, others are not", () => {
  const fileTypes = ["plaintext", "markdown", "latex"];
  assert.equal(servesDocument(doc("latex"), fileTypes), true);
  assert.equal(servesDocument(doc("markdown", "untitled"), fileTypes), true);
  assert.equal(servesDocument(doc("rust"), fileTypes), false);
  assert.equal(servesDocument(doc("latex", "git"), fileTypes), false);
});

test("the selector has each language in each scheme", () => {
  assert.deepEqual(documentSelector(["latex"]), [
    { scheme: "file", language: "latex" },
    { scheme: "untitled", language: "latex" },
  ]);
});
