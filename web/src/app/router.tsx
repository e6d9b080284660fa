// Routes: every page is its own chunk (React.lazy), loaded inside the shell of the organisation.
import { lazy, Suspense } from 'react';
import { createBrowserRouter } from 'react-router';
import { AuthGate } from './AuthGate.js';
import { Home } from './Home.js';
import { RouteError } from './RouteError.js';
import { PageLoader, Shell } from './Shell.js';

const loadDashboard = () => import('../pages/Dashboard.js');
const Dashboard = lazy(loadDashboard);
// The dashboard is the usual first page: fetch its chunk at once rather than after the shell renders.
if (typeof location !== 'undefined' && /^\/(orgs\/[^/]+\/?)?$/.test(location.pathname)) void loadDashboard();
const Activities = lazy(() => import('../pages/Activities.js'));
const ActivityPage = lazy(() => import('../pages/ActivityPage.js'));
const Findings = lazy(() => import('../pages/Findings.js'));
const Graph = lazy(() => import('../pages/Graph.js'));
const Interchange = lazy(() => import('../pages/Interchange.js'));
const CollectionPage = lazy(() => import('../pages/CollectionPage.js'));
const Risks = lazy(() => import('../pages/Risks.js'));
const RiskPage = lazy(() => import('../pages/RiskPage.js'));
const RiskHeatmap = lazy(() => import('../pages/RiskHeatmap.js'));
const RiskAttention = lazy(() => import('../pages/RiskAttention.js'));
const RiskMatrix = lazy(() => import('../pages/RiskMatrix.js'));
const Scenarios = lazy(() => import('../pages/Scenarios.js'));
const ScenarioPage = lazy(() => import('../pages/ScenarioPage.js'));
const ScenarioReport = lazy(() => import('../pages/ScenarioReport.js'));
const Plans = lazy(() => import('../pages/Plans.js'));
const KnowledgeBase = lazy(() => import('../pages/KnowledgeBase.js'));
const Surveillance = lazy(() => import('../pages/Surveillance.js'));
const Assistant = lazy(() => import('../pages/Assistant.js'));
const Flows = lazy(() => import('../pages/Flows.js'));
const PlanPage = lazy(() => import('../pages/PlanPage.js'));
const Incidents = lazy(() => import('../pages/Incidents.js'));
const CorrectiveActions = lazy(() => import('../pages/CorrectiveActions.js'));
const Exercises = lazy(() => import('../pages/Exercises.js'));
const Reports = lazy(() => import('../pages/Reports.js'));
const BiaCampaigns = lazy(() => import('../pages/BiaCampaigns.js'));
const Training = lazy(() => import('../pages/Training.js'));
const ManagementReviews = lazy(() => import('../pages/ManagementReviews.js'));
const Clauses = lazy(() => import('../pages/Clauses.js'));
const IncidentPage = lazy(() => import('../pages/IncidentPage.js'));
const FollowUp = lazy(() => import('../pages/FollowUp.js'));
const People = lazy(() => import('../pages/People.js'));
const Members = lazy(() => import('../pages/admin/Members.js'));
const Account = lazy(() => import('../pages/admin/Account.js'));
const Tokens = lazy(() => import('../pages/admin/Tokens.js'));
const Security = lazy(() => import('../pages/admin/Security.js'));
const BiaSettings = lazy(() => import('../pages/admin/BiaSettings.js'));
const Audit = lazy(() => import('../pages/admin/Audit.js'));
const WidgetKeys = lazy(() => import('../pages/admin/WidgetKeys.js'));
const SingleSignOn = lazy(() => import('../pages/admin/SingleSignOn.js'));
const NotFound = lazy(() => import('../pages/NotFound.js'));
const loadSignIn = () => import('../pages/SignIn.js');
const SignIn = lazy(loadSignIn);
// The sign-in page is the other usual first page: its chunk too is fetched before the router renders.
if (typeof location !== 'undefined' && location.pathname === '/sign-in') void loadSignIn();
const Invitation = lazy(() => import('../pages/Invitation.js'));

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
