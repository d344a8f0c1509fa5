/** Time travel of postgresql services: see test/soak/suite.ts and test/soak/harness.ts. */
import { BackupTool } from "../../lib/core/vocabulary";
import { timeTravel } from "./suite";

timeTravel("postgresql", BackupTool.BORG);
