// Progressive enhancement only: every page works without JavaScript.
// Live notification count over server-sent events (/api/v1/events).
(function () {
  var bell = document.querySelector('[data-notifications] [data-count]');
  if (!bell || !window.EventSource) return;
  function refresh() {
    fetch('/api/v1/notifications?unread=true', { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) { if (j) bell.textContent = j.unread > 0 ? String(j.unread) : ''; })
      .catch(function () {});
  }
  refresh();
  var es = new EventSource('/api/v1/events');
  es.addEventListener('notification', refresh);
  es.addEventListener('session.ended', function () { es.close(); window.location.href = '/login'; });
})();
document.addEventListener('click', function (e) {
  var back = e.target.closest && e.target.closest('[data-back]');
  if (back) { e.preventDefault(); history.back(); }
});
// A file input with data-upload-purpose uploads its file to /api/v1/media (with the form's CSRF
// token) and puts the stored file's address into the hidden input named by data-upload-target.
document.addEventListener('change', function (e) {
  var input = e.target;
  if (!input.matches || !input.matches('input[type=file][data-upload-purpose]') || !input.files.length) return;
  var form = input.form;
  var target = form && form.querySelector('[name="' + input.getAttribute('data-upload-target') + '"]');
  var status = form && form.querySelector('[data-upload-status]');
  var csrf = form && form.querySelector('input[name=_csrf]');
  var file = input.files[0];
  if (!target || !csrf) return;
  if (status) status.textContent = '…';
  fetch('/api/v1/media?purpose=' + encodeURIComponent(input.getAttribute('data-upload-purpose')), {
    method: 'POST', credentials: 'same-origin', body: file,
    headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-File-Name': encodeURIComponent(file.name), 'X-CSRF-Token': csrf.value }
  }).then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
    .then(function (r) {
      if (!r.ok) throw new Error(r.j && r.j.error ? r.j.error.message : 'upload');
      target.value = (target.value ? target.value + ',' : '') + '/media/' + r.j.sha256;
      if (status) status.textContent = '✓ ' + file.name;
    })
    .catch(function (err) { if (status) status.textContent = '✗ ' + err.message; });
});
// A task's page says when the task changed elsewhere (live events), without losing what is typed.
(function () {
  var page = document.querySelector('[data-live-task]');
  if (!page || !window.EventSource) return;
  var id = Number(page.getAttribute('data-live-task'));
  var note = page.querySelector('[data-live-note]');
  var es = new EventSource('/api/v1/events');
  es.addEventListener('tasks.task', function (m) {
    try { if (JSON.parse(m.data).id === id && note) note.hidden = false; } catch (err) { /* not ours */ }
  });
})();
