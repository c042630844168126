/**
 * The guest needs a few modules before it can see its root disk (Debian's cloud kernel builds
 * virtio-pci and virtio-blk as modules). modules.dep lists a module's dependencies so that the
 * last one must be loaded first; this gives a load order for `insmod` in the initramfs, which
 * has no modprobe.
 */
export const BOOT_MODULES = ['virtio_pci', 'virtio_blk'] as const;

/** modules.dep text → load order (paths as modules.dep writes them) for the wanted module names. */
export function moduleLoadOrder(modulesDep: string, wanted: readonly string[]): string[] {
  const deps = new Map<string, string[]>();
  for (const line of modulesDep.split('\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const file = line.slice(0, colon).trim();
    deps.set(file, line.slice(colon + 1).trim().split(/\s+/).filter(Boolean));
  }
  const byName = new Map<string, string>();
  for (const file of deps.keys()) byName.set(moduleName(file), file);

  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (file: string) => {
    if (order.includes(file) || visiting.has(file)) return;
    visiting.add(file);
    // modules.dep lists the full closure, deepest last: load from the end.
    for (const dep of [...(deps.get(file) ?? [])].reverse()) visit(dep);
    order.push(file);
  };
  for (const name of wanted) {
    const file = byName.get(name);
    if (file) visit(file);
    // Built into this kernel (not in modules.dep): nothing to load.
  }
  return order;
}

export const moduleName = (file: string): string => file.slice(file.lastIndexOf('/') + 1).replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');
