/**
 * The Gregor web console: a single page served at /ui/, routed by the URL hash
 * (#/, #/topics, #/topics/<name>/<tab>, #/groups, #/groups/<id>, #/security). Everything it shows
 * or changes goes through /ui/api, where the broker acts as a Kafka client for the signed-in user.
 */
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { render } from 'preact';
import { api } from './api.js';
import { usePoll, useHashPath } from './hooks.js';
import { GroupDetailPage, GroupsPage } from './pages/groups.js';
import { OverviewPage } from './pages/overview.js';
import { SecurityPage } from './pages/security.js';
import { TopicDetailPage, type TopicTab } from './pages/topic-detail.js';
import { TopicsPage } from './pages/topics.js';

const NAV = [
  { href: '#/', label: 'Overview', match: (p: string) => p === '/' },
  { href: '#/topics', label: 'Topics', match: (p: string) => p.startsWith('/topics') },
  { href: '#/groups', label: 'Consumer groups', match: (p: string) => p.startsWith('/groups') },
  { href: '#/security', label: 'Security', match: (p: string) => p.startsWith('/security') },
];

function Route({ path }: { path: string }) {
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0) return <OverviewPage />;
  if (parts[0] === 'topics' && parts.length === 1) return <TopicsPage />;
  if (parts[0] === 'topics') return <TopicDetailPage name={parts[1]!} tab={parts[2] as TopicTab | undefined} />;
  if (parts[0] === 'groups' && parts.length === 1) return <GroupsPage />;
  if (parts[0] === 'groups') return <GroupDetailPage id={parts.slice(1).join('/')} />;
  if (parts[0] === 'security') return <SecurityPage />;
  return <p role="alert">No such page: {path}. <a href="#/">Back to the overview</a></p>;
}

function App() {
  const path = useHashPath();
  const session = usePoll(() => api<{ user: string; signInRequired: boolean }>('GET', '/session'), 0, []);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}>Skip to content</a>
      <header class="top">
        <a class="brand" href="#/">Gregor</a>
        <nav aria-label="Main">
          {NAV.map((n) => <a key={n.href} href={n.href} aria-current={n.match(path) ? 'page' : undefined}>{n.label}</a>)}
        </nav>
        <span class="user" title="The Kafka principal the console acts as">{session.data ? session.data.user : ''}</span>
      </header>
      <main id="main" tabIndex={-1}>
        {session.error ? <p class="error" role="alert">{session.error}</p> : <Route key={path.split('/').slice(0, 3).join('/')} path={path} />}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
