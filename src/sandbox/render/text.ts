/** Block Kit → plain text, for terminals (the demo prints the digest this way). */
import { isObject } from '../block-kit-json.ts';
import { textObjectToText } from './blocks.ts';
import { type MentionNames, mrkdwnToText } from './mrkdwn.ts';

function text(value: unknown, names?: MentionNames): string {
  if (!isObject(value)) return '';
  const raw = typeof value.text === 'string' ? value.text : '';
  return value.type === 'mrkdwn' ? mrkdwnToText(raw, names) : textObjectToText(value);
}

export function blocksToText(blocks: readonly unknown[], names?: MentionNames): string {
  const lines: string[] = [];
  for (const block of blocks) {
    if (!isObject(block)) continue;
    switch (block.type) {
      case 'header': {
        const title = text(block.text, names);
        lines.push(title, '═'.repeat(Math.min(72, title.length)));
        break;
      }
      case 'divider':
        lines.push('─'.repeat(40));
        break;
      case 'section':
        if (block.text) lines.push(text(block.text, names));
        if (Array.isArray(block.fields)) {
          for (const field of block.fields) {
            const [label = '', ...rest] = text(field, names).split('\n');
            lines.push(`  ${label}: ${rest.join(' · ')}`.trimEnd());
          }
        }
        break;
      case 'context':
        if (Array.isArray(block.elements)) {
          lines.push(
            block.elements.map((e) => (isObject(e) && e.type === 'image' ? '' : text(e, names))).join('  '),
          );
        }
        break;
      case 'image':
        lines.push(`[image: ${typeof block.alt_text === 'string' ? block.alt_text : ''}]`);
        break;
      case 'actions':
        if (Array.isArray(block.elements)) {
          lines.push(
            block.elements
              .filter(isObject)
              .map((e) => (e.type === 'button' ? `[ ${text(e.text)} ]` : `[${String(e.type)}]`))
              .join(' '),
          );
        }
        break;
      default:
        lines.push(`[${String(block.type)}]`);
    }
  }
  return lines.join('\n');
}
