// Loaded into each test file's process by the npm test scripts (node --import): a file still
// running after TEST_FILE_TIMEOUT_MS (default 15 minutes) ends as a failure, so a hung test fails
// the run instead of hanging it. The programs it started go with it (see process.ts).
if (process.env.NODE_TEST_CONTEXT?.startsWith('child')) {
  const limitMs = Number(process.env.TEST_FILE_TIMEOUT_MS) || 15 * 60_000;
  setTimeout(() => {
    process.stderr.write(
      `\n${process.argv[1] ?? 'this test file'}: still running after ${limitMs / 1000} s, so it was ended as ` +
        `a failure (a test hangs).\n`,
    );
    process.exit(1);
  }, limitMs).unref();
}
export {};
