import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACTIONS, COMMAND, EVENTS } from '../../src/ids.ts';

const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8'));
const schema = JSON.parse(
  readFileSync(new URL('../fixtures/slack_manifest.schema.1.0.0.json', import.meta.url), 'utf8'),
);

describe('manifest.yml', () => {
  it('is valid against Slack manifest schema 1.0.0', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('declares every command, event and interactivity setting the code relies on', () => {
    const commands = manifest.features.slash_commands.map((c: { command: string }) => c.command);
    expect(commands).toContain(COMMAND);
    for (const event of Object.values(EVENTS))
      expect(manifest.settings.event_subscriptions.bot_events).toContain(event);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    // External selects (Linear search) need the options load URL.
    expect(manifest.settings.interactivity.message_menu_options_url).toMatch(/\/slack\/events$/);
    expect(Object.keys(ACTIONS).length).toBeGreaterThan(0);
  });

  it('requests every bot scope the Web API methods we call need', () => {
    const scopes: string[] = manifest.oauth_config.scopes.bot;
    const needed = ['chat:write', 'commands', 'im:write', 'users:read', 'users:read.email', 'files:write'];
    for (const scope of needed) expect(scopes).toContain(scope);
  });
});
