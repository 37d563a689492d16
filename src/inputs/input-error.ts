/** Bad input: the message is one line that names the file and what was expected. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = "InputError";
  }
}

export const EXPECTED_INPUT =
  "expected a Terraform plan in JSON (`terraform show -json plan.out`), a Terraform JSON configuration (cdk.tf.json) or a cdktf.out folder";
