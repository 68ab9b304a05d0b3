/** Security: ACL bindings and SCRAM users, changed through the Kafka APIs (the authorizer decides). */
import { useState } from 'preact/hooks';
import { api, enc, ApiError } from '../api.js';
import { ConfirmButton, ErrorBox, FormResult, Notice, Page, TableWrap, useSubmit } from '../components/common.js';
import { usePoll } from '../hooks.js';
import type { AclRow, UserRow } from '../types.js';

const RESOURCES = ['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID'];
const OPERATIONS = ['ALL', 'READ', 'WRITE', 'CREATE', 'DELETE', 'ALTER', 'DESCRIBE', 'CLUSTER_ACTION', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE'];

function Select({ label, name, value, options, set }: { label: string; name: string; value: string; options: string[]; set(v: string): void }) {
  return <label>{label}<select name={name} value={value} onChange={(e) => set(e.currentTarget.value)}>{options.map((o) => <option key={o} value={o}>{o}</option>)}</select></label>;
}

function Acls() {
  const { data, error, reload } = usePoll(() => api<AclRow[]>('GET', '/acls').catch((e: unknown) => {
    if (e instanceof ApiError && e.kafkaError === 'SECURITY_DISABLED') return null;
    throw e;
  }), 0, []);
  const [f, setF] = useState({ resourceType: 'TOPIC', resourceName: '', patternType: 'LITERAL', principal: 'User:', host: '*', operation: 'READ', permission: 'ALLOW' });
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  const { busy, error: formError, message, submit } = useSubmit(() => api('POST', '/acls', f), () => {
    reload();
    return 'ACL created.';
  });
  if (data === null) return <Notice>No authorizer is configured (authorizer.class.name), so there are no ACLs: every client may do everything.</Notice>;
  return (
    <>
      <ErrorBox error={error} />
      <TableWrap>
        <table>
          <caption class="sr-only">ACLs</caption>
          <thead><tr><th scope="col">Principal</th><th scope="col">Permission</th><th scope="col">Operation</th><th scope="col">Resource</th><th scope="col">Host</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {(data ?? []).length === 0 ? <tr><td colSpan={6}>No ACLs.</td></tr> : data!.map((a, i) => (
              <tr key={i}>
                <td>{a.principal}</td><td><span class={`tag ${a.permission === 'DENY' ? 'bad' : 'good'}`}>{a.permission}</span></td><td>{a.operation}</td>
                <td>{a.resourceType} {a.patternType === 'PREFIXED' ? `${a.resourceName}*` : a.resourceName}</td><td>{a.host}</td>
                <td><ConfirmButton label="Delete" question={`Delete: ${a.permission} ${a.principal} ${a.operation} on ${a.resourceType} ${a.resourceName}?`} onConfirm={async () => {
                  await api('DELETE', '/acls', a);
                  reload();
                }} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <form class="card form" onSubmit={submit} aria-labelledby="acl-title">
        <h3 id="acl-title">Add an ACL</h3>
        <div class="row">
          <label>Principal<input name="principal" required value={f.principal} onInput={(e) => set('principal')(e.currentTarget.value)} /></label>
          <Select label="Permission" name="permission" value={f.permission} options={['ALLOW', 'DENY']} set={set('permission')} />
          <Select label="Operation" name="operation" value={f.operation} options={OPERATIONS} set={set('operation')} />
        </div>
        <div class="row">
          <Select label="Resource type" name="resourceType" value={f.resourceType} options={RESOURCES} set={set('resourceType')} />
          <label>Resource name<input name="resourceName" value={f.resourceName} disabled={f.resourceType === 'CLUSTER'} onInput={(e) => set('resourceName')(e.currentTarget.value)} /></label>
          <Select label="Pattern" name="patternType" value={f.patternType} options={['LITERAL', 'PREFIXED']} set={set('patternType')} />
          <label>Host<input name="host" value={f.host} onInput={(e) => set('host')(e.currentTarget.value)} /></label>
        </div>
        <button type="submit" class="primary" disabled={busy}>Add ACL</button>
        <FormResult error={formError} message={message} />
      </form>
    </>
  );
}

function Users() {
  const { data, error, reload } = usePoll(() => api<UserRow[]>('GET', '/users'), 0, []);
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [mechanism, setMechanism] = useState('SCRAM-SHA-256');
  const { busy, error: formError, message, submit } = useSubmit(() => api('PUT', `/users/${enc(user)}`, { mechanism, password }), () => {
    setPassword('');
    reload();
    return `Password of ${user} set for ${mechanism}.`;
  });
  return (
    <>
      <ErrorBox error={error} />
      <TableWrap>
        <table>
          <caption class="sr-only">SCRAM users</caption>
          <thead><tr><th scope="col">User</th><th scope="col">Mechanisms</th></tr></thead>
          <tbody>
            {(data ?? []).length === 0 ? <tr><td colSpan={2}>No SCRAM users.</td></tr> : data!.map((u) => (
              <tr key={u.user}>
                <td>{u.user}</td>
                <td>{u.credentials.map((c) => (
                  <span key={c.mechanism} class="cred">{c.mechanism} ({c.iterations} iterations) <ConfirmButton label="Remove" question={`Remove ${c.mechanism} from ${u.user}?`} onConfirm={async () => {
                    await api('DELETE', `/users/${enc(u.user)}?mechanism=${c.mechanism}`);
                    reload();
                  }} /></span>
                ))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <form class="card form" onSubmit={submit} aria-labelledby="user-title">
        <h3 id="user-title">Set a user's password</h3>
        <div class="row">
          <label>User<input name="user" required value={user} onInput={(e) => setUser(e.currentTarget.value)} autoComplete="off" /></label>
          <label>Password<input name="password" type="password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} autoComplete="new-password" /></label>
          <Select label="Mechanism" name="mechanism" value={mechanism} options={['SCRAM-SHA-256', 'SCRAM-SHA-512']} set={setMechanism} />
        </div>
        <button type="submit" class="primary" disabled={busy}>Set password</button>
        <FormResult error={formError} message={message} />
      </form>
    </>
  );
}

export function SecurityPage() {
  return (
    <Page title="Security">
      <h2>ACLs</h2>
      <Acls />
      <h2>Users (SCRAM)</h2>
      <Users />
    </Page>
  );
}
