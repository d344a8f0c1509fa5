// Brings cdktf's jest matcher types (toHaveResourceWithProperties, ...) into the test program;
// setup.ts registers the matchers themselves at run time.
import "cdktf/lib/testing/adapters/jest";
