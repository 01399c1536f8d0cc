// A page loaded when first shown: each page is its own bundle, so the first screen downloads only its own code.
import { lazy, type ComponentType } from 'react';

export function lazyPage<Module>(load: () => Promise<Module>, name: keyof Module) {
  return lazy(async () => ({ default: (await load())[name] as ComponentType }));
}
