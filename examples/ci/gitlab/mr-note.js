#!/usr/bin/env node
// Creates or updates the merge request note that carries the preflight report, found again by
// the marker on the report's first line. Uses GitLab's REST API with PREFLIGHT_NOTE_TOKEN.
// Node 18+ (global fetch); no dependencies. Usage: node mr-note.js reports/preflight.md
"use strict";
const { readFileSync } = require("node:fs");

const MARKER = "<!-- cdktf-gke-preflight -->";

async function upsertNote({ api, projectId, mrIid, token, body, fetchImpl = fetch }) {
  const base = `${api}/projects/${encodeURIComponent(projectId)}/merge_requests/${mrIid}/notes`;
  const headers = { "PRIVATE-TOKEN": token, "Content-Type": "application/json" };
  let previous;
  for (let page = 1; !previous; page++) {
    const res = await fetchImpl(`${base}?per_page=100&page=${page}&sort=asc`, { headers });
    if (!res.ok) throw new Error(`listing notes failed: HTTP ${res.status}`);
    const notes = await res.json();
    previous = notes.find((n) => typeof n.body === "string" && n.body.startsWith(MARKER));
    if (notes.length < 100) break;
  }
  const res = previous
    ? await fetchImpl(`${base}/${previous.id}`, { method: "PUT", headers, body: JSON.stringify({ body }) })
    : await fetchImpl(base, { method: "POST", headers, body: JSON.stringify({ body }) });
  if (!res.ok) throw new Error(`${previous ? "updating" : "creating"} the note failed: HTTP ${res.status}`);
  return previous ? "updated" : "created";
}

module.exports = { upsertNote, MARKER };

if (require.main === module) {
  const file = process.argv[2] || "reports/preflight.md";
  upsertNote({
    api: process.env.CI_API_V4_URL,
    projectId: process.env.CI_PROJECT_ID,
    mrIid: process.env.CI_MERGE_REQUEST_IID,
    token: process.env.PREFLIGHT_NOTE_TOKEN,
    body: readFileSync(file, "utf8"),
  }).then(
    (what) => console.log(`preflight: merge request note ${what}`),
    (error) => {
      // A failed note must not hide the gate's own result.
      console.error(`preflight: ${error.message}`);
    },
  );
}
