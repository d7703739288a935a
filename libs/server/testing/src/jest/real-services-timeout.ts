// Tests against real services start processes and containers; Jest's 5 s default is for unit
// tests. (`testTimeout` is a global-only option, so each project sets it here.)
jest.setTimeout(60_000);
