import { Errors } from "../errors";

/** The adopt command's errors (ADOPT-0xx), from the central lib/errors.ts. */
export const AdoptErrors = Errors;
