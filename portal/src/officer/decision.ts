// SPDX-License-Identifier: Apache-2.0
// The decision on one review: approve, or reject with a reason (and a text for "other").
import { asProblem, type Problem } from '../common/api';
import { clear, h, notice } from '../common/dom';
import { t, tMaybe, type MessageKey } from '../common/i18n';
import { button, problemBox } from '../common/ui';
import { officerApi } from './session';

const rejectReasons = ['info_mismatch', 'certificate_status', 'unreadable_document', 'missing_document', 'other'];

export function decisionPanel(id: string, status: string, after: () => void): HTMLElement {
  const result = h('div', { id: 'decision-result', 'aria-live': 'polite' });
  if (status !== 'in_review') {
    return h('section', { class: 'card', 'aria-labelledby': 'decision-h' }, h('h2', { id: 'decision-h' }, t('officer.decision')), notice('info', t('officer.decided', { status: tMaybe(`status.${status}`) ?? status })));
  }
  const decide = async (path: string, body?: unknown) => {
    clear(result);
    try {
      const answer = await officerApi<{ status: string }>(`/api/v1/reviews/${encodeURIComponent(id)}/${path}`, { method: 'POST', body: body ?? {} });
      result.append(notice('ok', tMaybe(`officer.result.${answer.status}`) ?? answer.status));
      setTimeout(after, 800);
    } catch (error) {
      result.append(problemBox(asProblem(error) as Problem, '/portal/#/help/'));
    }
  };
  // Approval shows the applicant the codes that issue a certificate: asked once more, in place.
  const confirmBox = h('div', { id: 'approve-confirm-box', class: 'stack', hidden: true });
  const approve = button(
    t('officer.approve'),
    () => {
      clear(confirmBox);
      confirmBox.hidden = false;
      const sure = button(t('officer.approve.confirm'), () => {
        confirmBox.hidden = true;
        void decide('approve');
      }, 'primary', { id: 'approve-confirm' });
      const cancel = button(t('officer.approve.cancel'), () => {
        confirmBox.hidden = true;
        approve.focus();
      }, 'secondary', { id: 'approve-cancel' });
      confirmBox.append(notice('info', t('officer.approve.question')), h('div', { class: 'actions' }, sure, cancel));
      sure.focus();
    },
    'primary',
    { id: 'approve' },
  );
  const reasonSelect = h('select', { id: 'reject-reason', name: 'reason', required: true }, h('option', { value: '' }, t('officer.reject.choose')), rejectReasons.map((r) => h('option', { value: r }, t(`review.reason.${r}` as MessageKey))));
  const text = h('textarea', { id: 'reject-text', name: 'text', rows: 3, maxlength: 1000, 'aria-describedby': 'reject-text-hint' });
  const rejectErrors = h('div', {});
  const reject = h(
    'form',
    { novalidate: true, class: 'stack', id: 'reject-form' },
    h('div', { class: 'field' }, h('label', { for: 'reject-reason' }, t('officer.reject.reason')), reasonSelect),
    h('div', { class: 'field' }, h('label', { for: 'reject-text' }, t('officer.reject.text')), h('p', { class: 'hint', id: 'reject-text-hint' }, t('officer.reject.text.hint')), text),
    rejectErrors,
    h('button', { type: 'submit', class: 'btn btn-danger', id: 'reject' }, t('officer.reject')),
  );
  reject.addEventListener('submit', (event) => {
    event.preventDefault();
    clear(rejectErrors);
    if (!reasonSelect.value) {
      rejectErrors.append(notice('error', t('officer.reject.need_reason')));
      reasonSelect.focus();
      return;
    }
    if (reasonSelect.value === 'other' && !text.value.trim()) {
      rejectErrors.append(notice('error', t('officer.reject.need_text')));
      text.focus();
      return;
    }
    void decide('reject', { reason: reasonSelect.value, text: text.value.trim() });
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'decision-h' },
    h('h2', { id: 'decision-h' }, t('officer.decision')),
    h('p', { class: 'small' }, t('officer.decision.lead')),
    h('div', { class: 'actions' }, approve),
    confirmBox,
    h('h3', {}, t('officer.reject.title')),
    reject,
    result,
  );
}
