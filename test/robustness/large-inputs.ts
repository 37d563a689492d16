import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Hostile inputs too large to keep in the repository, written at test time: 10,000-deep
 * nesting, megabyte-long strings of the shapes that make naive parsers and regular expressions
 * slow (runs of `[`, `${`, quotes, dashes, dots), long reference chains.
 */
const MB = 1 << 20;

/** Strings of about 1 MB, each built to defeat one kind of scanner. */
export const MEGABYTE_STRINGS: Record<string, string> = {
  letters: "a".repeat(MB),
  brackets: "[".repeat(MB),
  "closing-brackets": "]".repeat(MB),
  interpolations: "${".repeat(MB / 2),
  "escaped-interpolations": "$${".repeat(MB / 3),
  braces: "${" + "{".repeat(MB),
  quotes: '${"' + '\\"'.repeat(MB / 2),
  dashes: "${" + "a-".repeat(MB / 2) + "+}",
  dots: "${" + "a.".repeat(MB / 2) + "}",
  "data-dots": "${" + "data.".repeat(MB / 5) + "x}",
  "module-prefix": "module.a.".repeat(MB / 9) + "google_x.y",
  "indexed-modules": 'module.a["'.repeat(MB / 10) + "x",
  references: "${google_service_account.a.email}".repeat(MB / 34),
  "bracket-reference": "${a.b[" + "0][".repeat(MB / 3) + "}",
  controls: "\u001b[31m\u0007\r\n".repeat(MB / 8),
  "long-email": `serviceAccount:${"a".repeat(MB)}@acme-prod.iam.gserviceaccount.com`,
  "long-role": `roles/${"x.".repeat(MB / 2)}`,
  "long-project": `projects/${"p".repeat(MB)}`,
};

/**
 * The shapes put into values through the CLI (each run takes a second or two; all shapes go
 * through the readers in-process in fuzz.test.ts).
 */
const VALUE_SHAPES = ["brackets", "interpolations", "quotes", "dashes", "controls", "indexed-modules", "references"];

function deep(levels: number, open: string, close: string, inner: string): string {
  return open.repeat(levels) + inner + close.repeat(levels);
}

/** A plan with one resource change whose fields are set from `fields` (placeholders are replaced raw). */
function planWith(address: string, type: string, after: string, extra = ""): string {
  // after_unknown is {}: every value is known
  return `{"format_version":"1.2","resource_changes":[{"address":${address},"mode":"managed","type":${type},"name":"x","change":{"actions":["create"],"before":null,"after":${after},"after_unknown":{}${extra}}}]}`;
}

export interface LargeInput {
  name: string;
  path: string;
}

