// A form the caller may or may not change (as the server's abilities say): read-only, every control inside is
// disabled by one fieldset, controls that only serve editing (add, remove, apply) are left out, and a note says why.
import { Alert } from '@mantine/core';
import { createContext, useContext, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

const EditableContext = createContext(true);

/**
 * Wraps the fields of a form. `editable` false disables every input, select and button inside (a disabled fieldset,
 * so nothing can be missed) and tells `EditOnly` and `useEditable` below. It takes no room of its own.
 */
export function Editable({ editable, children }: { editable: boolean; children: ReactNode }) {
  return (
    <EditableContext.Provider value={editable}>
      <fieldset
        disabled={!editable}
        data-read-only={editable ? undefined : 'true'}
        style={{ display: 'contents', border: 0, padding: 0, margin: 0, minWidth: 0 }}
      >
        {children}
      </fieldset>
    </EditableContext.Provider>
  );
}

/** Whether the nearest `Editable` lets the caller change the form (true outside any). */
export function useEditable(): boolean {
  return useContext(EditableContext);
}

/** Shown only where the form can be changed: add and remove buttons, "use the suggested value". */
export function EditOnly({ children }: { children: ReactNode }) {
  return useEditable() ? <>{children}</> : null;
}

/** Says that the page can be read but not changed with the caller's role. */
export function ReadOnlyNotice({ text }: { text?: string }) {
  const { t } = useTranslation();
  return (
    <Alert color="gray" variant="light" role="status" data-testid="read-only-notice">
      {text ?? t('abilities.readOnly')}
    </Alert>
  );
}
