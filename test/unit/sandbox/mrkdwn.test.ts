import { describe, expect, it } from 'vitest';
import { mrkdwnToHtml, mrkdwnToText, plainTextToHtml } from '../../../src/sandbox/render/mrkdwn.ts';

const names = {
  userName: (id: string) => ({ UMAYA00001: 'maya' })[id],
  channelName: (id: string) => ({ CLEADERSHP: 'leadership' })[id],
};

describe('mrkdwnToHtml', () => {
  it('renders bold, italic, strike and inline code', () => {
    expect(mrkdwnToHtml('*Spend* is _up_ ~a lot~ in `acme/api`')).toBe(
      '<b>Spend</b> is <i>up</i> <s>a lot</s> in <code>acme/api</code>',
    );
  });

  it('leaves markers inside words alone, as Slack does', () => {
    expect(mrkdwnToHtml('snake_case_name and 2*3*4')).toBe('snake_case_name and 2*3*4');
  });

  it('does not format inside code spans or preformatted blocks', () => {
    expect(mrkdwnToHtml('`*not bold*`')).toBe('<code>*not bold*</code>');
    expect(mrkdwnToHtml('```\n*raw* <b>\n```')).toBe('<pre>*raw* &lt;b&gt;\n</pre>');
  });

  it('turns newlines into line breaks and "> " lines into a quote', () => {
    expect(mrkdwnToHtml('one\ntwo')).toBe('one<br>two');
    expect(mrkdwnToHtml('&gt; quoted\n&gt; more\nafter')).toBe(
      '<blockquote>quoted<br>more</blockquote>after',
    );
  });

  it('renders links with and without labels, and bold around a link', () => {
    expect(mrkdwnToHtml('<https://linear.app/acme/issue/PAY-1|PAY-1 Refunds>')).toBe(
      '<a href="https://linear.app/acme/issue/PAY-1" target="_blank" rel="noopener noreferrer">PAY-1 Refunds</a>',
    );
    expect(mrkdwnToHtml('*<https://x.test|x>*')).toBe(
      '<b><a href="https://x.test" target="_blank" rel="noopener noreferrer">x</a></b>',
    );
    expect(mrkdwnToHtml('<mailto:a@b.test|a@b.test>')).toContain('href="mailto:a@b.test"');
  });

  it('hands slack:// links to the viewer instead of the browser', () => {
    expect(mrkdwnToHtml('<slack://app?team=T1&id=A1&tab=home|App Home>')).toBe(
      '<a href="#" class="slack-link" data-slack-url="slack://app?team=T1&amp;id=A1&amp;tab=home">App Home</a>',
    );
  });

  it('names user and channel mentions from the workspace, falling back to the label or id', () => {
    expect(mrkdwnToHtml('<@UMAYA00001> in <#CLEADERSHP>', names)).toBe(
      '<span class="mention" data-user="UMAYA00001">@maya</span> in <span class="mention channel" data-channel="CLEADERSHP">#leadership</span>',
    );
    expect(mrkdwnToHtml('<@UNKNOWN1|someone>')).toContain('@someone');
    expect(mrkdwnToHtml('<#C999|eng-leads>')).toContain('#eng-leads');
    expect(mrkdwnToHtml('<!here>')).toBe('<span class="mention">@here</span>');
    expect(mrkdwnToHtml('<!subteam^S1|@payments>')).toBe('<span class="mention">@payments</span>');
  });

  it('renders dates as a localisable <time> with the fallback text', () => {
    expect(mrkdwnToHtml('<!date^1764892800^{date_short_pretty} {time}|2025-12-05 00:00 UTC>')).toBe(
      '<time data-unix="1764892800">2025-12-05 00:00 UTC</time>',
    );
  });

  it('shows the emoji the bot uses and keeps unknown shortcodes', () => {
    expect(mrkdwnToHtml(':warning: careful :not_an_emoji:')).toBe('⚠️ careful :not_an_emoji:');
  });

  it('escapes everything so message text cannot inject markup', () => {
    expect(mrkdwnToHtml('&lt;script&gt;alert(1)&lt;/script&gt; "x" & \'y\'')).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; &quot;x&quot; &amp; &#39;y&#39;',
    );
    expect(mrkdwnToHtml('<javascript:alert(1)|click>')).toBe('click');
    expect(mrkdwnToHtml('<https://x.test/"onmouseover="x|a>')).toContain(
      'href="https://x.test/&quot;onmouseover=&quot;x"',
    );
  });
});

describe('mrkdwnToText and plainTextToHtml', () => {
  it('reduces mrkdwn to readable text', () => {
    expect(mrkdwnToText('*Spend* <https://x.test|PAY-1> by <@UMAYA00001> :tada: &amp; more', names)).toBe(
      'Spend PAY-1 by @maya 🎉 & more',
    );
  });

  it('escapes plain text and shows emoji only when asked', () => {
    expect(plainTextToHtml('<b> :tada:')).toBe('&lt;b&gt; 🎉');
    expect(plainTextToHtml(':tada:', false)).toBe(':tada:');
  });
});
