// The construct loads the pre-bundled controller asset; build it once before any suite runs.
module.exports = async () => {
  await require('../scripts/bundle').bundle({ quiet: true });
};
