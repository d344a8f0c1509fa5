import { mkdirSync } from "node:fs";
import { join } from "node:path";

// cdktf's Testing helpers mkdtemp in os.tmpdir() and never clean up: keep that inside the project.
const tmp = join(__dirname, "..", "..", ".tmp", "jest");
mkdirSync(tmp, { recursive: true });
process.env.TMPDIR = tmp;
// eslint-disable-next-line @typescript-eslint/no-require-imports
require("cdktf/lib/testing/adapters/jest").setupJest();
