// Types of the cdktf jest matchers (toHaveResourceWithProperties, ...) that setup.ts installs at run time.
import "cdktf/lib/testing/adapters/jest";
