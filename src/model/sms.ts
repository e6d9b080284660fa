// How long a text message may be: its own module, without zod, so that the web app's alert composer counts the
// characters live with the very function the server checks them with.
// The GSM 03.38 alphabet (basic set and extension table): a text message written only with it fits 160 characters;
// any other character makes the whole message UCS-2, 70 characters.
const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '^{}\\[~]|€\f';

/** How many characters a text message may hold and how many this text takes (extension characters count twice). */
export function smsLength(text: string): { length: number; limit: number; gsm: boolean } {
  let length = 0;
  for (const char of text) {
    if (GSM_BASIC.includes(char)) length += 1;
    else if (GSM_EXTENSION.includes(char)) length += 2;
    else return { length: [...text].length, limit: 70, gsm: false };
  }
  return { length, limit: 160, gsm: true };
}

/** A person's text message: the text, then their check-in link, within one message. */
export function smsText(text: string, url: string): string {
  return `${text} ${url}`;
}
