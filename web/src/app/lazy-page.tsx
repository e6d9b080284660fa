// A page in its own chunk that renders at once when its code is already here. React.lazy suspends on its first
// render even when the chunk has arrived, and React then holds the fallback for at least 300 ms (it throttles
// revealing suspended content so spinners do not flicker): that alone was half of the sign-in page's first paint.
import { lazy, useState, type ComponentType, type JSX } from 'react';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pages take their own props
export type LazyPage<P = any> = ((props: P) => JSX.Element) & { preload: () => Promise<void> };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pages take their own props
export function lazyPage<P extends Record<string, any>>(load: () => Promise<{ default: ComponentType<P> }>): LazyPage<P> {
  let loaded: ComponentType<P> | undefined;
  const remember = () =>
    load().then((module) => {
      loaded = module.default;
      return module;
    });
  const Lazy = lazy(remember);
  const Page = (props: P) => {
    // Chosen once per mounted page: turning from the lazy wrapper to the loaded component on a later render would be
    // another element type, and React would mount the page again, losing what was typed in it.
    const [Component] = useState<ComponentType<P>>(() => loaded ?? (Lazy as unknown as ComponentType<P>));
    return <Component {...props} />;
  };
  Page.preload = () => remember().then(() => undefined);
  return Page;
}
