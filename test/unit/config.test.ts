import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, documentedVariables, loadConfig, slackMode } from '../../src/config.ts';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.SLACK_API_URL).toBe('https://slack.com/api/');
    expect(config.LINEAR_API_URL).toBe('https://api.linear.app/graphql');
    expect(config.SESSION_IDLE_MINUTES).toBe(30);
    expect(config.PROMPT_DEFAULT_MODE).toBe('daily');
    expect(config.PRIVACY_MIN_GROUP).toBe(3);
    expect(config.ADMIN_USER_IDS).toEqual([]);
  });

  it('lists every problem at once as "NAME - what is wrong"', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'abc',
        PROMPT_DEFAULT_MODE: 'sometimes',
        ADMIN_USER_IDS: 'U123ABC, not-a-user',
        TZ_DEFAULT: 'Mars/Olympus',
        SLACK_API_URL: 'not a url',
        SESSION_IDLE_MINUTES: '0',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.split(' - ')[0]).sort()).toEqual(
      [
        'ADMIN_USER_IDS',
        'PORT',
        'PROMPT_DEFAULT_MODE',
        'SESSION_IDLE_MINUTES',
        'SLACK_API_URL',
        'TZ_DEFAULT',
      ].sort(),
    );
    expect((error as ConfigError).message).toContain('PROMPT_DEFAULT_MODE - ');
  });

  it('treats empty secrets as unset and picks the Slack mode from credentials', () => {
    expect(slackMode(loadConfig({ SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' }))).toBe('local');
    expect(slackMode(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }))).toBe('http');
    expect(
      slackMode(
        loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_APP_TOKEN: 'xapp-1' }),
      ),
    ).toBe('socket');
  });

  it('parses admin ids into a list', () => {
    expect(loadConfig({ ADMIN_USER_IDS: 'U111AAA, W222BBB' }).ADMIN_USER_IDS).toEqual(['U111AAA', 'W222BBB']);
  });

  it('documents every variable in .env.example with a description in the schema', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    for (const { name, description } of documentedVariables()) {
      expect(description, `${name} needs a description`).not.toBe('');
      expect(example, `${name} is missing from .env.example`).toMatch(new RegExp(`^#?\\s*${name}=`, 'm'));
    }
  });
});
