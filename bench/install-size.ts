import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface InstallSize {
  /** Packages the lockfile does not mark `dev`: what `npm ci --omit=dev` installs. */
  productionBytes: number;
  /** Everything installed except the pinned Node binary (the `node` package). */
  allButNodeBytes: number;
  /** The same without our optional media packages (ffmpeg, sharp, OCR), the opt-in wechaty, and what only they pull in. */
  requiredBytes: number;
}

interface LockPackage {
  dev?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Lockfile paths reachable from `roots` (hoisted layout: a dependency is looked up at the top of node_modules). */
function closure(packages: Record<string, LockPackage>, roots: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = roots.map((name) => `node_modules/${name}`);
  for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
    if (seen.has(path) || !packages[path]) continue;
    seen.add(path);
    const info = packages[path]!;
    for (const name of Object.keys({ ...info.dependencies, ...info.optionalDependencies })) queue.push(`node_modules/${name}`);
  }
  return seen;
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

/** Platform SDKs a user installs only when they turn that platform on (docs/wechat.md), and the fake that tests only them. */
const optInPackages = new Set(["wechaty", "wechaty-puppet-mock"]);

/** Sizes node_modules per package-lock.json; walks at most `maxFiles` files. */
export function measureInstallSize(repoDir: string, maxFiles = 500_000): InstallSize {
  const lock = JSON.parse(readFileSync(join(repoDir, "package-lock.json"), "utf8")) as { packages: Record<string, LockPackage> };
  const budget = { files: maxFiles };
  let productionBytes = 0;
  let allButNodeBytes = 0;
  let requiredBytes = 0;
  const root = lock.packages[""] ?? {};
  // wechaty is a dev dependency only so that its adapter is type-checked and tested; in production it is opt-in.
  const optIn = Object.keys(root.devDependencies ?? {}).filter((name) => optInPackages.has(name));
  const required = closure(lock.packages, Object.keys({ ...root.dependencies, ...root.devDependencies }).filter((name) => !optInPackages.has(name)));
  const optionalOnly = new Set([...closure(lock.packages, [...Object.keys(root.optionalDependencies ?? {}), ...optIn])].filter((path) => !required.has(path)));
  for (const [path, info] of Object.entries(lock.packages)) {
    if (!path.startsWith("node_modules/") || path === "node_modules/node") continue;
    const bytes = folderBytes(join(repoDir, path), budget);
    allButNodeBytes += bytes;
    if (!optionalOnly.has(path)) requiredBytes += bytes;
    if (!info.dev) productionBytes += bytes;
  }
  return { productionBytes, allButNodeBytes, requiredBytes };
}
