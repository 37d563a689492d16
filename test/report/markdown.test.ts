import { renderMarkdown, MARKDOWN_MARKER } from "../../src/report/markdown";
import type { WaiverOutcome } from "../../src/waivers/types";
import { failGke001, hostile, passGke003, reportOf, unknownGke002, waivedGke003 } from "./fixtures/findings";

/** Rows of the findings table, split into cells on unescaped pipes (as GFM does). */
function tableRows(md: string): string[][] {
  return md
    .split("\n")
    .filter((l) => l.startsWith("| ") && !l.startsWith("| ---"))
    .slice(1)
    .map((l) => l.slice(2, -2).split(/(?<!\\) \| /));
}

describe("renderMarkdown", () => {
  const all = [passGke003, waivedGke003, unknownGke002, failGke001];

  it("starts with the marker and a summary line, then a table ordered fail, warn, waived, pass", () => {
    const md = renderMarkdown(reportOf(all));
    const lines = md.split("\n");
    expect(lines[0]).toBe(MARKDOWN_MARKER);
    expect(lines[1]).toBe("### ❌ GKE preflight failed: 1 blocking · 1 undecided · 1 waived");
    expect(lines[3]).toBe("Checked 7 resources in `plan.json`. Gate: fails on errors; undecided findings warn. cdktf-gke-preflight 0.1.0.");
    const rows = tableRows(md);
    expect(rows.map((r) => r[0])).toEqual(["❌ fails", "⚠️ warns", "🔕 waived", "✅ passes"]);
    expect(rows.every((r) => r.length === 4)).toBe(true);
    expect(rows[2]![3]).toContain("Waived: APIs are enabled by the org bootstrap (until 2099-12-31) PLAT-42");
  });

  it("gives each failing or undecided finding its fixes as code blocks, and GKE001 a mermaid diagram", () => {
    const md = renderMarkdown(reportOf(all));
    expect(md).toContain("#### How to fix");
    expect(md).toContain("```sh\ngcloud projects add-iam-policy-binding my-proj");
    expect(md).toContain('```ts\nnew ProjectIamMember(this, "nodes-default", {');
    expect(md).toContain('```hcl\nresource "google_project_iam_member" "nodes_default" {');
    expect(md).toContain('```mermaid\nflowchart LR\n  sa["gke-nodes@my-proj.iam.gserviceaccount.com"]\n  sa -->|holds| r0["roles/logging.logWriter (google_project_iam_member.logs)"]');
    expect(md).toContain('missing --- p2["autoscaling.sites.writeMetrics"]');
    expect(md).toContain("To decide: run with --live, or set the project number in a variable");
    // Waived and passing findings need no fix.
    expect(md.match(/<details>/g)).toHaveLength(2);
  });

  it("says passed when nothing fails the gate, and report-only mode never says failed", () => {
    expect(renderMarkdown(reportOf([waivedGke003, passGke003]))).toContain("### ✅ GKE preflight passed: 0 blocking · 1 waived");
    const reportOnly = renderMarkdown(reportOf([failGke001]), { policy: { failOn: "never", unknown: "warn" } });
    expect(reportOnly).toContain("### ✅ GKE preflight passed: 0 blocking · 1 warning");
    expect(reportOnly).toContain("Gate: report only (never fails)");
    expect(tableRows(reportOnly)[0]![0]).toBe("⚠️ warns");
  });

  it("keeps hostile text inert: one row of four cells, no HTML, no mention, no broken fence", () => {
    const md = renderMarkdown(reportOf([hostile]));
    const rows = tableRows(md);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveLength(4);
    expect(md).not.toMatch(/<script>|<img/);
    // Inside code spans angle brackets are literal text.
    expect(md).toContain("``google_container_node_pool.x[\"a\\|b`c</testcase>]]>@octocat\"\uFFFD\"]``");
    expect(md).not.toContain("@team");
    expect(md).toContain("@\u200Bteam/admins");
    expect(md).toContain("<code>google_container_node_pool.x[\"a|b`c&lt;/testcase&gt;]]&gt;@\u200Boctocat");
    expect(md).not.toMatch(/[\u0000-\u0008\u000B-\u001F]/);
    // The fences around content with ``` and ```` are longer than any run inside.
    expect(md).toContain("````sh\necho '```' ; echo </details>\n````");
    expect(md).toContain("`````ts\nconst s = `${a}` + '````';\n`````");
    expect(md).toContain('sa["evil#quot;]; click sa call x; #37;#37;{init}#37;#37;"]');
  });

  it("lists waivers that need attention", () => {
    const waivers: WaiverOutcome[] = [
      { state: "stale", matched: 0, waiver: { ruleId: "GKE002", address: "google_x.*", reason: "r", source: { file: "preflight.waivers.yaml", index: 1, line: 3 } } },
    ];
    const md = renderMarkdown(reportOf([failGke001]), { waivers });
    expect(md).toContain("#### Waivers that need attention\n\n- preflight.waivers.yaml:3 waiver 1 (GKE002 google\\_x.\\*) matches no failing or undecided finding: remove it or fix its pattern");
  });

  it("stays under the size limit by leaving fixes out, and says so", () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ ...failGke001, address: `google_container_node_pool.p${i}` }));
    const md = renderMarkdown(reportOf(many), { maxChars: 20000 });
    expect(md.length).toBeLessThan(20000);
    expect(tableRows(md)).toHaveLength(40);
    expect(md).toMatch(/_\d+ more fixes left out to fit a comment/);
    const tiny = renderMarkdown(reportOf(many), { maxChars: 3000 });
    expect(tiny.length).toBeLessThan(3000);
    expect(tiny).toMatch(/… and \d+ more findings in the JSON or SARIF report\./);
  });

  it("an empty report is a short passing comment", () => {
    expect(renderMarkdown(reportOf([]))).toBe(
      `${MARKDOWN_MARKER}\n### ✅ GKE preflight passed: 0 blocking\n\nChecked 7 resources in \`plan.json\`. Gate: fails on errors; undecided findings warn. cdktf-gke-preflight 0.1.0.\n`,
    );
  });
});

describe("renderMarkdown details", () => {
  it("for an undecided GKE001 the diagram shows the permissions nobody can vouch for", () => {
    const undecided = {
      ...failGke001,
      status: "unknown" as const,
      reason: "grants outside this configuration",
      details: { identity: "ci@p.iam.gserviceaccount.com", missingPermissions: [], undeterminedPermissions: ["logging.logEntries.create"] },
    };
    const md = renderMarkdown(reportOf([undecided]));
    expect(md).toContain('sa -.->|may lack| missing["1 undetermined permission"]\n  missing --- p0["logging.logEntries.create"]');
  });

  it("shows paths relative to the base folder", () => {
    const md = renderMarkdown(reportOf([{ ...failGke001, file: "/repo/stacks/plan.json" }], [{ file: "/repo/stacks/plan.json", format: "plan", resources: 1 }]), { baseDir: "/repo" });
    expect(md).toContain("Checked 1 resource in `stacks/plan.json`.");
    expect(md).toContain("Where: `stacks/plan.json` at");
  });
});
