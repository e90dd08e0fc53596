/** A record or data point the mappers could not use; OTLP answers these with partial_success. */
export interface RejectedRecord {
  /** Where it sits in the request, e.g. "resourceLogs[0].scopeLogs[0].logRecords[4]". */
  path: string;
  reason: string;
}

/** "2 rejected: <path> - <reason>; <path> - <reason>" listing the first few, for partial_success.errorMessage. */
export function rejectionMessage(rejected: readonly RejectedRecord[], maxListed = 3): string {
  const listed = rejected.slice(0, maxListed).map((r) => `${r.path} - ${r.reason}`);
  const more = rejected.length > maxListed ? `; and ${rejected.length - maxListed} more` : '';
  return `${rejected.length} rejected: ${listed.join('; ')}${more}`;
}
