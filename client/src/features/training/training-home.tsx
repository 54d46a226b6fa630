import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/alert';
import { EmptyState } from '../../components/ui/panel';
import { Select } from '../../components/ui/select';
import { LoadingState } from '../../components/ui/spinner';
import { useTRPC } from '../../lib/trpc';
import { FeedbackResults } from './feedback-results';
import { MyCourses } from './my-courses';
import { SessionsPanel } from './sessions-panel';
import { SiteReport } from './site-report';
import '../../components/ui/admin-layout.css';
import './training.css';

/**
 * /training — for a team lead (their site) or an admin (every site): the results per site, the survey's detail and
 * the sessions with their attendance, for the chosen course, then their own courses; for an operator or a tutor:
 * "I miei corsi", their sessions and the survey of those they attended.
 */
export function TrainingHome() {
  const { t } = useTranslation('training');
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 5 * 60_000 }));
  const role = me.data?.role;
  const planner = role === 'team_lead' || role === 'admin';
  return (
    <div className="home training" data-testid="home-training">
      <div className="page-header">
        <div>
          <h1 className="page-header__title">{planner ? t('title') : t('titleOwn')}</h1>
          <p className="page-header__subtitle">{planner ? t('subtitle') : t('subtitleOwn')}</p>
        </div>
      </div>
      {!role ? (
        <LoadingState label={t('loading')} />
      ) : (
        <div className="training-grid">
          {planner && <PlannerSections chooseSite={role === 'admin'} />}
          {role !== 'admin' && <MyCourses />}
        </div>
      )}
    </div>
  );
}

function PlannerSections({ chooseSite }: { chooseSite: boolean }) {
  const { t } = useTranslation('training');
  const trpc = useTRPC();
  const courses = useQuery(trpc.training.courses.queryOptions());
  const [chosen, setChosen] = useState('');
  if (courses.isPending) return <LoadingState label={t('loading')} />;
  if (courses.isError) return <Alert tone="error">{t('loadFailed')}</Alert>;
  const first = courses.data[0];
  if (!first) return <EmptyState>{t('noCourses')}</EmptyState>;
  const course = courses.data.find((c) => String(c.id) === chosen) ?? first;
  const courseId = course.id;
  return (
    <>
      <div className="training-toolbar">
        <Select
          label={t('course')}
          value={String(courseId)}
          onChange={(e) => setChosen(e.target.value)}
          options={courses.data.map((c) => ({ value: String(c.id), label: c.title }))}
        />
      </div>
      <SiteReport courseId={courseId} />
      <FeedbackResults courseId={courseId} />
      <SessionsPanel courseId={courseId} courseTitle={course.title} chooseSite={chooseSite} />
    </>
  );
}
