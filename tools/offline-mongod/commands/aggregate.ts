// aggregate: mingo pipelines over a snapshot of the collection; $out is handled here, $merge is not supported.
import { ObjectId } from 'bson';
import { Aggregator, ProcessingMode } from 'mingo';
import type { Handler } from '../engine.ts';
import { badValue, CommandError } from '../errors.ts';
import { Collection } from '../store.ts';
import { asDoc, type Doc, idFirst, isPlainObject } from '../values.ts';
import { select } from './crud.ts';

export const aggregate: Handler = (cmd, { engine, db }) => {
  if (!Array.isArray(cmd.pipeline)) throw badValue("'pipeline' option must be specified as an array");
  const stages = cmd.pipeline.map(asDoc);
  if (cmd.explain)
    throw new CommandError(115, 'CommandNotSupported', 'explain is not supported by the offline engine');
  const stageNames = stages.map((s) => Object.keys(s)[0] ?? '');
  if (stageNames[0] === '$changeStream')
    throw new CommandError(
      40573,
      'Location40573',
      'The $changeStream stage is only supported on replica sets',
    );
  if (stageNames.includes('$merge'))
    throw new CommandError(115, 'CommandNotSupported', '$merge is not supported by the offline engine');
  const outIndex = stageNames.indexOf('$out');
  if (outIndex >= 0 && outIndex !== stages.length - 1)
    throw badValue('$out can only be the final stage in the pipeline');

  const target = cmd.aggregate;
  let input: Doc[] = [];
  let nsColl = '$cmd.aggregate';
  if (typeof target === 'string') {
    // A leading $match (without collation or `let` variables) filters the input up front, through an index
    // lookup when it can, so only matching documents get cloned; the pipeline still runs the $match.
    const plain = !isPlainObject(cmd.collation) && cmd.let === undefined;
    const first = plain && stageNames[0] === '$match' ? stages[0]?.$match : undefined;
    const coll = engine.store.get(db, target);
    input = coll ? (isPlainObject(first) ? select(coll.candidates(first), first, {}) : coll.all()) : [];
    nsColl = target;
  } else if (target !== 1) {
    throw badValue("'aggregate' must be a collection name or 1");
  }
  const pipeline = outIndex >= 0 ? stages.slice(0, -1) : stages;
  const mopts = engine.mingo(db, {
    processingMode: ProcessingMode.CLONE_INPUT,
    ...(isPlainObject(cmd.let) ? { variables: cmd.let } : {}),
    ...(isPlainObject(cmd.collation) ? { collation: cmd.collation as { locale: string } } : {}),
  });
  const results = (new Aggregator(pipeline, mopts).run(input) as Doc[]).map(idFirst);

  if (outIndex >= 0) {
    const spec = stages[outIndex]?.$out;
    const outDb = isPlainObject(spec) && typeof spec.db === 'string' ? spec.db : db;
    const outName = isPlainObject(spec) ? spec.coll : spec;
    if (typeof outName !== 'string' || !outName) throw badValue('$out requires a collection name');
    // Build the replacement collection first so a duplicate key leaves the old one untouched.
    const previous = engine.store.get(outDb, outName);
    const next = new Collection(outDb, outName, previous?.options ?? {});
    for (const spec of previous?.indexSpecs().slice(1) ?? []) next.createIndex(spec);
    for (const doc of results)
      next.insert(doc._id === undefined ? { _id: new ObjectId(), ...doc } : idFirst(doc));
    engine.store.collections(outDb).set(outName, next);
    return engine.cursors.first(`${db}.${nsColl}`, [], 0);
  }
  return engine.cursors.first(`${db}.${nsColl}`, results, asDoc(cmd.cursor).batchSize);
};
