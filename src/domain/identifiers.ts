/**
 * Linear issue identifiers (ENG-123) found in branch names, commit messages and PR titles.
 *
 * The rule (Linear does not publish its own matcher):
 * - team key: 2-7 characters, a letter first, letters and digits after, at least two letters
 *   (so versions and quarters like `v1-2`, `Q4-2024`, `x86-64` are not issues);
 * - number: 1-7 digits, no leading zero;
 * - not glued to letters or digits on either side (`xENG-1`, `ENG-1a` are not matches), and
 *   not followed by `.digit` (`v1-2.3`, `ENG-1.5`);
 * - not a well-known standard or encoding token (DENYLIST: UTF-8, SHA-256, ISO-8601, …).
 * Matching is case-insensitive (Linear's default branch form is `user/eng-123-title`);
 * results are upper-cased, unique, in order of first appearance. Callers confirm them
 * against Linear before linking; passing `knownTeamKeys` narrows matches up front.
 */

export const IDENTIFIER_DENYLIST: ReadonlySet<string> = new Set([
  // encodings and character sets
  'UTF',
  'UCS',
  'LATIN',
  'CP',
  'WIN',
  'WINDOWS',
  'BASE',
  // hashes and crypto
  'SHA',
  'MD',
  'AES',
  'RSA',
  'DES',
  'ECDSA',
  'HMAC',
  // standards, advisories
  'ISO',
  'IEC',
  'RFC',
  'CVE',
  'CWE',
  'GHSA',
  'IEEE',
  'ANSI',
  'ECMA',
  'ES',
  'PEP',
  'JSR',
  'WCAG',
  // protocols
  'HTTP',
  'HTTPS',
  'TLS',
  'SSL',
  'TCP',
  'UDP',
  'IPV',
  // models and runtimes that carry version numbers
  'GPT',
  'CLAUDE',
  'LLAMA',
  'GEMINI',
  'NODE',
  'PYTHON',
  'JAVA',
  'JDK',
  // numeric types and architectures
  'INT',
  'UINT',
  'FLOAT',
  'ARM',
  'AMD',
  'COVID',
]);

const CANDIDATE = /(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]{1,6})-([1-9][0-9]{0,6})(?![A-Za-z0-9])(?!\.[0-9])/g;
const EXACT = /^([A-Za-z][A-Za-z0-9]{0,6})-([1-9][0-9]{0,6})$/;

function acceptableKey(key: string, knownTeamKeys?: ReadonlySet<string>): boolean {
  if (IDENTIFIER_DENYLIST.has(key)) return false;
  if ((key.match(/[A-Z]/g) ?? []).length < 2) return false;
  if (knownTeamKeys && !knownTeamKeys.has(key)) return false;
  return true;
}

export interface ExtractOptions {
  /** Upper-case team keys known to exist (e.g. from the Linear cache); others are ignored. */
  knownTeamKeys?: ReadonlySet<string>;
}

export function extractIssueIdentifiers(
  text: string | null | undefined,
  options: ExtractOptions = {},
): string[] {
  if (!text) return [];
  const found: string[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const key = match[1]!.toUpperCase();
    if (!acceptableKey(key, options.knownTeamKeys)) continue;
    const identifier = `${key}-${match[2]}`;
    if (!found.includes(identifier)) found.push(identifier);
  }
  return found;
}

/** Identifiers from several texts (branch, commit messages, PR title), unique, in order. */
export function extractFromAll(
  texts: readonly (string | null | undefined)[],
  options: ExtractOptions = {},
): string[] {
  const found: string[] = [];
  for (const text of texts) {
    for (const identifier of extractIssueIdentifiers(text, options)) {
      if (!found.includes(identifier)) found.push(identifier);
    }
  }
  return found;
}

/**
 * A whole value typed by a person (modal field, `/ai-roi link`): the normalised identifier,
 * or null when it is not exactly one identifier. Someone typing an identifier means it, so
 * only the shape is checked (key 1-7 characters, no denylist); Linear confirms the rest.
 */
export function parseIssueIdentifier(value: string): string | null {
  const match = EXACT.exec(value.trim());
  if (!match) return null;
  return `${match[1]!.toUpperCase()}-${match[2]}`;
}
