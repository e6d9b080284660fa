// Mantine's PasswordInput with its visibility toggle named in the interface language.
import { PasswordInput, type PasswordInputProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function PasswordField(props: PasswordInputProps) {
  const { t } = useTranslation();
  return <PasswordInput {...props} visibilityToggleButtonProps={{ 'aria-label': t('auth.togglePassword'), ...props.visibilityToggleButtonProps }} />;
}
