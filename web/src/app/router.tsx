// Routes: every page is its own chunk (lazyPage), loaded inside the shell of the organisation.
import { Suspense } from 'react';
import { createBrowserRouter } from 'react-router';
import { AuthGate } from './AuthGate.js';
import { lazyPage } from './lazy-page.js';
import { Home } from './Home.js';
import { RouteError } from './RouteError.js';
import { PageLoader, Shell } from './Shell.js';

const Dashboard = lazyPage(() => import('../pages/Dashboard.js'));
const Activities = lazyPage(() => import('../pages/Activities.js'));
const ActivityPage = lazyPage(() => import('../pages/ActivityPage.js'));
const Findings = lazyPage(() => import('../pages/Findings.js'));
const Graph = lazyPage(() => import('../pages/Graph.js'));
const Interchange = lazyPage(() => import('../pages/Interchange.js'));
const CollectionPage = lazyPage(() => import('../pages/CollectionPage.js'));
const Risks = lazyPage(() => import('../pages/Risks.js'));
const RiskPage = lazyPage(() => import('../pages/RiskPage.js'));
const RiskHeatmap = lazyPage(() => import('../pages/RiskHeatmap.js'));
const RiskAttention = lazyPage(() => import('../pages/RiskAttention.js'));
const RiskMatrix = lazyPage(() => import('../pages/RiskMatrix.js'));
const Scenarios = lazyPage(() => import('../pages/Scenarios.js'));
const ScenarioPage = lazyPage(() => import('../pages/ScenarioPage.js'));
const ScenarioReport = lazyPage(() => import('../pages/ScenarioReport.js'));
const Plans = lazyPage(() => import('../pages/Plans.js'));
const KnowledgeBase = lazyPage(() => import('../pages/KnowledgeBase.js'));
const Surveillance = lazyPage(() => import('../pages/Surveillance.js'));
const Assistant = lazyPage(() => import('../pages/Assistant.js'));
const Flows = lazyPage(() => import('../pages/Flows.js'));
const PlanPage = lazyPage(() => import('../pages/PlanPage.js'));
const Incidents = lazyPage(() => import('../pages/Incidents.js'));
const CorrectiveActions = lazyPage(() => import('../pages/CorrectiveActions.js'));
const Exercises = lazyPage(() => import('../pages/Exercises.js'));
const Reports = lazyPage(() => import('../pages/Reports.js'));
const BiaCampaigns = lazyPage(() => import('../pages/BiaCampaigns.js'));
const Training = lazyPage(() => import('../pages/Training.js'));
const ManagementReviews = lazyPage(() => import('../pages/ManagementReviews.js'));
const Clauses = lazyPage(() => import('../pages/Clauses.js'));
const IncidentPage = lazyPage(() => import('../pages/IncidentPage.js'));
const FollowUp = lazyPage(() => import('../pages/FollowUp.js'));
const People = lazyPage(() => import('../pages/People.js'));
const Members = lazyPage(() => import('../pages/admin/Members.js'));
const Account = lazyPage(() => import('../pages/admin/Account.js'));
const Tokens = lazyPage(() => import('../pages/admin/Tokens.js'));
const Security = lazyPage(() => import('../pages/admin/Security.js'));
const BiaSettings = lazyPage(() => import('../pages/admin/BiaSettings.js'));
const Audit = lazyPage(() => import('../pages/admin/Audit.js'));
const WidgetKeys = lazyPage(() => import('../pages/admin/WidgetKeys.js'));
const SingleSignOn = lazyPage(() => import('../pages/admin/SingleSignOn.js'));
const NotFound = lazyPage(() => import('../pages/NotFound.js'));
const SignIn = lazyPage(() => import('../pages/SignIn.js'));
const Invitation = lazyPage(() => import('../pages/Invitation.js'));

/**
 * The code of the usual first pages (the dashboard, the sign-in page), fetched beside the application's own: the first
 * render waits for it (main.tsx) and shows the page, not a spinner. A chunk that fails to load does not stop the
 * application: the page asks for it again when it renders, and its route's error page says what went wrong.
 */
