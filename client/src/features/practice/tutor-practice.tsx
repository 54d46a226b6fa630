import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../components/ui/alert';
import { LoadingState } from '../../components/ui/spinner';
import { useTRPC } from '../../lib/trpc';
import { AssignSet } from './assign-set';
import { SetProgress } from './set-progress';
import '../../components/ui/admin-layout.css';
import './tutor-practice.css';

/**
 * The supervisors' part of /practice: tutors (and admins) assign practice sets and follow them; team leads follow
 * their site's sets only (practice.assign is the tutors' — the server refuses it to team leads anyway).
 */
export function TutorPractice() {
  const { t } = useTranslation('practice');
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 5 * 60_000 }));
  if (me.isPending) return <LoadingState label={t('tutor.loading')} />;
  if (me.isError) return <Alert tone="error">{t('tutor.loadFailed')}</Alert>;
  const assigns = me.data.role === 'tutor' || me.data.role === 'admin';
  return (
    <div className="practice-tutor">
      {assigns ? <AssignSet /> : <p className="ui-field__hint">{t('tutor.progress.readOnly')}</p>}
      <SetProgress canScore={assigns} />
    </div>
  );
}
