// SPDX-License-Identifier: Apache-2.0
// The documents page (#/documents): one upload with progress per required document.
import { api, asProblem, upload } from '../common/api';
import { h, notice, show, clear, uid } from '../common/dom';
import { t, tMaybe, type MessageKey } from '../common/i18n';
import { problemBox } from '../common/ui';
import { go } from './nav';
import { journey, save } from './state';

const maxDocumentBytes = 10 * 1024 * 1024;
const documentTypes: Record<string, string> = { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png' };

function typeOf(file: File): string | undefined {
  if (Object.values(documentTypes).includes(file.type)) return file.type;
  const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
  return documentTypes[extension];
}

export function documentsPage(main: HTMLElement): void {
  const application = journey.application;
  if (!application) {
    go('');
    return;
  }
  const required = journey.required_documents ?? [];
  journey.uploaded ??= [];
  const resubmit = journey.resubmit === true;
  const done = h('a', { href: '#/status', class: 'btn btn-primary', id: 'documents-done' }, t(resubmit ? 'documents.resubmit' : 'documents.done'));
  const sent = h('div', { id: 'documents-sent', 'aria-live': 'polite' });
  const remaining = h('p', { id: 'documents-remaining', 'aria-live': 'polite' });
  const refresh = () => {
    const missing = required.filter((kind) => !journey.uploaded!.includes(kind));
    remaining.textContent = missing.length ? t('documents.remaining', { count: missing.length }) : t('documents.all_done');
    done.classList.toggle('btn-disabled', missing.length > 0);
    done.setAttribute('aria-disabled', String(missing.length > 0));
  };
  done.addEventListener('click', async (event) => {
    if (done.getAttribute('aria-disabled') === 'true') {
      event.preventDefault();
      remaining.focus();
      return;
    }
    if (!resubmit) return;
    // A rejected application goes back to review only when the server agrees.
    event.preventDefault();
    clear(sent);
    try {
      await api(`/api/v1/applications/${encodeURIComponent(application.id)}/resubmit`, { method: 'POST', token: application.token });
      delete journey.resubmit;
      save();
      go('status');
    } catch (error) {
      sent.append(problemBox(asProblem(error)));
    }
  });
  const rows = required.map((kind) => {
    const id = uid(`doc-${kind}`);
    const input = h('input', { type: 'file', id, name: kind, accept: 'application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png', 'aria-describedby': `${id}-hint ${id}-status` });
    const bar = h('progress', { max: 100, value: 0, id: `${id}-progress`, 'aria-label': t('documents.progress', { name: t(`doc.${kind}` as MessageKey) }) });
    const status = h('p', { id: `${id}-status`, class: 'doc-status', 'aria-live': 'polite' }, journey.uploaded!.includes(kind) ? `✓ ${t('documents.uploaded')}` : t('documents.not_uploaded'));
    input.addEventListener('change', async () => {
      const file = input.files?.[0];
      if (!file) return;
      clear(status);
      const type = typeOf(file);
      if (!type) {
        status.append(notice('error', t('documents.bad_type')));
        return;
      }
      if (file.size > maxDocumentBytes) {
        status.append(notice('error', t('documents.too_large')));
        return;
      }
      status.textContent = t('documents.uploading');
      bar.value = 0;
      try {
        await upload(
          `/api/v1/applications/${encodeURIComponent(application.id)}/documents/${kind}`,
          file,
          type,
          application.token,
          (fraction) => (bar.value = Math.round(fraction * 100)),
        );
        if (!journey.uploaded!.includes(kind)) journey.uploaded!.push(kind);
        save();
        clear(status);
        status.append(notice('ok', t('documents.uploaded_file', { name: file.name })));
      } catch (error) {
        bar.value = 0;
        clear(status);
        status.append(problemBox(asProblem(error)));
      }
      refresh();
    });
    return h(
      'div',
      { class: 'field doc' },
      h('label', { for: id }, t(`doc.${kind}` as MessageKey)),
      h('p', { id: `${id}-hint`, class: 'hint' }, tMaybe(`doc.${kind}.text`) ?? '', ' ', t('documents.rules')),
      input,
      bar,
      status,
    );
  });
  refresh();
  remaining.setAttribute('tabindex', '-1');
  show(
    main,
    h('h1', {}, t('documents.title')),
    h('p', { class: 'lead' }, t(resubmit ? 'documents.resubmit.lead' : 'documents.lead')),
    h('div', { class: 'stack' }, rows),
    remaining,
    sent,
    h('div', { class: 'actions' }, done),
  );
}
