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
