/**
 * "owner/name" for GitHub-style URLs (https, ssh, scp-like, with or without .git), so OTLP
 * events, webhooks and PR outcomes name a repository the same way; anything else is kept as sent.
 */
export function normaliseRepo(value: string): string {
  const trimmed = value.trim();
  const match =
    /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?[^/:]+[:/]([^/]+)\/([^/]+?)(?:\.git)?\/?$/i.exec(trimmed) ??
    /^([^/\s:]+)\/([^/\s:]+?)(?:\.git)?$/.exec(trimmed);
  return match ? `${match[1]}/${match[2]}` : trimmed;
}
