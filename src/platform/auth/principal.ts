/** Who is calling: resolved from the bearer credentials by the identity domain. */
export interface Principal {
  kind: 'user' | 'api_key';
  organizationId: string;
  /** The user (or, for API keys, the key's id), recorded as the actor in the audit trail. */
  actorId: string;
  /** SHA-256 of the presented credential, hex (used to revoke the token the call came with). */
  credentialHash: string;
  roles: string[];
  permissions: string[];
}

/** Turns a bearer credential into a principal, or throws UNAUTHENTICATED. */
export interface Authenticator {
  authenticate(credential: string): Promise<Principal>;
}
