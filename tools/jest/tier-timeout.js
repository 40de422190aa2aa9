// Integration and e2e tests wait on real servers: give them room (unit tests keep Jest's default).
// A fault scenario streams tens of thousands of records through an outage and its recovery.
const TIMEOUTS = { integration: 180000, e2e: 180000, faults: 600000 };
if (TIMEOUTS[process.env.TEST_TIER]) jest.setTimeout(TIMEOUTS[process.env.TEST_TIER]);
