/**
 * Who a connection is, as Kafka's authorizer sees it: a principal type and name
 * (`User:alice`). PLAINTEXT connections are `User:ANONYMOUS`; SASL connections are the
 * authenticated user; TLS connections with a client certificate are named from the certificate's
 * subject by `ssl.principal.mapping.rules` (tls-principal.ts).
 */
export interface KafkaPrincipal {
  type: string;
  name: string;
}

export const ANONYMOUS: KafkaPrincipal = Object.freeze({ type: 'User', name: 'ANONYMOUS' });

export function userPrincipal(name: string): KafkaPrincipal {
  return { type: 'User', name };
}

export function principalText(p: KafkaPrincipal): string {
  return `${p.type}:${p.name}`;
}

/** Parses `Type:name` (the name may contain ':'); undefined when there is no type. */
export function parsePrincipal(text: string): KafkaPrincipal | undefined {
  const i = text.indexOf(':');
  if (i <= 0) return undefined;
  return { type: text.slice(0, i), name: text.slice(i + 1) };
}
