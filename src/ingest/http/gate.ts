/**
 * Bounds concurrent ingest work so a burst answers 429 + Retry-After (which exporters retry) instead of
 * queueing without limit and growing memory.
 */
export class IngestGate {
  private inFlight = 0;

  constructor(private readonly limit: number) {}

  enter(): boolean {
    if (this.inFlight >= this.limit) return false;
    this.inFlight += 1;
    return true;
  }

  leave(): void {
    this.inFlight -= 1;
  }
}
