/** The project's home, and where each rule's page is published. */
export const PROJECT_URL = "https://github.com/cdktf-gke-preflight/cdktf-gke-preflight";
export const DOCS_BASE = `${PROJECT_URL}/blob/main/docs/rules`;

const docUrls = new Map<string, string>();

/** The rule's page (memoised: every finding carries it). */
export function ruleDocUrl(ruleId: string): string {
  let url = docUrls.get(ruleId);
  if (url === undefined) docUrls.set(ruleId, (url = `${DOCS_BASE}/${ruleId}.md`));
  return url;
}
