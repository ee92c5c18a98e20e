// tests/toolchain/lint-rules.test.ts lints snippets as if they were this file; its own
// small tsconfig.json keeps the type-aware lint of a snippet from loading the whole program.
export {};
