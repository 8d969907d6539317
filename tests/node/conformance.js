// TestingBot's official Node client (npm `testingbot-api`), unmodified, against the sandbox.
// Usage: node conformance.js <node_modules dir> <sandbox origin> <key> <secret> <inputs as JSON>
// Prints one JSON object: method name -> {ok, value} or {ok: false, status, error}.
// The client sends every request to https://api.testingbot.com//v1/...; only the origin is swapped (an
// axios interceptor on the client's own axios), so the paths go out exactly as the client forms them.
'use strict';

const path = require('path');

const [modules, origin, key, secret, rawInputs] = process.argv.slice(2);
const TestingBot = require(path.join(modules, 'testingbot-api'));
const axios = require(path.join(modules, 'axios'));
const inputs = JSON.parse(rawInputs);

axios.interceptors.request.use((config) => {
  config.url = config.url.replace('https://api.testingbot.com', origin);
  return config;
});

const api = new TestingBot({ api_key: key, api_secret: secret });

const calls = {
  getBrowsers: () => api.getBrowsers(),
  getDevices: () => api.getDevices(),
  getAvailableDevices: () => api.getAvailableDevices(),
  getDevice: () => api.getDevice(inputs.deviceId),
  getUserInfo: () => api.getUserInfo(),
  updateUserInfo: () => api.updateUserInfo({ user: { first_name: 'Alexa' } }),
  getTests: () => api.getTests(0, 5),
  getTestDetails: () => api.getTestDetails(inputs.sessionId),
  updateTest: () => api.updateTest({ 'test[success]': '0', 'test[status_message]': 'from node', 'groups[]': 'node' }, inputs.sessionId),
  stopTest: () => api.stopTest(inputs.sessionId),
  deleteTest: () => api.deleteTest(inputs.deleteSessionId),
  getTunnel: () => api.getTunnel(),
  getTunnelList: () => api.getTunnelList(),
  deleteTunnel: () => api.deleteTunnel(1),
  getBuilds: () => api.getBuilds(0, 3),
  getTestsForBuild: () => api.getTestsForBuild(inputs.buildId),
  deleteBuild: () => api.deleteBuild(inputs.deleteBuildId),
  getTeam: () => api.getTeam(),
  getUsersInTeam: () => api.getUsersInTeam(),
  getUserFromTeam: () => api.getUserFromTeam(inputs.memberId),
  createUserInTeam: () => api.createUserInTeam({ email: 'node.user@example.com', first_name: 'Node', last_name: 'User' }),
  updateUserInTeam: () => api.updateUserInTeam(inputs.memberId, { first_name: 'Jonas B.' }),
  resetCredentials: () => api.resetCredentials(inputs.memberId),
  getStorageFiles: () => api.getStorageFiles(0, 10),
  getStorageFile: () => api.getStorageFile('abc123'),
  deleteStorageFile: () => api.deleteStorageFile('abc123'),
  uploadRemoteFile: () => api.uploadRemoteFile('https://example.com/app.apk'),
  uploadFile: () => api.uploadFile(__filename),
  takeScreenshot: () => api.takeScreenshot('https://example.com', [{ browserName: 'chrome' }], '1280x1024'),
  retrieveScreenshots: () => api.retrieveScreenshots('1'),
  getScreenshotList: () => api.getScreenshotList(0, 10),
  getCodelessTests: () => api.getCodelessTests(0, 10),
  createCodelessTest: () => api.createCodelessTest({ name: 'n', url: 'https://example.com' }),
  updateCodelessTest: () => api.updateCodelessTest({ 'test[name]': 'm' }, 1),
  deleteCodelessTest: () => api.deleteCodelessTest(1),
  getAuthenticationHashForSharing: async () => api.getAuthenticationHashForSharing('abc'),
};

(async () => {
  const out = {};
  for (const [name, call] of Object.entries(calls)) {
    try {
      out[name] = { ok: true, value: await call() };
    } catch (error) {
      // The client rejects with the server's JSON body (or a message); keep what it gives.
      out[name] = { ok: false, error };
    }
  }
  process.stdout.write(JSON.stringify(out));
})();
