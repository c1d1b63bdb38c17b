// Runs before the app's scripts: the API is TypeScript run by Node's type stripping, which
// needs Node 22.18 or newer. An older Node would fail with ERR_UNKNOWN_FILE_EXTENSION ".ts";
// this says what to do instead. Plain JavaScript, so any Node can run it.
const MINIMUM = [22, 18];
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1])) {
  process.stderr.write(
    `This app needs Node.js ${MINIMUM.join(".")} or newer (it runs TypeScript directly); ` +
      `this is Node.js ${process.versions.node} (${process.execPath}).\n` +
      'Run it through the package scripts after an install (npm run dev, npm test): the "node" ' +
      "devDependency puts Node 24 first on their PATH. Or install Node.js 24.\n",
  );
  process.exit(1);
}
