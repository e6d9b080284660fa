// Entry point: providers (theme, translations, server state) and the router.
import '@mantine/core/styles.css';
import './app/app.css';
import { MantineProvider, Modal, mergeThemeOverrides, createTheme } from '@mantine/core';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, useMemo, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { RouterProvider } from 'react-router';
import { firstPageReady, router } from './app/router.js';
import { cssVariablesResolver, theme } from './app/theme.js';
import { currentLanguage, i18n, loadLanguage } from './i18n/index.js';
import { isApiError } from './lib/api.js';
import { meKey, signedOut } from './lib/auth.js';
import { prefetchOrganisation } from './lib/queries.js';

/**
 * A session that ended (or never began): back to the sign-in page, the gate sees the caller gone. A password to
 * change first: who is signed in is read again, and the gate sends them to choose it.
 */
const onError = (error: unknown) => {
  if (isApiError(error) && error.status === 401 && error.code === 'unauthenticated') signedOut(queryClient);
  if (isApiError(error) && error.code === 'password_change_required') void queryClient.invalidateQueries({ queryKey: meKey });
};

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      refetchOnWindowFocus: false,
      // Refusals (4xx) are answers, not glitches: do not retry them.
      retry: (count, error) => !(isApiError(error) && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

// An organisation's page opened directly (a bookmark, a reload): its data is asked for now, beside the page's code.
const firstOrg = /^\/orgs\/([^/]+)/.exec(location.pathname)?.[1];
if (firstOrg) prefetchOrganisation(queryClient, decodeURIComponent(firstOrg));

// The interface language's texts and the first page's code before the first render (English is already in the
// bundle). Who is signed in is not asked first: the page's own requests say it (401), and the header reads it once
// the page has its data.
await Promise.all([loadLanguage(currentLanguage()), firstPageReady(location.pathname)]);

/** The theme in the interface language: every dialog's close button is named (a screen reader reads it; axe asks it). */
function ThemeProvider({ children }: { children: ReactNode }) {
  const { t, i18n: current } = useTranslation();
  const themed = useMemo(
    () =>
      mergeThemeOverrides(
        theme,
        createTheme({ components: { Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } } }) } }),
      ),
    // The label changes with the language only.
    [current.language],
  );
  return (
    <MantineProvider theme={themed} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      {children}
    </MantineProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <ThemeProvider>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </ThemeProvider>
    </I18nextProvider>
  </StrictMode>,
);
