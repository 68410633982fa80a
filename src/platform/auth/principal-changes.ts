/**
 * The bus channel on which an organization's principals are announced as possibly changed
 * (logout, deactivation, role or permission change, API key revocation, suspension...), after
 * the principal cache was invalidated. Open streams listen to it to re-check their caller.
 */
export const principalChangesChannel = (organizationId: string) => `org:${organizationId}:principals`;
