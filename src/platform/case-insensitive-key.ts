import { caseFold } from 'unicode-case-folding';

/**
 * The one definition of "equal ignoring case" for names (organizations, suppliers, products,
 * carriers): NFKC, then Unicode full case folding, then NFKC again (Unicode's NFKC_Casefold
 * without removing default-ignorable characters). The database stores this key next to the
 * name and only ever compares keys byte by byte ("C" collation), so the outcome is the same on
 * every cluster locale, encoding and ICU version; PostgreSQL's lower() is never used for it.
 *
 * Locale-independent by design: "Straße" = "STRASSE", final and medial sigma are one letter
 * ("ΟΔΥΣΣΕΥΣ" = "οδυσσευς"), accents count ("Οδυσσεύς" ≠ "ΟΔΥΣΣΕΥΣ", "Müller" ≠ "Muller"),
 * and the Turkish dotted capital İ folds to "i̇" (i + combining dot): "İstanbul" = "İSTANBUL",
 * "ISTANBUL" = "istanbul", but the two pairs differ, and dotless "ı" is a letter of its own.
 *
 * Folding works code point by code point (unlike toLowerCase, whose final sigma depends on
 * what follows), so the key of a typed prefix is a prefix of the name's key: a name-prefix
 * filter is a range of keys.
 */
export function caseInsensitiveKey(text: string): string {
  return caseFold(text.normalize('NFKC')).normalize('NFKC');
}