/** Writes every large hostile input into `dir`; returns their paths. */
export function writeLargeInputs(dir: string): LargeInput[] {
  mkdirSync(dir, { recursive: true });
  const out: LargeInput[] = [];
  const write = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    out.push({ name, path });
  };
  const q = JSON.stringify;

  // 10,000-deep nesting in every place a reader recurses into.
  write("deep-array-root.json", deep(10_000, "[", "]", "1"));
  write("deep-object-root.json", deep(10_000, '{"a":', "}", "1"));
  write("deep-million-array.json", deep(1_000_000, "[", "]", ""));
  write("deep-after.plan.json", planWith('"google_container_cluster.c"', '"google_container_cluster"', deep(10_000, '{"node_config":', "}", "1")));
  write("deep-after-unknown.plan.json", `{"format_version":"1.2","resource_changes":[{"address":"google_container_cluster.c","type":"google_container_cluster","name":"c","change":{"actions":["create"],"after":{},"after_unknown":${deep(10_000, '{"node_config":', "}", "true")}}}]}`);
  write("deep-sensitive.plan.json", planWith('"google_service_account_key.k"', '"google_service_account_key"', "{}", `,"after_sensitive":${deep(10_000, '{"private_key":', "}", "true")}`));
  write("deep-expressions.plan.json", `{"format_version":"1.2","resource_changes":[],"configuration":{"root_module":{"resources":[{"address":"google_x.a","type":"google_x","name":"a","expressions":${deep(10_000, '{"a":', "}", '{"references":["google_y.b"]}')}}]}}}`);
  write("deep-modules.plan.json", `{"format_version":"1.2","resource_changes":[],"configuration":{"root_module":${deep(10_000, '{"module_calls":{"m":{"module":', "}}}", "{}")}}}`);
  write("deep-child-modules.plan.json", `{"format_version":"1.2","planned_values":{"root_module":${deep(10_000, '{"child_modules":[', "]}", "{}")}}}`);
  write("deep-value.cdk.tf.json", `{"resource":{"google_container_cluster":{"c":{"name":"c","node_config":${deep(10_000, "[", "]", '"x"')}}}}}`);
  write("deep-locals.cdk.tf.json", `{"locals":{"a":${deep(10_000, '{"b":', "}", '"${local.a}"')}},"resource":{"google_container_cluster":{"c":{"project":"\${local.a}"}}}}`);
  write("deep-metadata.cdk.tf.json", `{"//":${deep(10_000, '{"metadata":', "}", "1")},"resource":{}}`);

  // Megabyte-long strings in the values the rules read and print (names stay normal).
  for (const shape of VALUE_SHAPES) {
    const s = q(MEGABYTE_STRINGS[shape]);
    write(`mb-${shape}-values.plan.json`, `{"format_version":"1.2","variables":{"v":{"value":${s}}},"resource_changes":[` +
      `{"address":"google_project_iam_member.m","type":"google_project_iam_member","name":"m","change":{"actions":["create"],"after":{"project":${s},"role":${s},"member":${s}},"after_unknown":{}}},` +
      `{"address":"google_service_account.sa","type":"google_service_account","name":"sa","change":{"actions":["create"],"after":{"account_id":${s},"project":${s}},"after_unknown":{"email":true}}},` +
      `{"address":"google_container_cluster.c","type":"google_container_cluster","name":"c","change":{"actions":["create"],"after":{"name":${s},"project":${s},"location":${s},"node_config":[{"service_account":${s},"oauth_scopes":[${s}]}]},"after_unknown":{}}}],` +
      `"configuration":{"provider_config":{"google":{"name":"google","expressions":{"project":{"constant_value":${s}}}}},"root_module":{"resources":[{"address":"google_container_cluster.c","type":"google_container_cluster","name":"c","provider_config_key":"google","expressions":{"node_config":[{"service_account":{"constant_value":${s}}}]}}]}}}`);
    write(`mb-${shape}-values.cdk.tf.json`, `{"//":{"metadata":{"stackName":${s}}},"provider":{"google":[{"project":${s}}]},"locals":{"l":${s}},"variable":{"v":{"default":${s}}},"resource":{` +
      `"google_service_account":{"sa":{"account_id":${s},"project":"\${var.v}"}},` +
      `"google_project_iam_member":{"m":{"project":${s},"role":${s},"member":${s},"//":{"metadata":{"path":${s}},"preflight":{"suppressions":[{"ruleId":"GKE001","reason":${s},"expires":${s}}]}}}},` +
      `"google_container_cluster":{"c":{"name":${s},"project":"\${local.l}","location":${s},"node_config":{"service_account":${s}},"//":{"metadata":{"path":${s}},"preflight":{"suppressions":[{"ruleId":"GKE002","reason":${s},"expires":${s}}]}}}},` +
      `"google_container_node_pool":{"p":{"cluster":"\${google_container_cluster.c.name}","node_config":{"service_account":"\${google_service_account.sa.email}"}}}}}`);
  }
  // Megabyte-long names: refused with one line.
  for (const shape of ["brackets", "controls", "indexed-modules"]) {
    const s = q(MEGABYTE_STRINGS[shape]);
    write(`mb-${shape}-address.plan.json`, planWith(s, '"google_container_cluster"', "{}"));
    write(`mb-${shape}-name.cdk.tf.json`, `{"resource":{"google_container_cluster":{${s}:{"name":"c"}}}}`);
  }
  const refs = q(Array.from({ length: 100_000 }, (_, i) => `google_service_account.a${i}.email`));
  write("many-references.plan.json", `{"format_version":"1.2","resource_changes":[{"address":"google_container_cluster.c","type":"google_container_cluster","name":"c","change":{"actions":["create"],"after":{"node_config":[{}]},"after_unknown":{"node_config":[{"service_account":true}]}}}],` +
    `"configuration":{"root_module":{"resources":[{"address":"google_container_cluster.c","type":"google_container_cluster","name":"c","expressions":{"node_config":[{"service_account":{"references":${refs}}}]}}]}}}`);
  write("mb-format-version.plan.json", `{"format_version":${q("9" + "x".repeat(MB))},"resource_changes":[]}`);
  write("mb-key.cdk.tf.json", `{"resource":{${q("google_" + "k".repeat(MB))}:{${q("n".repeat(MB))}:{"a":1}}}}`);

  // Long reference chains: each account's id is the next one's.
  const chain: Record<string, unknown> = {};
  for (let i = 0; i < 20_000; i++) chain[`a${i}`] = { account_id: i === 19_999 ? "end" : `\${google_service_account.a${i + 1}.account_id}`, project: "acme-prod" };
  write("reference-chain.cdk.tf.json", q({ resource: { google_service_account: chain, google_container_cluster: { c: { name: "c", location: "europe-west1", project: "acme-prod", node_config: { service_account: "${google_service_account.a0.email}" } } } } }));
  const locals: Record<string, string> = {};
  for (let i = 0; i < 50_000; i++) locals[`l${i}`] = `\${local.l${i + 1}}`;
  write("local-chain.cdk.tf.json", q({ locals, resource: { google_container_cluster: { c: { name: "c", location: "europe-west1", project: "${local.l0}" } } } }));
  return out;
}
