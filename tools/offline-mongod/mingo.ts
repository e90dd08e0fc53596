// mingo entry points without per-call setup cost.
//
// mingo's default `Query` / `updateMany` copy every operator table (~250 entries) into a fresh context on each
// call, which costs more than matching a handful of documents. Queries here reuse one prepared options object
// (mingo copies only its small per-query locals from it); updates get a context holding only what they use.
import { Context } from 'mingo';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as updateOperators from 'mingo/operators/update';
import * as windowOperators from 'mingo/operators/window';
import { Query as RawQuery } from 'mingo/query';
import { updateMany as rawUpdateMany } from 'mingo/updater';
import { MingoError } from 'mingo/util';
import { isPlainObject } from './values.ts';

export type QueryOptions = NonNullable<ConstructorParameters<typeof RawQuery>[1]>;
type UpdateOptions = NonNullable<Parameters<typeof rawUpdateMany>[4]>;
type Modifier = Parameters<typeof rawUpdateMany>[2];
type UpdateConfig = NonNullable<Parameters<typeof rawUpdateMany>[3]>;
type Operators = Parameters<typeof Context.init>[0];

/** The same operator set as mingo's default context (what `import { Query } from 'mingo'` uses). */
const FULL = Context.init({
  accumulator: accumulatorOperators,
  expression: expressionOperators,
  pipeline: pipelineOperators,
  projection: projectionOperators,
  query: queryOperators,
  window: windowOperators,
} as unknown as Operators);

/**
 * Prepared query options: mingo hands its internal options object to query operators, so a one-off operator
 * captures it. `new Query(filter, prepared)` then skips the context copy (mingo's documented behaviour for an
 * options instance: "its internal options and locals are used").
 */
function prepare(): QueryOptions {
  let captured: QueryOptions | undefined;
  const ctx = Context.from(FULL).addQueryOps({
    $__offlineCapture: (_field: string, _value: unknown, options: QueryOptions) => {
      captured = options;
      return () => true;
    },
  } as unknown as Parameters<Context['addQueryOps']>[0]);
  new RawQuery({ x: { $__offlineCapture: 1 } }, { idKey: '_id', context: ctx });
  if (!captured) throw new Error('mingo did not pass its options to a query operator');
  return captured;
}

const PREPARED = prepare();

/** A compiled mingo query (filter + find with projection), with `_id` as the id key. */
export function query(filter: Record<string, unknown>, collation?: unknown): RawQuery {
  if (isPlainObject(collation))
    return new RawQuery(filter, { idKey: '_id', context: FULL, collation: collation as { locale: string } });
  return new RawQuery(filter, PREPARED);
}

const EMPTY = Context.init();

/** Operators whose evaluation needs mingo's expression operators beyond what the updater registers itself. */
const EXPRESSION_KEYS = new Set(['$expr', '$where', '$function', '$accumulator', '$jsonSchema']);

function usesExpressions(v: unknown, depth = 0): boolean {
  if (depth > 64) return true;
  if (Array.isArray(v)) return v.some((e) => usesExpressions(e, depth + 1));
  if (!isPlainObject(v)) return false;
  for (const k of Object.keys(v)) if (EXPRESSION_KEYS.has(k) || usesExpressions(v[k], depth + 1)) return true;
  return false;
}

/**
 * mingo's `updateMany` (mutates `docs` in place), for pipeline updates. They run with the full operator set
 * unless no expression operator appears anywhere; see {@link applyOperators} for operator updates.
 */
export function updateMany(
  docs: Record<string, unknown>[],
  condition: Record<string, unknown>,
  modifier: Record<string, unknown> | Record<string, unknown>[],
  config: UpdateConfig,
): void {
  const full =
    Array.isArray(modifier) ||
    usesExpressions(modifier) ||
    usesExpressions(config.arrayFilters) ||
    usesExpressions(condition);
  const options: UpdateOptions = { idKey: '_id', context: full ? FULL : EMPTY };
  rawUpdateMany(docs, condition, modifier as Modifier, config, options);
}

// ---- Operator updates ----------------------------------------------------------------------------------------
// mingo's updater builds a new context (copying its operator tables) and a lazy pipeline for every call. What
// it does for an operator update is: validate the paths of every operator together (buildParams, not exported:
// ported below), then run mingo's own update operators on each document. This does the same with the prepared
// options.

type Doc = Record<string, unknown>;
interface Compute {
  update(locals: Doc): Compute;
  readonly local: Doc;
  readonly idKey: string;
}
type UpdateOperator = (expr: unknown, arrayFilters: Doc[], options: Compute) => (doc: Doc) => string[];

/** mingo's options class, reached through the prepared instance (its static `init` copies only the locals). */
const ComputeOptions = (PREPARED as object).constructor as unknown as { init(options: unknown): Compute };

const UPDATE_OPERATORS = new Map<string, UpdateOperator>();
for (const [name, fn] of Object.entries(updateOperators as Record<string, unknown>))
  if (name.startsWith('$') && typeof fn === 'function') UPDATE_OPERATORS.set(name, fn as UpdateOperator);

const assert = (ok: unknown, message: string) => {
  if (!ok) throw new MingoError(message);
};

interface PathNode {
  selector: string;
  position?: string;
  next?: PathNode;
}

