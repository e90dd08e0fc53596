import { describe, expect, it } from 'vitest';
import { REDACTED, redactBody, redactJson, redactText } from '../../../src/ingest/http/redact.ts';
import { decodeLogsRequest, encodeLogsRequest } from '../../../src/ingest/otlp/proto.ts';
import { claudeCodeLogsRequest } from '../../fixtures/otlp/claude-code.ts';

const PROMPT = 'SECRET-PROMPT do not keep';
const COMMAND = 'SECRET-COMMAND git commit -m x';

const logs = () =>
  claudeCodeLogsRequest({
    sessionId: 's-1',
    email: 'ada@example.com',
    prompts: [{ at: '2026-03-02T10:00:00Z', text: PROMPT }],
    commits: [{ at: '2026-03-02T10:00:01Z', commitId: 'a1b2c3d', command: COMMAND }],
    requests: [{ requestId: 'req_1', at: '2026-03-02T10:00:02Z', costUsd: 0.1, input: 1, output: 1 }],
  });

describe('dead-letter redaction (reliability suite: prompt text never reaches the database)', () => {
  it('blanks content attributes of OTLP JSON and keeps the metadata needed to replay', () => {
    const body = Buffer.from(JSON.stringify(logs()));
    const redacted = redactBody(body);
    expect(redacted.format).toBe('json');
    expect(redacted.text).not.toContain('SECRET');
    expect(redacted.text).toContain('"key":"prompt"');
    expect(redacted.text).toContain(REDACTED);
    expect(redacted.text).toContain('req_1');
    expect(redacted.text).toContain('claude_code.user_prompt');
  });

  it('treats the value of an attribute without a readable name as content', () => {
    const { value } = redactJson({
      attributes: [{ key: 42, value: { stringValue: PROMPT } }, { value: { stringValue: PROMPT } }],
    });
    expect(JSON.stringify(value)).not.toContain('SECRET');
  });

  it('decodes protobuf bodies and keeps them as redacted JSON; undecodable ones are not kept', () => {
    const proto = Buffer.from(encodeLogsRequest(logs()));
    const decoded = redactBody(proto, decodeLogsRequest);
    expect(decoded.format).toBe('decoded');
    expect(decoded.text).not.toContain('SECRET');
    expect(decoded.text).toContain('req_1');
    // The same bytes under a JSON content type: not JSON, not searchable → dropped.
    expect(redactBody(proto)).toEqual({ format: 'dropped', redactions: 0 });
    expect(redactBody(proto.subarray(0, 40), decodeLogsRequest).format).toBe('dropped');
  });

  it('scans truncated JSON by pattern (members, OTLP attributes, arrays, one-level wrappers)', () => {
    const text = JSON.stringify(logs());
    const truncated = text.slice(0, text.indexOf(PROMPT) + 10);
    expect(redactBody(Buffer.from(truncated)).text).not.toContain('SECRET');
    const lite =
      '[{"id":"c1","messages":[{"role":"user","content":"SECRET hi"}],"prompt":["SECRET x"],"response":{"text":"SECRET';
    const scanned = redactText(lite);
    expect(scanned.text).not.toContain('SECRET');
    expect(scanned.text).toContain('"id":"c1"');
    expect(redactBody(Buffer.from('{"type":"Issue",')).text).toBe('{"type":"Issue",');
  });

  it('drops bodies that are not valid UTF-8 and redacts ndjson and form bodies line by line', () => {
    expect(redactBody(Buffer.concat([Buffer.from('{"prompt":"SECRET'), Buffer.from([0xff])])).format).toBe(
      'dropped',
    );
    const ndjson = ['{"id":"a","messages":"SECRET 1"}', '{"id":"b","messages":"SECRET 2"}'].join('\n');
    const lines = redactBody(Buffer.from(ndjson));
    expect(lines.format).toBe('ndjson');
    expect(lines.text).not.toContain('SECRET');
    const form = `payload=${encodeURIComponent('{"pull_request":{"body":"SECRET"}}')}`;
    expect(redactBody(Buffer.from(form)).text).not.toContain('SECRET');
  });

  it('bounds recursion on hostile nesting instead of overflowing the stack', () => {
    const deep = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
    const redacted = redactBody(Buffer.from(deep));
    expect(redacted.format).toBe('json');
    expect(redacted.text!.length).toBeLessThan(2000);
  });
});
