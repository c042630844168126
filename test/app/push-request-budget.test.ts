/**
 * What one push costs GitHub, check and report together, counted over real HTTP against a
 * local server standing in for GitHub. The budget: a warm one-file push costs at most
 * 6 requests (the check and the report read the tree, the config and the notes once).
 */
import nock from 'nock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pushAndReportWorld } from '../helpers/push-and-report.js';

let world: Awaited<ReturnType<typeof pushAndReportWorld>>;

beforeAll(async () => {
  nock.enableNetConnect('127.0.0.1');
  world = await pushAndReportWorld();
});

afterAll(async () => {
  await world.stop();
  nock.disableNetConnect();
});

it('a warm one-file push: check and report together in at most 6 requests, each git object read once', async () => {
  const cold = await world.push(world.hgdNote(1)); // cold: finds (makes) the report issue and comment
  const warm = await world.push(world.kcsNote(2)); // a new submission: the report comment changes
  console.log(`cold one-file push: ${cold.requests.length} requests\n  ${cold.requests.join('\n  ')}`);
  console.log(`warm one-file push: ${warm.requests.length} requests\n  ${warm.requests.join('\n  ')}`);
  expect(warm.requests.filter((r) => r.startsWith('PATCH ') && r.includes('/issues/comments/'))).toHaveLength(1);
  expect(warm.requests.length).toBeLessThanOrEqual(6);
  const trees = warm.requests.filter((r) => r.includes('/git/trees/'));
  const blobs = warm.requests.filter((r) => r.includes('/git/blobs/'));
  expect(trees).toHaveLength(1);
  expect(new Set(blobs).size).toBe(blobs.length);
  expect(warm.requests.filter((r) => r.includes('/contents/'))).toEqual([]);
  expect(world.server.checkRuns).toHaveLength(2);
  // the report carries both pushes' verdicts although check_run.completed wrote nothing
  const report = world.server.comments.at(-1)!.body as string;
  expect(report).toMatch(/study\/week2\/kcs\.md|kcs/);
});
