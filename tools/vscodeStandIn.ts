/**
 * The start of a `node -e` script that makes `require('vscode')` a stand-in, so that the extension's bundle can be
 * loaded outside VS Code: every member, at any depth, is one no-op function that can be called, constructed and
 * extended. It answers on the module itself (TypeScript's import interop uses an ES module as it is) and on its
 * prototype (esbuild's interop builds a new object on the module's prototype and copies only own members). Used by the
 * bench's client-load row and by test/integration/clientCodeCache.test.ts.
 */
export const VSCODE_STAND_IN = `
const Module = require('module');
const stub = new Proxy(function () {}, { get: (_t, k) => (k === Symbol.toPrimitive ? () => '' : stub), apply: () => stub, construct: () => stub });
const member = (_t, k) => (k === '__esModule' ? true : k === Symbol.toPrimitive ? () => '' : stub);
const vscode = new Proxy({}, { get: member, getPrototypeOf: () => new Proxy({}, { get: member }) });
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
`;
