// Replaced by the e2e harness: provisions the engine and builds dist/ once.
module.exports = async () => {}
