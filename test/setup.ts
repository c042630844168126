import nock from 'nock';
import { afterEach } from 'vitest';

// No test may reach the network: GitHub is only ever a nock scope.
nock.disableNetConnect();

afterEach(() => {
  nock.cleanAll();
});
