import { recordAudit } from '../access/audit.ts';
import { type Role, requireManager, resolveRole } from '../access/roles.ts';
import { subscriberTimeZone } from '../digest/channel.ts';
import { composeDigest, type DigestTarget } from '../digest/compose.ts';
import { periodRange } from '../domain/periods.ts';
import {
  DEFAULT_TEMPLATES,
  renderRoiSentence,
  TEMPLATE_KEYS,
  TEMPLATE_VARIABLE_NAMES,
  type TemplateKey,
  validateTemplate,
} from '../domain/templates.ts';
import { type CommandContext, type CommandHandler, replyEphemeral } from './context.ts';

/** Team-flavoured templates preview on the caller's own team when they have one; the rest on the org. */
function previewTarget(key: TemplateKey, role: Role): DigestTarget {
  const team = role.managerOf[0] ?? role.memberOf[0];
  if ((key === 'team_retro' || key === 'budget_warning') && team) {
    return { scope: { kind: 'team', team }, audience: 'team' };
  }
  return { scope: { kind: 'org' }, audience: 'leadership' };
}

/** The template rendered on this week's numbers (caveats included), as a quote. */
async function renderPreview(
  ctx: CommandContext,
  key: TemplateKey,
  text: string | null,
  role: Role,
): Promise<string> {
  const now = ctx.deps.now();
  const tz = await subscriberTimeZone(ctx.deps, ctx.userId);
  const digest = await composeDigest(ctx.deps, previewTarget(key, role), periodRange('week', now, tz), now);
  const rendered = renderRoiSentence(digest.numbers, key, text);
  return `> ${rendered.text}`;
}

function quoteCode(text: string): string {
  return `\`\`\`${text.replace(/```/g, "'''")}\`\`\``;
}

/**
 * `/ai-roi templates list | show KEY | set KEY TEXT | preview KEY | reset KEY`. Anyone may read;
 * managers and admins change them (org-wide: the ROI sentences of every digest).
 */
export const handleTemplates: CommandHandler<'templates'> = async (command, ctx) => {
  const { deps } = ctx;
  const { action } = command;
  const templates = deps.collections.templates;

  if (action.type === 'list') {
    const custom = new Map((await templates.find({}).toArray()).map((doc) => [doc.key, doc]));
    const lines = TEMPLATE_KEYS.map((key) => {
      const doc = custom.get(key);
      const status = doc ? `custom, set by <@${doc.updatedBy}>` : 'default';
      return `• \`${key}\` — *${DEFAULT_TEMPLATES[key].title}* (${status}): ${DEFAULT_TEMPLATES[key].description}`;
    });
    await replyEphemeral(
      ctx,
      `*ROI sentence templates*\n${lines.join('\n')}\nShow one with \`/ai-roi templates show KEY\`, try it on this week's numbers with \`/ai-roi templates preview KEY\`.`,
    );
    return;
  }

  const key = action.key;
  const stored = await templates.findOne({ key });

  if (action.type === 'show') {
    const status = stored
      ? `Custom text, set by <@${stored.updatedBy}>; \`/ai-roi templates reset ${key}\` restores the default.`
      : 'Default text.';
    await replyEphemeral(
      ctx,
      `*${DEFAULT_TEMPLATES[key].title}* (\`${key}\`). ${status}\n${quoteCode(stored?.text ?? DEFAULT_TEMPLATES[key].text)}\nVariables: ${TEMPLATE_VARIABLE_NAMES.map((v) => `\`{{${v}}}\``).join(', ')}. \`{{#var}}…{{/var}}\` shows text only when var has a value, \`{{^var}}…{{/var}}\` only when it has none. Caveats (low coverage, estimated costs) are always added.`,
    );
    return;
  }

  const role = await resolveRole(deps, ctx.userId);
  if (action.type === 'preview') {
    const preview = await renderPreview(ctx, key, stored?.text ?? null, role);
    await replyEphemeral(ctx, `*${DEFAULT_TEMPLATES[key].title}* on this week's numbers:\n${preview}`);
    return;
  }

  const access = requireManager(role, undefined, 'change ROI templates');
  if (!access.ok) {
    await replyEphemeral(ctx, access.reason);
    return;
  }
  const now = deps.now();

  if (action.type === 'reset') {
    if (!stored) {
      await replyEphemeral(ctx, `\`${key}\` already uses the default text; nothing changed.`);
      return;
    }
    await templates.deleteOne({ key });
    await recordAudit(
      deps.collections,
      {
        actor: ctx.userId,
        action: 'template.reset',
        target: `template:${key}`,
        before: stored.text,
      },
      now,
    );
    await replyEphemeral(
      ctx,
      `\`${key}\` is back to the default text:\n${quoteCode(DEFAULT_TEMPLATES[key].text)}`,
    );
    return;
  }

  if (action.type !== 'set') return;
  const check = validateTemplate(action.text);
  if (!check.ok) {
    const valid = check.unknown.length > 0 ? '' : ` Valid variables: ${check.valid.join(', ')}.`;
    await replyEphemeral(ctx, `That template was not saved: ${check.problem}.${valid}`);
    return;
  }
  await templates.updateOne(
    { key },
    { $set: { key, text: action.text, updatedBy: ctx.userId, updatedAt: now } },
    { upsert: true },
  );
  await recordAudit(
    deps.collections,
    {
      actor: ctx.userId,
      action: 'template.set',
      target: `template:${key}`,
      ...(stored && { before: stored.text }),
      after: action.text,
    },
    now,
  );
  const preview = await renderPreview(ctx, key, action.text, role);
  await replyEphemeral(
    ctx,
    `Saved \`${key}\`. Every digest that uses it now reads like this (this week's numbers):\n${preview}`,
  );
};
