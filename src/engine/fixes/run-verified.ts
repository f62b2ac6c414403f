import type { StackId } from './kit.js';

/**
 * Stacks whose snippets test/e2e/fix-packs.test.ts runs: it starts a real server configured only with the
 * generated snippet and checks in Chromium that the blocked request now passes. The test fails when this
 * table names a stack it did not run, or when it ran a stack this table leaves out.
 */
export const RUN_VERIFIED_STACKS: readonly StackId[] = ['express', 'fastify', 'koa', 'hono', 'nginx'];
