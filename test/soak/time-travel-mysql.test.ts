/** Time travel of mysql services: see test/soak/suite.ts and test/soak/harness.ts. */
import { BackupTool } from "../../lib/core/vocabulary";
import { timeTravel } from "./suite";

timeTravel("mysql", BackupTool.RESTIC);
