// MongoDB wire protocol: framing, OP_QUERY / OP_MSG decoding, OP_REPLY / OP_MSG encoding.
import { deserialize, serialize } from 'bson';
import { type Doc, isPlainObject, rememberSize } from './values.ts';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;
export const MAX_MESSAGE_SIZE = 48_000_000;

const BSON_IN = { promoteLongs: true, promoteValues: true, bsonRegExp: false } as const;
const MORE_TO_COME = 2;
const CHECKSUM_PRESENT = 1;

export interface Request {
  requestId: number;
  opCode: number;
  body: Doc;
  /** The client expects no reply (OP_MSG moreToCome, e.g. endSessions or w:0 writes). */
  moreToCome: boolean;
}

/** Splits a TCP byte stream into complete messages without quadratic re-concatenation. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private length = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.length += chunk.length;
    const out: Buffer[] = [];
    while (this.length >= 4) {
      if ((this.chunks[0] as Buffer).length < 4) this.flatten();
      const size = (this.chunks[0] as Buffer).readInt32LE(0);
      if (size < 16 || size > MAX_MESSAGE_SIZE + 16 * 1024) throw new Error(`invalid message length ${size}`);
      if (this.length < size) break;
      this.flatten();
      const buf = this.chunks[0] as Buffer;
      out.push(buf.subarray(0, size));
      const rest = buf.subarray(size);
      this.chunks = rest.length ? [rest] : [];
      this.length = rest.length;
    }
    return out;
  }

  private flatten(): void {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
  }
}

function readDoc(buf: Buffer, pos: number): [Doc, number] {
  const len = buf.readInt32LE(pos);
  const doc = deserialize(buf.subarray(pos, pos + len), BSON_IN);
  // First element's name is "_id": [int32 length][type byte]["_id\0"]
  const idLeads =
    len > 9 && buf[pos + 5] === 0x5f && buf[pos + 6] === 0x69 && buf[pos + 7] === 0x64 && buf[pos + 8] === 0;
  rememberSize(doc, len, idLeads);
  return [doc, pos + len];
}

export function decode(msg: Buffer): Request {
  const requestId = msg.readInt32LE(4);
  const opCode = msg.readInt32LE(12);
  if (opCode === OP_MSG) {
    const flags = msg.readUInt32LE(16);
    const end = flags & CHECKSUM_PRESENT ? msg.length - 4 : msg.length;
    let body: Doc | undefined;
    const sequences: [string, Doc[]][] = [];
    let pos = 20;
    while (pos < end) {
      const kind = msg[pos++];
      if (kind === 0) {
        [body, pos] = readDoc(msg, pos);
      } else if (kind === 1) {
        const stop = pos + msg.readInt32LE(pos);
        const nul = msg.indexOf(0, pos + 4);
        const id = msg.toString('utf8', pos + 4, nul);
        const docs: Doc[] = [];
        for (let p = nul + 1; p < stop; ) {
          let doc: Doc;
          [doc, p] = readDoc(msg, p);
          docs.push(doc);
        }
        sequences.push([id, docs]);
        pos = stop;
      } else {
        throw new Error(`unsupported OP_MSG section kind ${kind}`);
      }
    }
    if (!body) throw new Error('OP_MSG without body section');
    for (const [id, docs] of sequences) body[id] = docs;
    return { requestId, opCode, body, moreToCome: (flags & MORE_TO_COME) !== 0 };
  }
  if (opCode === OP_QUERY) {
    // flags(4) fullCollectionName(cstring) numberToSkip(4) numberToReturn(4) query
    const nul = msg.indexOf(0, 20);
    const ns = msg.toString('utf8', 20, nul);
    let [body] = readDoc(msg, nul + 9);
    if (isPlainObject(body.$query)) body = body.$query;
    if (body.$db === undefined) body.$db = ns.slice(0, ns.indexOf('.'));
    return { requestId, opCode, body, moreToCome: false };
  }
  throw new Error(`unsupported opCode ${opCode}`);
}

let nextResponseId = 1;

/** Encodes `doc` as the reply to `req` (OP_REPLY for legacy OP_QUERY, OP_MSG otherwise). */
export function encodeReply(req: Request, doc: Doc): Buffer[] {
  const data = serialize(doc, { ignoreUndefined: true, checkKeys: false });
  const legacy = req.opCode === OP_QUERY;
  const header = Buffer.alloc(legacy ? 36 : 21);
  header.writeInt32LE(header.length + data.length, 0);
  header.writeInt32LE(nextResponseId, 4);
  nextResponseId = (nextResponseId + 1) & 0x7fffffff;
  header.writeInt32LE(req.requestId, 8);
  header.writeInt32LE(legacy ? OP_REPLY : OP_MSG, 12);
  // OP_REPLY: responseFlags 0, cursorId 0, startingFrom 0, numberReturned 1. OP_MSG: flagBits 0, section kind 0.
  if (legacy) header.writeInt32LE(1, 32);
  return [header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)];
}
