/**
 * ical.js for the CommonJS tests: the package ships a CJS build for `require`, but its
 * types describe the ES module, which a CommonJS file may only import as types.
 */
import type ICALModule from "ical.js" with { "resolution-mode": "import" };

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const ICAL: typeof ICALModule = require("ical.js");
