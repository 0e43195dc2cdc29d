// SPDX-License-Identifier: Apache-2.0
// The review queue (#/queue): applications filtered by status and holder type (in the hash query).
import { asProblem } from '../common/api';
import { h, notice, show } from '../common/dom';
import { t, tMaybe, type MessageKey } from '../common/i18n';
import { formatTime, problemBox } from '../common/ui';
import { officerApi } from './session';

interface QueueItem {
  id: string;
  holder_type: string;
  name: string;
  reason: string;
  status: string;
  created_at: string;
  documents: unknown;
}

function selectField(name: string, label: MessageKey, options: Array<[string, string]>, value: string): HTMLElement {
  const id = `filter-${name}`;
  const select = h('select', { id, name }, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  return h('div', { class: 'field' }, h('label', { for: id }, t(label)), select);
}

export async function queuePage(main: HTMLElement, query: URLSearchParams): Promise<void> {
  const status = query.get('status') ?? 'in_review';
  const holder = query.get('holder_type') ?? '';
  const filters = h(
    'form',
    { class: 'filters card', role: 'search', 'aria-label': t('officer.filters') },
    selectField('status', 'officer.filter.status', ['in_review', 'approved', 'rejected', 'all'].map((s) => [s, t(`officer.status.${s}` as MessageKey)]), status),
    selectField('holder_type', 'officer.filter.holder', [['', t('officer.holder.all')], ['individual', t('holder.individual')], ['corporate', t('holder.corporate')]], holder),
    h('button', { type: 'submit', class: 'btn btn-primary', id: 'filter-apply' }, t('officer.filter.apply')),
  );
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    next.set('status', (filters.querySelector('#filter-status') as HTMLSelectElement).value);
    const h2 = (filters.querySelector('#filter-holder_type') as HTMLSelectElement).value;
    if (h2) next.set('holder_type', h2);
    location.hash = `#/queue?${next.toString()}`;
  });
  const results = h('div', { id: 'queue', 'aria-live': 'polite' }, h('p', {}, t('status.loading')));
  show(main, h('h1', {}, t('officer.queue.title')), filters, results);
  const params = new URLSearchParams({ status });
  if (holder) params.set('holder_type', holder);
  try {
    const answer = await officerApi<{ items: QueueItem[] }>(`/api/v1/reviews?${params.toString()}`);
    if (!answer.items.length) {
      results.replaceChildren(notice('info', t('officer.queue.empty')));
      return;
    }
    results.replaceChildren(
      h(
        'table',
        { class: 'queue' },
        h('caption', { class: 'offscreen' }, t('officer.queue.title')),
        h(
          'thead',
          {},
          h('tr', {}, (['officer.col.name', 'officer.col.holder', 'officer.col.reason', 'officer.col.status', 'officer.col.created', 'officer.col.documents'] as MessageKey[]).map((k) => h('th', { scope: 'col' }, t(k)))),
        ),
        h(
          'tbody',
          {},
          answer.items.map((item) =>
            h(
              'tr',
              { 'data-id': item.id },
              h('th', { scope: 'row' }, h('a', { href: `#/review/${encodeURIComponent(item.id)}` }, item.name || item.id)),
              // data-label: on a phone the table becomes one card per row, each cell labelled.
              h('td', { 'data-label': t('officer.col.holder') }, t(item.holder_type === 'corporate' ? 'holder.corporate' : 'holder.individual')),
              h('td', { 'data-label': t('officer.col.reason') }, tMaybe(`reason.${item.reason}`) ?? item.reason),
              h('td', { 'data-label': t('officer.col.status') }, tMaybe(`status.${item.status}`) ?? item.status),
              h('td', { 'data-label': t('officer.col.created') }, formatTime(item.created_at)),
              h('td', { 'data-label': t('officer.col.documents') }, String(Array.isArray(item.documents) ? item.documents.length : item.documents ?? 0)),
            ),
          ),
        ),
      ),
    );
  } catch (error) {
    results.replaceChildren(problemBox(asProblem(error), '/portal/#/help/'));
  }
}
