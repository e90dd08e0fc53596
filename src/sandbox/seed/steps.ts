/** A short log of named steps: each is timed, reported as it finishes, and the first failure stops the run. */

export interface StepResult {
  name: string;
  ok: boolean;
  ms: number;
  detail?: string;
  error?: string;
}

export class StepFailed extends Error {
  constructor(
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(`step "${step}" failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StepFailed';
  }
}

export class StepLog {
  readonly steps: StepResult[] = [];

  constructor(private readonly report: (result: StepResult, index: number) => void = () => {}) {}

  async run(name: string, work: () => Promise<unknown>): Promise<void> {
    const started = Date.now();
    try {
      const detail = await work();
      this.finish({
        name,
        ok: true,
        ms: Date.now() - started,
        ...(typeof detail === 'string' ? { detail } : {}),
      });
    } catch (error) {
      this.finish({
        name,
        ok: false,
        ms: Date.now() - started,
        error: error instanceof Error ? error.message : String(error),
      });
      throw new StepFailed(name, error);
    }
  }

  get ok(): boolean {
    return this.steps.every((s) => s.ok);
  }

  private finish(result: StepResult): void {
    this.steps.push(result);
    this.report(result, this.steps.length);
  }
}

/** "✔ 3. budgets via /ai-roi budget (0.4 s) — Payments …" */
export function formatStep(result: StepResult, index: number): string {
  const seconds = (result.ms / 1000).toFixed(1);
  const mark = result.ok ? '✔' : '✘';
  const tail = result.ok ? (result.detail ? ` — ${result.detail}` : '') : ` — ${result.error}`;
  return `${mark} ${String(index).padStart(2)}. ${result.name} (${seconds} s)${tail}`;
}