export async function firstPageReady(pathname: string): Promise<void> {
  const page = /^\/(orgs\/[^/]+\/?)?$/.test(pathname) ? Dashboard : pathname === '/sign-in' ? SignIn : undefined;
  await page?.preload().catch(() => undefined);
}

export const router = createBrowserRouter([
  {
    path: '/',
    element: (
      <AuthGate>
        <Home />
      </AuthGate>
    ),
    errorElement: <RouteError />,
  },
  {
    path: '/sign-in',
    element: (
      <Suspense fallback={<PageLoader />}>
        <SignIn />
      </Suspense>
    ),
    errorElement: <RouteError />,
  },
  // Open to everyone: the invitation's secret is the key (after #, or in the path for links typed by hand).
  ...['/invitation', '/invitation/:token'].map((path) => ({
    path,
    element: (
      <Suspense fallback={<PageLoader />}>
        <Invitation />
      </Suspense>
    ),
    errorElement: <RouteError />,
  })),
  {
    path: '/orgs/:org',
    element: (
      <AuthGate>
        <Shell />
      </AuthGate>
    ),
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Dashboard /> },
      { path: 'activities', element: <Activities /> },
      { path: 'activities/:id', element: <ActivityPage /> },
      { path: 'findings', element: <Findings /> },
      { path: 'graph', element: <Graph /> },
      { path: 'exchange', element: <Interchange /> },
      { path: 'sites', element: <CollectionPage collection="sites" /> },
      { path: 'pools', element: <CollectionPage collection="pools" /> },
      { path: 'applications', element: <CollectionPage collection="applications" /> },
      { path: 'suppliers', element: <CollectionPage collection="suppliers" /> },
      { path: 'strategies', element: <CollectionPage collection="strategies" /> },
      { path: 'risks', element: <Risks /> },
      // `heatmap` and `attention` are reserved risk ids on the server, so these never hide a risk.
      { path: 'risks/heatmap', element: <RiskHeatmap /> },
      { path: 'risks/attention', element: <RiskAttention /> },
      { path: 'risks/:id', element: <RiskPage /> },
      { path: 'risk-matrix', element: <RiskMatrix /> },
      { path: 'scenarios', element: <Scenarios /> },
      { path: 'scenarios/:id', element: <ScenarioPage /> },
      { path: 'scenarios/:id/report', element: <ScenarioReport /> },
      { path: 'plans', element: <Plans /> },
      { path: 'kb', element: <KnowledgeBase /> },
      { path: 'surveillance', element: <Surveillance /> },
      { path: 'assistant', element: <Assistant /> },
      { path: 'flows', element: <Flows /> },
      { path: 'plans/:id', element: <PlanPage /> },
      { path: 'incidents', element: <Incidents /> },
      { path: 'incidents/:id', element: <IncidentPage /> },
      { path: 'follow-up', element: <FollowUp /> },
      { path: 'people', element: <People /> },
      { path: 'corrective-actions', element: <CorrectiveActions /> },
      { path: 'exercises', element: <Exercises /> },
      { path: 'reports', element: <Reports /> },
      { path: 'bia-campaigns', element: <BiaCampaigns /> },
      { path: 'training', element: <Training /> },
      { path: 'management-reviews', element: <ManagementReviews /> },
      { path: 'clauses', element: <Clauses /> },
      { path: 'admin/members', element: <Members /> },
      { path: 'admin/account', element: <Account /> },
      { path: 'admin/tokens', element: <Tokens /> },
      { path: 'admin/security', element: <Security /> },
      { path: 'admin/single-sign-on', element: <SingleSignOn /> },
      { path: 'admin/widget', element: <WidgetKeys /> },
      { path: 'admin/bia', element: <BiaSettings /> },
      { path: 'admin/audit', element: <Audit /> },
      { path: '*', element: <NotFound /> },
    ],
  },
  { path: '*', element: <Home notFound /> },
]);
