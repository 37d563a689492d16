// What the identity running `terraform apply` needs, as data: for each permission a GKE apply
// checks, the predefined role that grants it (the role the fix names).

/** A predefined role that grants the permission (sources: docs/sources.md, knowledge/roles.json). */
export const ROLE_FOR_PERMISSION: Readonly<Record<string, string>> = {
  "iam.serviceAccounts.actAs": "roles/iam.serviceAccountUser",
  "container.clusters.create": "roles/container.clusterAdmin",
  "container.clusters.delete": "roles/container.clusterAdmin",
  "container.clusters.update": "roles/container.clusterAdmin",
  "container.clusters.get": "roles/container.clusterViewer",
  "resourcemanager.projects.getIamPolicy": "roles/resourcemanager.projectIamAdmin",
  "resourcemanager.projects.setIamPolicy": "roles/resourcemanager.projectIamAdmin",
  "serviceusage.services.enable": "roles/serviceusage.serviceUsageAdmin",
  "serviceusage.services.disable": "roles/serviceusage.serviceUsageAdmin",
  "iam.serviceAccounts.create": "roles/iam.serviceAccountAdmin",
  "iam.serviceAccounts.delete": "roles/iam.serviceAccountAdmin",
  "iam.serviceAccounts.setIamPolicy": "roles/iam.serviceAccountAdmin",
};

/**
 * The same for folder and organisation IAM. These roles are not in the bundled role table; their
 * contents are from iann0036/iam-dataset at 1818bc70 (gcp/roles/resourcemanager.folderIamAdmin.json,
 * resourcemanager.organizationAdmin.json, resourcemanager.projectCreator.json), read 2026-11-28.
 */
export const ROLE_FOR_HIERARCHY_PERMISSION: Readonly<Record<string, string>> = {
  "resourcemanager.projects.create": "roles/resourcemanager.projectCreator",
  "resourcemanager.folders.getIamPolicy": "roles/resourcemanager.folderIamAdmin",
  "resourcemanager.folders.setIamPolicy": "roles/resourcemanager.folderIamAdmin",
  "resourcemanager.organizations.getIamPolicy": "roles/resourcemanager.organizationAdmin",
  "resourcemanager.organizations.setIamPolicy": "roles/resourcemanager.organizationAdmin",
};
