import { existsSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { AdoptErrors } from "../../adopt/errors";
import { readCapped } from "../../private/read-capped";
import { ioError } from "../../private/io-error";
import { type CliIo, ExitCode } from "../io";
import { terminalLines } from "../../core/escape/terminal";
import type * as adoptionModule from "../../adopt/adopt";
import type * as awsLiveModule from "../../adopt/aws-live";
import type * as kubeLiveModule from "../../adopt/kube-live";
import type * as pveLiveModule from "../../adopt/live";
import type * as schemaModule from "../../catalog/schema/common";

// Loaded when the command runs, not when the CLI starts (the catalog schema, the live readers).
const adoption = (): typeof adoptionModule => require("../../adopt/adopt");
const awsLive = (): typeof awsLiveModule => require("../../adopt/aws-live");
const kubeLive = (): typeof kubeLiveModule => require("../../adopt/kube-live");
const pveLive = (): typeof pveLiveModule => require("../../adopt/live");
const schema = (): typeof schemaModule => require("../../catalog/schema/common");

interface AdoptOptions {
  out?: string;
  pve: string[];
  ca?: string;
  name: string;
  endpoint: string[];
  format: string;
  aws?: boolean;
  awsRegion?: string;
  s3: string[];
  k8s: string[];
}

export function registerAdopt(program: Command, io: CliIo, setExit: (c: ExitCode) => void): void {
  program
    .command("adopt")
    .description(
      "Draft a catalog from an existing estate's saved answers (pvesh, aws backup, aws s3api, kubectl), with the ids to import and a gap report.",
    )
    .argument(
      "[answers...]",
      "saved answers, each FILE or NAME=FILE (HOST=, BUCKET= or CLUSTER= for answers that do not name theirs)",
    )
    .option("--out <file>", "write the draft catalog here (never overwritten); default: standard output")
    .option("--name <estate>", "estate name (prefixes resource names)", "adopted")
    .option(
      "--endpoint <host=url>",
      "API endpoint of a Proxmox host, e.g. pve=https://pve.example.internal:8006 (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option("--format <format>", "gap report format: text or json", "text")
    .option(
      "--pve <host=url>",
      "read a Proxmox host live (read-only GETs), e.g. pve=https://pve.example.internal:8006; token from $PVE_TOKEN_<HOST> or $PVE_API_TOKEN (USER@REALM!TOKENID=SECRET) (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option(
      "--aws",
      "read AWS Backup plans, selections, vaults and notifications live (read-only calls), with credentials and Region from the environment as the AWS SDK reads them",
    )
    .option("--aws-region <region>", "the Region of --aws (default: AWS_REGION or the profile's region)")
    .option(
      "--s3 <bucket>",
      "with --aws: also read this bucket's versioning, Object Lock and replication (buckets a selection names are read anyway) (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option(
      "--k8s <cluster[=context]>",
      "read a cluster's Velero schedules and storage locations live with kubectl (read-only get), e.g. prod or prod=prod-admin (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option("--ca <file>", "PEM of the CA or self-signed certificate the Proxmox API presents")
    .addHelpText(
      "after",
      "\nEvery value in the draft names the answer it came from; `decide` marks what only a person decides (validate lists them as CAT-060).\nExit codes: 0 drafted (gaps are reported, not failures), 2 usage or I/O error (ADOPT-0xx).",
    )
    .action(async (answers: string[], opts: AdoptOptions) => {
      if (!schema().Patterns.estateName.test(opts.name))
        throw AdoptErrors.adoptBadOption(
          "--name",
          opts.name,
          "lowercase letters, digits and '-', starting with a letter, 2-31 characters",
        );
      if (opts.format !== "text" && opts.format !== "json")
        throw AdoptErrors.adoptBadOption("--format", opts.format, "text or json");
      const endpoints: Record<string, string> = {};
      for (const e of opts.endpoint) {
        const m = /^([a-z][a-z0-9-]{0,62})=(.+)$/.exec(e);
        if (!m || !schema().Patterns.httpsUrl.test(m[2]))
          throw AdoptErrors.adoptBadOption("--endpoint", e, "HOST=https://host:8006");
        endpoints[m[1]] = m[2];
      }
      if (opts.s3.length > 0 && !opts.aws)
        throw AdoptErrors.adoptBadOption("--s3", opts.s3[0], "a bucket name, together with --aws");
      for (const b of opts.s3)
        if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(b))
          throw AdoptErrors.adoptBadOption("--s3", b, "an S3 bucket name");
      if (opts.awsRegion !== undefined && !/^[a-z]{2}(-[a-z]+)+-[0-9]$/.test(opts.awsRegion))
        throw AdoptErrors.adoptBadOption("--aws-region", opts.awsRegion, "an AWS Region, e.g. eu-west-1");
      if (opts.awsRegion !== undefined && !opts.aws)
        throw AdoptErrors.adoptBadOption("--aws-region", opts.awsRegion, "a Region, together with --aws");
      const clusters = opts.k8s.map((spec) => {
        const m = /^([a-z][a-z0-9-]{0,62})(?:=(.+))?$/.exec(spec);
        if (!m || (m[2] !== undefined && !kubeLive().KUBE_CONTEXT.test(m[2])))
          throw AdoptErrors.adoptBadOption(
            "--k8s",
            spec,
            "CLUSTER or CLUSTER=CONTEXT (a catalog cluster key, a kubeconfig context)",
          );
        return { cluster: m[1], context: m[2] };
      });
      if (opts.out && existsSync(opts.out)) throw AdoptErrors.adoptOutExists(opts.out);
      const read = adoption().readAnswers(answers);
      const ca = opts.ca ? readCapped(opts.ca, 1024 * 1024) : undefined;
      for (const spec of opts.pve) {
        const m = /^([a-z][a-z0-9-]{0,62})=(.+)$/.exec(spec);
        if (!m || !schema().Patterns.httpsUrl.test(m[2]))
          throw AdoptErrors.adoptBadOption("--pve", spec, "HOST=https://host:8006");
        const token = process.env[`PVE_TOKEN_${m[1].toUpperCase().replace(/-/g, "_")}`] ?? process.env.PVE_API_TOKEN;
        if (!token)
          throw AdoptErrors.adoptBadOption(
            `the API token of ${m[1]}`,
            "(none)",
            `$PVE_TOKEN_${m[1].toUpperCase().replace(/-/g, "_")} or $PVE_API_TOKEN set to USER@REALM!TOKENID=SECRET`,
          );
        read.push(...(await pveLive().readPveLive(m[1], m[2], { token, ca })));
        endpoints[m[1]] ??= m[2];
      }
      for (const c of clusters) read.push(...(await kubeLive().readKubeLive(c.cluster, { context: c.context })));
      if (opts.aws) read.push(...(await awsLive().readAwsLive({ buckets: opts.s3, region: opts.awsRegion })));
      const draft = adoption().adoptAnswers(read, { name: opts.name, endpoints });
      const target = opts.out ?? "(stdout)";
      if (opts.out) {
        try {
          // "wx": never replace a file that appeared since the check above.
          writeFileSync(opts.out, draft.text, { flag: "wx" });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "EEXIST") throw AdoptErrors.adoptOutExists(opts.out);
          throw ioError(opts.out, e);
        }
      } else io.out(draft.text);
      const report = opts.out ? io.out : io.err;
      if (opts.format === "json") {
        report(JSON.stringify({ catalog: target, services: draft.serviceCount, gaps: draft.gaps }, null, 2) + "\n");
      } else {
        for (const g of draft.gaps) report(terminalLines(adoption().formatGap(g, target)) + "\n");
        report(
          `${target}: ${draft.serviceCount} service(s) drafted, ${draft.gaps.length} gap(s); next: decide each \`decide\` (backup-gov validate lists them), then synth and plan\n`,
        );
      }
      setExit(ExitCode.OK);
    });
}
