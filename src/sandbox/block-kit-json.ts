/** Reading Block Kit as plain JSON (what the fake Slack API stored): small guards shared by the sandbox. */

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Every option of a menu, including those in option groups. */
export function optionList(element: Json): Json[] {
  const direct = Array.isArray(element.options) ? element.options.filter(isObject) : [];
  const grouped = Array.isArray(element.option_groups)
    ? element.option_groups
        .filter(isObject)
        .flatMap((group) => (Array.isArray(group.options) ? group.options.filter(isObject) : []))
    : [];
  return [...direct, ...grouped];
}
