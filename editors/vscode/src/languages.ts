// Which documents dramatis serves, decided from `dramatis.fileTypes` alone:
// the manifest's static activation events and key bindings cannot read a
// setting, so the extension exposes this list as the `dramatis.languages`
// context key and starts the server when the first such document opens.

/** The context key that key bindings test with `editorLangId in dramatis.languages`. */
export const LANGUAGES_CONTEXT = "dramatis.languages";

/** Schemes the server can see the text of (through the client's sync). */
const SCHEMES = ["file", "untitled"];

export function servesDocument(
  document: { languageId: string; uri: { scheme: string } },
  fileTypes: readonly string[],
): boolean {
  return SCHEMES.includes(document.uri.scheme) && fileTypes.includes(document.languageId);
}

export function documentSelector(fileTypes: readonly string[]): { scheme: string; language: string }[] {
  return fileTypes.flatMap((language) => SCHEMES.map((scheme) => ({ scheme, language })));
}
