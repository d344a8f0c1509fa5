import { TerraformStack, TerraformVariable, Testing } from "../../../lib/core/cdk";
import { ProxmoxProvider } from "../../../lib/providers/proxmox";

/** A fresh stack with an aliased Proxmox provider and a sensitive variable for secrets. */
export function fixture() {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  const secret = new TerraformVariable(stack, "secret", { type: "string", sensitive: true });
  const provider = new ProxmoxProvider(stack, "Pve", {
    endpoint: "https://pve.example.internal:8006/",
    alias: "pve",
    apiToken: secret.stringValue,
  });
  return { app, stack, secret, provider };
}

export type Json = any;

export function synth(stack: TerraformStack): Json {
  return JSON.parse(Testing.synth(stack));
}
