// Routes: every page is its own chunk (React.lazy), loaded inside the shell of the organisation.
import { lazy } from 'react';
import { createBrowserRouter } from 'react-router';
import { Home } from './Home.js';
import { RouteError } from './RouteError.js';
import { Shell } from './Shell.js';

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
const ComingSoon = lazy(() => import('../pages/ComingSoon.js'));
const NotFound = lazy(() => import('../pages/NotFound.js'));

export const router = createBrowserRouter([
  { path: '/', element: <Home />, errorElement: <RouteError /> },
  {
    path: '/orgs/:org',
    element: <Shell />,
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
      // Places kept for the risk register and scenario simulation (issues to come).
      { path: 'risks', element: <ComingSoon feature="risks" /> },
      { path: 'scenarios', element: <ComingSoon feature="scenarios" /> },
      { path: '*', element: <NotFound /> },
    ],
  },
  { path: '*', element: <Home notFound /> },
]);
