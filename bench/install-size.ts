import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface InstallSize {
  /** Packages the lockfile does not mark `dev`: what `npm ci --omit=dev` installs. */
  productionBytes: number;
  /** Everything installed except the pinned Node binary (the `node` package). */
  allButNodeBytes: number;
}

interface LockPackage {
  dev?: boolean;
}

/** Apparent size of a package folder, without its nested node_modules (the lockfile lists those apart). */
function folderBytes(path: string, budget: { files: number }): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (budget.files <= 0) break;
    budget.files -= 1;
    const child = join(path, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") total += folderBytes(child, budget);
    } else {
      total += lstatSync(child).size;
    }
  }
  return total;
}

/** Sizes node_modules per package-lock.json; walks at most `maxFiles` files. */
export function measureInstallSize(repoDir: string, maxFiles = 500_000): InstallSize {
  const lock = JSON.parse(readFileSync(join(repoDir, "package-lock.json"), "utf8")) as { packages: Record<string, LockPackage> };
  const budget = { files: maxFiles };
  let productionBytes = 0;
  let allButNodeBytes = 0;
  for (const [path, info] of Object.entries(lock.packages)) {
    if (!path.startsWith("node_modules/") || path === "node_modules/node") continue;
    const bytes = folderBytes(join(repoDir, path), budget);
    allButNodeBytes += bytes;
    if (!info.dev) productionBytes += bytes;
  }
  return { productionBytes, allButNodeBytes };
}
