// Property tests draw their cases from a fixed seed, so a CI run is reproducible and cannot go
// red by chance on a commit that changed nothing. Explore new cases on purpose with
// `FC_SEED=random npm run test:explore` (or FC_SEED=<n> to replay one); a counterexample found
// there becomes a named regression test.
import fc from "fast-check";

const requested = process.env.FC_SEED;
if (requested !== "random") {
  const seed = requested === undefined || requested === "" ? 20261128 : Number(requested);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", got ${JSON.stringify(requested)}`);
  fc.configureGlobal({ seed });
}
