import { z } from "zod";
import type { CatalogSection } from "../model";
import { adoptedSchema } from "./adopted";
import { awsSchema } from "./aws";
import { Patterns } from "./common";
import { kubernetesSchema, pricingSchema } from "./kubernetes";
import { contactSchema, notificationsSchema } from "./notifications";
import { proxmoxSchema } from "./proxmox";
import { serviceSchema } from "./service";
import { stacksSchema, stateSchema } from "./state";

/**
 * The whole catalog, as one schema: used for the JSON Schema and the docs.
 *
 * The loader validates section by section (see ../load.ts) so that one broken section
 * does not hide the findings of the others.
 */
export const catalogSections = {
  version: z.literal(1).describe("Format version; only `1` exists."),
  name: z
    .string()
    .regex(Patterns.estateName)
    .describe("Estate name: lowercase letters, digits and `-`, 2–31 characters. Prefixes resource names."),
  owner: z.string().min(1).describe("Default owner for services that name none.").optional(),
  aws: awsSchema.optional(),
  proxmox: proxmoxSchema.optional(),
  kubernetes: kubernetesSchema.optional(),
  pricing: pricingSchema.optional(),
  notifications: notificationsSchema.optional(),
  contacts: z.array(contactSchema).describe("Escalation order for restores and DR.").optional(),
  state: stateSchema.optional(),
  stacks: stacksSchema.optional(),
  adopted: adoptedSchema.optional(),
  services: z.array(serviceSchema).describe("Every service of the estate."),
  // The model names the same sections (CatalogSection): one list, checked by the compiler.
} satisfies Record<CatalogSection, z.ZodType>;

export const catalogSchema = z
  .strictObject(catalogSections)
  .describe("A backup catalog: one declarative definition of an estate's backups.");

export type CatalogInput = z.input<typeof catalogSchema>;
export type CatalogData = z.output<typeof catalogSchema>;
export type ServiceData = z.output<typeof import("./service").serviceSchema>;