/** mingo's PathValidator: rejects a path equal to, inside or above one already added. */
class PathTrie {
  private readonly root = { children: new Map<string, PathTrieNode>(), isTerminal: false };
  add(selector: string): boolean {
    let current: PathTrieNode = this.root;
    for (const part of selector.split('.')) {
      if (current.isTerminal) return false;
      let next = current.children.get(part);
      if (!next) {
        next = { children: new Map(), isTerminal: false };
        current.children.set(part, next);
      }
      current = next;
    }
    if (current.isTerminal || current.children.size) return false;
    current.isTerminal = true;
    return true;
  }
}
interface PathTrieNode {
  children: Map<string, PathTrieNode>;
  isTerminal: boolean;
}

const FIRST_ONLY = '$';
const ARRAY_WIDE = '$[]';
const ERR_MISSING_FIELD = "You must include the array field for '.$' as part of the query document.";

/** Port of mingo's operators/update/_internal `buildParams` (same checks, same order, same messages). */
function buildParams(exprList: unknown[], arrayFilters: Doc[], options: Compute) {
  const params: Record<string, { node: PathNode; queries: Record<string, RawQuery> }> = {};
  const filterIndexMap: Record<string, Doc> = {};
  for (const filter of arrayFilters) {
    for (const k of Object.keys(filter)) {
      const parent = k.substring(0, k.indexOf('.')) || k;
      filterIndexMap[parent] = { ...filterIndexMap[parent], [k]: filter[k] };
    }
  }
  const condition = (options.local.condition ?? {}) as Doc;
  const queryKeys = Object.keys(condition);
  const conflicts = new PathTrie();
  for (const expr of exprList) {
    for (const selector of Object.keys(expr as Doc)) {
      if (
        selector === '__proto__' ||
        selector.startsWith('__proto__.') ||
        selector.endsWith('.__proto__') ||
        selector.includes('.__proto__.')
      )
        throw new MingoError(`Accessing __proto__ is not allowed in selector: '${selector}'.`);
      assert(
        !selector.startsWith('$'),
        `Dollar ($) prefixed field paths is not allowed in update operations: '${selector}'.`,
      );
      const identifiers: string[] = [];
      const node: PathNode = selector.includes('$') ? { selector: '' } : { selector };
      if (!node.selector) {
        let n = node;
        for (const v of selector.split('.')) {
          if (v === FIRST_ONLY || v === ARRAY_WIDE) {
            n.position = v;
          } else if (v.startsWith('$[') && v.endsWith(']')) {
            const id = v.slice(2, -1);
            assert(
              /^[a-z]+\w*$/.test(id),
              `The filter <identifier> must begin with a lowercase letter and contain only alphanumeric characters. '${v}' is invalid.`,
            );
            identifiers.push(id);
            n.position = id;
          } else if (!n.selector) {
            n.selector = v;
          } else if (!n.position) {
            n.selector += `.${v}`;
          } else {
            n.next = { selector: v };
            n = n.next;
          }
        }
      }
      const queries: Record<string, RawQuery> = {};
      for (const id of identifiers)
        queries[id] = new RawQuery(filterIndexMap[id] as Doc, options as QueryOptions);
      if (node.position === FIRST_ONLY) {
        const field = node.selector;
        assert(queryKeys.length, ERR_MISSING_FIELD);
        const matches = queryKeys.filter((k) => k === field || k.startsWith(`${field}.`));
        assert(matches.length === 1, ERR_MISSING_FIELD);
        const k = matches[0] as string;
        queries[field] = new RawQuery({ [k]: condition[k] }, options as QueryOptions);
      }
      const idKey = options.idKey;
      assert(
        node.selector !== idKey && !node.selector.startsWith(`${idKey}.`),
        `Performing an update on the path '${node.selector}' would modify the immutable field '${idKey}'.`,
      );
      assert(
        conflicts.add(node.selector),
        `updating the path '${node.selector}' would create a conflict at '${node.selector}'`,
      );
      params[selector] = { node, queries };
    }
  }
  return params;
}

/**
 * Applies an operator update (`{ $set: …, $inc: … }`) to each of `docs` in place, as mingo's `updateMany` does
 * for documents that match `condition` (which only the positional `$` operator reads).
 */
export function applyOperators(docs: Doc[], condition: Doc, modifier: Doc, arrayFilters: Doc[] = []): void {
  const ops = Object.keys(modifier);
  const unknownOp = ops.find((op) => !UPDATE_OPERATORS.has(op));
  assert(!unknownOp, `Unknown update operator: '${unknownOp}'.`);
  const options = ComputeOptions.init(PREPARED).update({
    condition,
    updateConfig: { cloneMode: 'copy', arrayFilters },
    variables: undefined,
    updateParams: {},
  });
  const renameTargets = Object.values((modifier.$rename ?? {}) as Doc).map((target) => ({
    [target as string]: true,
  }));
  options.update({
    updateParams: buildParams([...Object.values(modifier), ...renameTargets], arrayFilters, options),
  });
  const mutations = ops.map((op) =>
    (UPDATE_OPERATORS.get(op) as UpdateOperator)(modifier[op], arrayFilters, options),
  );
  for (const doc of docs) for (const mutate of mutations) mutate(doc);
}
