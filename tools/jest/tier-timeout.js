// Integration and e2e tests wait on real servers: give them room (unit tests keep Jest's default).
if (process.env.TEST_TIER === 'integration' || process.env.TEST_TIER === 'e2e') jest.setTimeout(180000);
