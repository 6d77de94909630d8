import type { Config } from "../config/config.js";
import type { CliContext } from "./cli-context.js";
import type { CliServices } from "./cli-services.js";

/** Opens the app's CLI services for `config`, runs `use`, and always closes them. */
export async function withCliServices<T>(
  config: Config,
  ctx: CliContext,
  use: (services: CliServices) => Promise<T>,
): Promise<T> {
  const app = await ctx.loadApp();
  const services = await app.openCliServices(config);
  try {
    return await use(services);
  } finally {
    await services.close();
  }
}
