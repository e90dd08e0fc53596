/** Version this engine claims to be (mongod 7.0 ↔ wire version 21). */
export const SERVER_VERSION = '7.0.14';
export const MAX_WIRE_VERSION = 21;
