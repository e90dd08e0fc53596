/** The Linear GraphQL stand-in now lives in src/sandbox (local mode uses it too); tests import it from here. */
export * from '../../src/sandbox/fake-linear-api.ts';
