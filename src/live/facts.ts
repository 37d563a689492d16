// The live facts' shape belongs to the fact base (rules and iam read it; live mode only fills it).
export * from "../facts/live";
