// Filters and open dialogs kept in the address (`?status=approved&new=1`), so that a page reloads as it was.
import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/** The address's parameters, and a setter of one of them (an empty value removes it), replacing the history entry. */
export function useSearchParam(): [URLSearchParams, (key: string, value: string | null) => void] {
  const [params, setParams] = useSearchParams();
  const set = useCallback(
    (key: string, value: string | null) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (value) next.set(key, value);
          else next.delete(key);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  return [params, set];
}
