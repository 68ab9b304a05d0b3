/**
 * Test support: the settings of a broker whose only listener is SASL_PLAINTEXT with PLAIN users,
 * a StandardAuthorizer, `admin` as super user (it is also the inter-broker identity), and an HTTP
 * listener on a free port.
 */
export function saslAclBrokerSettings(users: Record<string, string>): Record<string, string> {
  const all = { admin: 'admin-pw', ...users };
  const userEntries = Object.entries(all).map(([name, password]) => `user_${name}="${password}"`).join(' ');
  return {
    listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
    'http.listeners': 'http://127.0.0.1:0',
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': 'User:admin',
    'sasl.enabled.mechanisms': 'PLAIN',
    'sasl.mechanism.inter.broker.protocol': 'PLAIN',
    'listener.name.sasl_plaintext.plain.sasl.jaas.config':
      `org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="${all.admin}" ${userEntries};`,
    'connection.failed.authentication.delay.ms': '0',
  };
}
